package org.daqlab.webconsole.internal;

import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Just enough ConfigurationAdmin for {@link ConsoleCredentials}: plain (non-factory) configurations kept in a
 * map, with the copy semantics of the real one (properties handed out and taken in are copies).
 */
final class InMemoryConfigurationAdmin implements ConfigurationAdmin {

    private final Map<String, StoredConfiguration> configurations = new TreeMap<>();

    /** Puts a configuration in place as if an administrator had saved it. */
    void put(String pid, Map<String, Object> properties) {
        stored(pid, null).update(new Hashtable<>(properties));
    }

    /** The properties of a configuration, {@code null} while it has none. */
    Map<String, Object> properties(String pid) {
        StoredConfiguration configuration = configurations.get(pid);
        return configuration == null || configuration.properties == null
                ? null : FrameworkUtil.asMap(configuration.getProperties());
    }

    /** How often a configuration was updated; 0 if it does not exist. */
    long updates(String pid) {
        StoredConfiguration configuration = configurations.get(pid);
        return configuration == null ? 0 : configuration.changeCount;
    }

    String location(String pid) {
        return configurations.get(pid).location;
    }

    @Override
    public Configuration getConfiguration(String pid, String location) {
        return stored(pid, location);
    }

    private StoredConfiguration stored(String pid, String location) {
        return configurations.computeIfAbsent(pid, p -> new StoredConfiguration(p, location));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        throw new UnsupportedOperationException("binds to the caller's bundle, which a test does not have");
    }

    @Override
    public Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
        Filter parsed = FrameworkUtil.createFilter(filter);
        Configuration[] found = configurations.values().stream()
                .filter(c -> c.properties != null && parsed.matches(FrameworkUtil.asMap(c.getProperties())))
                .toArray(Configuration[]::new);
        return found.length == 0 ? null : found; // as specified: null, not empty
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        throw new UnsupportedOperationException();
    }

    private final class StoredConfiguration implements Configuration {

        private final String pid;
        private String location;
        private Hashtable<String, Object> properties;
        private long changeCount;

        StoredConfiguration(String pid, String location) {
            this.pid = pid;
            this.location = location;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            return properties == null ? null : new Hashtable<>(properties);
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> newProperties) {
            Hashtable<String, Object> copy = new Hashtable<>();
            newProperties.keys().asIterator().forEachRemaining(key -> copy.put(key, newProperties.get(key)));
            copy.put(Constants.SERVICE_PID, pid);
            properties = copy;
            changeCount++;
        }

        @Override
        public void delete() {
            configurations.remove(pid);
        }

        @Override
        public String getFactoryPid() {
            return null;
        }

        @Override
        public void update() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> newProperties) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setBundleLocation(String newLocation) {
            location = newLocation;
        }

        @Override
        public String getBundleLocation() {
            return location;
        }

        @Override
        public long getChangeCount() {
            return changeCount;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return EnumSet.noneOf(ConfigurationAttribute.class);
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }
    }
}
