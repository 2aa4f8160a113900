package org.daqlab.webconsole.internal.config;

import org.apache.felix.metatype.OCD;
import org.apache.felix.webconsole.spi.ConfigurationHandler;
import org.apache.felix.webconsole.spi.ValidationException;
import org.daqlab.webconsole.internal.status.RecentErrors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Dictionary;
import java.util.List;
import java.util.Optional;

/**
 * Checks every daqlab configuration ({@code org.daqlab.*}) the Web Console is about to save against its metatype
 * ({@link ConfigurationRules}). A configuration with a bad value is not saved at all: the console answers 400 with
 * the message, the component keeps running with its last good configuration, and the message goes to the log and
 * to the recent errors of the DAQ page.
 */
@Component(service = ConfigurationHandler.class)
public final class DaqlabConfigurationHandler implements ConfigurationHandler {

    private static final String DAQLAB_PIDS = "org.daqlab.";
    private static final Logger LOG = LoggerFactory.getLogger(DaqlabConfigurationHandler.class);

    private final BundleContext context;
    private final RecentErrors errors;
    private final ConfigurationAdmin configurations;

    @Activate
    public DaqlabConfigurationHandler(BundleContext context, @Reference RecentErrors errors,
            @Reference ConfigurationAdmin configurations) {
        this.context = context;
        this.errors = errors;
        this.configurations = configurations;
    }

    @Override
    public void updateConfiguration(String factoryPid, String pid, Dictionary<String, Object> properties)
            throws ValidationException, IOException {
        if (pid == null) {
            return;
        }
        // the console's editor names the factory of an instance; a script posting to configMgr/<pid> may not
        String metatypePid = factoryPid != null ? factoryPid : factoryPidOf(pid).orElse(pid);
        if (!metatypePid.startsWith(DAQLAB_PIDS)) {
            return;
        }
        Optional<OCD> ocd = MetatypeDocuments.find(context, metatypePid);
        if (ocd.isEmpty()) {
            return;
        }
        List<String> problems = ConfigurationRules.problems(ocd.get(), FrameworkUtil.asMap(properties));
        if (problems.isEmpty()) {
            return;
        }
        String message = "Configuration '" + ocd.get().getName() + "' (" + pid + ") not saved; the component keeps "
                + "its last good configuration. " + String.join(" ", problems);
        LOG.error(message);
        errors.report(DaqlabConfigurationHandler.class.getName(), message);
        throw new ValidationException(message);
    }

    private Optional<String> factoryPidOf(String pid) throws IOException {
        Configuration[] all;
        try {
            all = configurations.listConfigurations(null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter cannot be invalid", e);
        }
        for (Configuration c : all == null ? new Configuration[0] : all) {
            if (c.getPid().equals(pid)) {
                return Optional.ofNullable(c.getFactoryPid());
            }
        }
        return Optional.empty();
    }

    @Override
    public void createConfiguration(String pid) {
        // nothing to check until it has values
    }

    @Override
    public void createFactoryConfiguration(String factoryPid, String name) {
        // nothing to check until it has values
    }

    @Override
    public void deleteConfiguration(String factoryPid, String pid) {
        // deleting is always allowed: the component falls back to its defaults or goes away
    }
}
