/*
 * The DAQ page of the daqlab Web Console. Everything shown comes from daq/api/* and is put into the page as text
 * (textContent, never innerHTML): instrument ids, metadata and error texts come from drivers, operators and
 * exceptions. State-changing requests carry the console's CSRF token.
 */
(function () {
  'use strict';

  var page = document.getElementById('daq');
  if (!page) {
    return;
  }
  /*
   * Absolute URLs from the page's origin: a page opened as http://user:password@host/… would otherwise resolve
   * relative URLs with those credentials, which fetch refuses. The browser sends the credentials it has cached.
   */
  var root = location.origin + page.getAttribute('data-root');
  var csrfHeader = page.getAttribute('data-csrf-header');
  var csrfToken = page.getAttribute('data-csrf');
  /* At least twice a second, as the status changes that fast (rates, bytes, lag). */
  var STATUS_MS = 400;
  var PLOT_MS = 400;
  var FRAME_MS = 500;
  var STREAMS_MS = 2000;
  var PLOT_POINTS = 500;
  /* Settings shown in the writers table; the cell's tooltip lists all of them. */
  var KEY_SETTINGS = ['compression', 'compression_level', 'codec', 'format', 'zarr_format', 'output_dir',
    'rotation_size_mb', 'rotation_duration_secs', 'streams'];

  function $(id) {
    return document.getElementById(id);
  }

  function api(path) {
    return fetch(root + '/api/' + path, {credentials: 'same-origin', cache: 'no-store'});
  }

  function apiJson(path) {
    return api(path).then(function (r) {
      if (!r.ok) {
        throw new Error(path + ': HTTP ' + r.status);
      }
      return r.json();
    });
  }

  function post(path, body) {
    var headers = {'Content-Type': 'application/json'};
    headers[csrfHeader] = csrfToken;
    return fetch(root + '/api/' + path, {
      method: 'POST', credentials: 'same-origin', headers: headers,
      body: body === undefined ? '' : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) {
          throw new Error(answer.error || ('HTTP ' + r.status));
        }
        return answer;
      });
    });
  }

  function text(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  function cell(value, options) {
    var td = document.createElement('td');
    td.textContent = text(value);
    options = options || {};
    if (options.cls) {
      td.className = options.cls;
    }
    if (options.title) {
      td.title = options.title;
    }
    if (options.field) {
      td.setAttribute('data-field', options.field);
    }
    if (options.value !== undefined) {
      td.setAttribute('data-value', text(options.value));
    }
    return td;
  }

  function fillTable(id, rows) {
    var body = $(id).tBodies[0];
    var fresh = document.createElement('tbody');
    rows.forEach(function (tr) {
      fresh.appendChild(tr);
    });
    body.parentNode.replaceChild(fresh, body);
  }

  function bytes(n) {
    return Number(n).toLocaleString('en-US');
  }

  function fixed(n, digits) {
    return n === null || n === undefined || isNaN(n) ? '' : Number(n).toFixed(digits);
  }

  function fileName(path) {
    var slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  function message(textValue, ok) {
    var m = $('daq-message');
    m.textContent = textValue;
    m.className = 'daq-message' + (ok ? ' ok' : '');
    m.removeAttribute('data-outage');
  }

  /* A refresh that failed says so until a refresh of the same kind works again. */
  function outage(kind, textValue) {
    message(textValue, false);
    $('daq-message').setAttribute('data-outage', kind);
  }

  function recovered(kind) {
    if ($('daq-message').getAttribute('data-outage') === kind) {
      message('', true);
    }
  }

  // ------------------------------------------------------------------ status

  function renderRun(run) {
    var state = $('daq-run-state');
    if (run.active) {
      state.textContent = 'Run \u2018' + run.name + '\u2019 active since ' + new Date(run.started).toLocaleString()
        + ' (uid ' + run.uid + ')';
      state.className = 'daq-state active';
    } else {
      state.textContent = 'No run active';
      state.className = 'daq-state';
    }
    state.setAttribute('data-active', run.active ? 'true' : 'false');
    var rows = Object.keys(run.metadata || {}).map(function (key) {
      var tr = document.createElement('tr');
      tr.appendChild(cell(key, {cls: 'key'}));
      tr.appendChild(cell(run.metadata[key], {cls: 'value'}));
      return tr;
    });
    fillTable('daq-run-metadata', rows);
  }

  function renderInstruments(instruments) {
    fillTable('daq-instruments', instruments.map(function (i) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-instrument', i.id);
      tr.appendChild(cell(i.id, {field: 'id'}));
      tr.appendChild(cell(i.kind));
      tr.appendChild(cell(i.state, {field: 'state'}));
      tr.appendChild(cell(fixed(i.rows_per_second, 1), {cls: 'num', field: 'rows_per_second', value: i.rows_per_second}));
      tr.appendChild(cell(bytes(i.rows), {cls: 'num', value: i.rows}));
      tr.appendChild(cell(i.last_value, {field: 'last_value'}));
      tr.appendChild(cell(i.last_error, {cls: 'daq-error', field: 'last_error'}));
      return tr;
    }));
  }

  function settingsText(settings) {
    return KEY_SETTINGS.filter(function (k) {
      // unset, empty and empty lists (the console saves an empty list as one empty string) say nothing
      return settings[k] !== undefined && text(settings[k]) !== '';
    }).map(function (k) {
      return k + '=' + text(settings[k]);
    }).join(', ');
  }

  function renderWriters(writers) {
    fillTable('daq-writers', writers.map(function (w) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-writer', w.name);
      tr.appendChild(cell(w.name, {field: 'name'}));
      tr.appendChild(cell(w.format));
      // a failed writer retries during the run: how often it tried says whether space came back
      tr.appendChild(cell(w.retries > 0 ? w.state + ' (' + w.retries + ' retries)' : w.state, {field: 'state',
        cls: w.state === 'FAILED' || w.state === 'STUCK' ? 'daq-error' : undefined, value: w.state}));
      var files = w.current_files || [];
      tr.appendChild(cell(files.map(fileName).join(', '), {cls: 'file', field: 'current_files', title: files.join('\n')}));
      tr.appendChild(cell(bytes(w.bytes_written), {cls: 'num', field: 'bytes_written', value: w.bytes_written}));
      tr.appendChild(cell(fixed(w.mb_per_second, 2), {cls: 'num', field: 'mb_per_second', value: w.mb_per_second}));
      tr.appendChild(cell(bytes(w.lag_bytes), {cls: 'num', field: 'lag_bytes', value: w.lag_bytes}));
      tr.appendChild(cell(bytes(w.records_lost + w.records_not_written), {cls: 'num', field: 'records_lost',
        value: w.records_lost + w.records_not_written}));
      var settings = w.settings || {};
      tr.appendChild(cell(settingsText(settings), {field: 'settings', title: Object.keys(settings).map(function (k) {
        return k + '=' + text(settings[k]);
      }).join('\n')}));
      tr.appendChild(cell(w.last_error, {cls: 'daq-error', field: 'last_error'}));
      return tr;
    }));
  }

  function renderRing(ring) {
    $('daq-ring-summary').textContent = ring.path + ': ' + (ring.capacity_bytes / 1048576).toFixed(0) + ' MiB, '
      + ring.overflow_mode + ', fill ' + (100 * ring.fill).toFixed(1) + ' %, ' + bytes(ring.records_published)
      + ' records published, ' + bytes(ring.records_lost) + ' lost by readers, ' + bytes(ring.block_timeouts)
      + ' block timeouts';
    $('daq-ring-fill').style.width = Math.min(100, Math.max(0, 100 * ring.fill)).toFixed(1) + '%';
    $('daq-ring-error').textContent = ring.configuration_error ? 'Configuration error: ' + ring.configuration_error : '';
    fillTable('daq-ring-readers', ring.readers.map(function (r) {
      var tr = document.createElement('tr');
      tr.appendChild(cell(r.name));
      tr.appendChild(cell(r.process_id, {cls: 'num'}));
      tr.appendChild(cell(bytes(r.lag_bytes), {cls: 'num', value: r.lag_bytes}));
      tr.appendChild(cell(r.lost_records === null ? 'n/a' : bytes(r.lost_records), {cls: 'num'}));
      tr.appendChild(cell(r.corrupt_records === null ? 'n/a' : bytes(r.corrupt_records), {cls: 'num'}));
      return tr;
    }));
  }

  function renderErrors(errors) {
    var list = $('daq-errors');
    var fresh = list.cloneNode(false);
    if (!errors.length) {
      var none = document.createElement('li');
      none.textContent = 'none';
      fresh.appendChild(none);
    }
    errors.forEach(function (e) {
      var li = document.createElement('li');
      li.className = e.level === 'ERROR' ? 'daq-error' : '';
      var time = document.createElement('span');
      time.className = 'time';
      time.textContent = new Date(e.time).toLocaleTimeString() + ' ' + e.level;
      var source = document.createElement('span');
      source.className = 'source';
      source.textContent = e.source;
      var msg = document.createElement('span');
      msg.className = 'message';
      msg.textContent = e.message;
      li.appendChild(time);
      li.appendChild(source);
      li.appendChild(msg);
      fresh.appendChild(li);
    });
    list.parentNode.replaceChild(fresh, list);
  }

  function refreshStatus() {
    apiJson('status').then(function (s) {
      renderRun(s.run);
      renderInstruments(s.instruments);
      renderWriters(s.writers);
      renderRing(s.ring);
      renderErrors(s.errors);
      page.setAttribute('data-updated', s.time);
      recovered('status');
    }).catch(function (e) {
      outage('status', 'Status not available: ' + e.message);
    }).then(function () {
      setTimeout(refreshStatus, STATUS_MS);
    });
  }

  // ------------------------------------------------------------------ run control

  function addMetadataRow(key, value) {
    var row = document.createElement('span');
    row.className = 'daq-meta-row';
    var k = document.createElement('input');
    k.className = 'daq-meta-key';
    k.placeholder = 'key';
    k.value = key || '';
    var v = document.createElement('input');
    v.className = 'daq-meta-value';
    v.placeholder = 'value';
    v.value = value || '';
    row.appendChild(k);
    row.appendChild(document.createTextNode(' = '));
    row.appendChild(v);
    $('daq-meta-rows').appendChild(row);
  }

  function startRun(event) {
    event.preventDefault();
    var metadata = {};
    var rows = $('daq-meta-rows').querySelectorAll('.daq-meta-row');
    for (var i = 0; i < rows.length; i++) {
      var key = rows[i].querySelector('.daq-meta-key').value.trim();
      var value = rows[i].querySelector('.daq-meta-value').value;
      if (key) {
        metadata[key] = value;
      } else if (value) {
        message('Metadata value \u201c' + value + '\u201d has no key: give it one or clear it.', false);
        return;
      }
    }
    post('run/start', {name: $('daq-run-name').value, metadata: metadata}).then(function (r) {
      message('Run \u2018' + r.name + '\u2019 started (uid ' + r.uid + ').', true);
    }).catch(function (e) {
      message('Not started: ' + e.message, false);
    });
  }

  function stopRun() {
    post('run/stop').then(function (r) {
      message('Run ' + r.uid + ' stopped.', true);
    }).catch(function (e) {
      message('Not stopped: ' + e.message, false);
    });
  }

  // ------------------------------------------------------------------ live view

  var chart = null;

  function setOptions(select, options) {
    var current = select.value;
    var wanted = options.map(function (o) {
      return o.value;
    }).join('\n');
    if (select.getAttribute('data-options') === wanted) {
      return;
    }
    select.setAttribute('data-options', wanted);
    while (select.firstChild) {
      select.removeChild(select.firstChild);
    }
    options.forEach(function (o) {
      var option = document.createElement('option');
      option.value = o.value;
      option.textContent = o.label;
      select.appendChild(option);
    });
    if (wanted.split('\n').indexOf(current) >= 0) {
      select.value = current;
    }
  }

  function refreshStreams() {
    apiJson('streams').then(function (streams) {
      var columns = [];
      var frames = [];
      streams.forEach(function (s) {
        s.columns.forEach(function (c) {
          columns.push({value: JSON.stringify([s.stream, c.name]),
            label: s.stream + ' / ' + c.name + (c.unit ? ' (' + c.unit + ')' : '')});
        });
        if (s.frames) {
          frames.push({value: s.stream, label: s.stream});
        }
      });
      setOptions($('daq-plot-column'), columns);
      setOptions($('daq-frame-stream'), frames);
      recovered('streams');
    }).catch(function (e) {
      outage('streams', 'Live view not available: ' + e.message);
    }).then(function () {
      setTimeout(refreshStreams, STREAMS_MS);
    });
  }

  function makeChart() {
    return new Chart($('daq-plot'), {
      type: 'line',
      data: {datasets: [{label: '', data: [], borderColor: '#2f6fb0', borderWidth: 1, pointRadius: 0}]},
      options: {
        animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false,
        scales: {
          x: {type: 'linear', title: {display: true, text: 'seconds before the newest value'}},
          y: {title: {display: true, text: ''}}
        }
      }
    });
  }

  function refreshPlot() {
    var selected = $('daq-plot-column').value;
    var next = function () {
      setTimeout(refreshPlot, PLOT_MS);
    };
    if (!selected) {
      next();
      return;
    }
    var choice = JSON.parse(selected);
    apiJson('series?stream=' + encodeURIComponent(choice[0]) + '&column=' + encodeURIComponent(choice[1])
      + '&points=' + PLOT_POINTS).then(function (s) {
      chart = chart || makeChart();
      var points = s.seconds.map(function (t, i) {
        return {x: t, y: s.values[i]};
      });
      chart.data.datasets[0].data = points;
      chart.data.datasets[0].label = s.stream + ' / ' + s.column;
      chart.options.scales.y.title.text = s.unit || '';
      chart.update('none');
      $('daq-plot').setAttribute('data-points', String(points.length));
      $('daq-plot').setAttribute('data-newest', text(s.newest));
      recovered('plot');
    }).catch(function (e) {
      outage('plot', 'Plot not available: ' + e.message);
    }).then(next);
  }

  var frameUrl = null;

  function refreshFrame() {
    var stream = $('daq-frame-stream').value;
    var next = function () {
      setTimeout(refreshFrame, FRAME_MS);
    };
    if (!stream) {
      next();
      return;
    }
    api('frame.png?stream=' + encodeURIComponent(stream)).then(function (r) {
      if (r.status === 204) {
        return null; // the tap has no frame of this stream yet
      }
      if (!r.ok) {
        throw new Error('frame: HTTP ' + r.status);
      }
      var number = r.headers.get('X-Daqlab-Frame-Number');
      return r.blob().then(function (blob) {
        var img = $('daq-frame');
        var old = frameUrl;
        frameUrl = URL.createObjectURL(blob);
        img.src = frameUrl;
        if (old) {
          URL.revokeObjectURL(old);
        }
        img.setAttribute('data-frame-number', text(number));
        $('daq-frame-caption').textContent = stream + ', frame ' + text(number);
        recovered('frame');
      });
    }).catch(function (e) {
      outage('frame', 'Camera view not available: ' + e.message);
    }).then(next);
  }

  // ------------------------------------------------------------------ start

  $('daq-start-form').addEventListener('submit', startRun);
  $('daq-stop').addEventListener('click', stopRun);
  $('daq-meta-add').addEventListener('click', function () {
    addMetadataRow();
  });
  addMetadataRow('operator', '');
  refreshStatus();
  refreshStreams();
  refreshPlot();
  refreshFrame();
}());
