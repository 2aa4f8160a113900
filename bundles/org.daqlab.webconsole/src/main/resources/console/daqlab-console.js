/*
 * daqlab: every state-changing request of this console page carries the CSRF token (see ConsoleCsrfFilter), and a
 * configuration the console refuses to save shows why (DaqlabConfigurationHandler's message).
 */
(function () {
  'use strict';
  var header = '@HEADER@';
  var param = '@PARAM@';
  var token = '@TOKEN@';
  function sameOrigin(url) {
    return new URL(url, location.origin).origin === location.origin;
  }
  /* jQuery requests of the console's pages, GETs included: the configuration editor reads and saves through ?post=true. */
  if (window.jQuery) {
    jQuery.ajaxPrefilter(function (options, original, xhr) {
      if (sameOrigin(options.url)) {
        xhr.setRequestHeader(header, token);
      }
    });
  }
  /*
   * The configuration editor closes without a word when saving fails; the answer (Jetty's error page) names the
   * field and the fix, so show it.
   */
  if (window.jQuery) {
    jQuery(document).ajaxError(function (event, xhr, settings) {
      if (xhr.status !== 400 || !/\/configMgr\//.test(settings.url)) {
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
      var reason = page.title.replace(/^Error \d+ /, '') || ('HTTP ' + xhr.status);
      var box = jQuery('<div id="daqlab-config-error" class="ui-state-error"></div>').text(reason);
      if (box.dialog) {
        box.dialog({title: 'Configuration not saved', modal: true, width: '60%',
          buttons: {OK: function () { jQuery(this).dialog('close'); }}});
      } else {
        box.prependTo(document.body);
      }
    });
  }
  /* Plain form posts (bundle upload, restart, shell) cannot set headers: the token goes into the action's query. */
  function protect(form) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post' || form.hasAttribute('data-daqlab-csrf')) {
      return;
    }
    var action = new URL(form.getAttribute('action') || location.href, location.href);
    if (action.origin !== location.origin) {
      return;
    }
    action.searchParams.set(param, token);
    form.setAttribute('action', action.pathname + action.search + action.hash);
    form.setAttribute('data-daqlab-csrf', '');
  }
  function protectAll(node) {
    if (node.tagName === 'FORM') {
      protect(node);
    }
    if (node.querySelectorAll) {
      Array.prototype.forEach.call(node.querySelectorAll('form'), protect);
    }
  }
  document.addEventListener('DOMContentLoaded', function () {
    protectAll(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, protectAll);
      });
    }).observe(document.body, {childList: true, subtree: true});
  });
}());
