package org.daqlab.webconsole.internal.config;

import org.apache.felix.metatype.Designate;
import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.apache.felix.metatype.OCD;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the metatype of a configuration PID in the bundles' {@code OSGI-INF/metatype} documents. They are read with
 * Felix Metatype's own parser rather than through the OSGi Metatype Service, whose attribute definitions do not tell
 * their minimum and maximum, which a message naming the fix needs.
 */
final class MetatypeDocuments {

    private static final String FOLDER = "OSGI-INF/metatype";

    private MetatypeDocuments() {
    }

    /**
     * The object class definition designated for {@code pid} (a plain PID or a factory PID), if a bundle declares one.
     *
     * @throws IOException if a metatype document cannot be read
     */
    @SuppressWarnings("unchecked")
    static Optional<OCD> find(BundleContext context, String pid) throws IOException {
        for (Bundle bundle : context.getBundles()) {
            Enumeration<URL> documents = bundle.findEntries(FOLDER, "*.xml", false);
            while (documents != null && documents.hasMoreElements()) {
                MetaData metadata = new MetaDataReader().parse(documents.nextElement());
                if (metadata == null) {
                    continue;
                }
                for (Designate designate : (Iterable<Designate>) metadata.getDesignates()) {
                    if (pid.equals(designate.getPid()) || pid.equals(designate.getFactoryPid())) {
                        String ref = designate.getObject().getOcdRef();
                        OCD ocd = (OCD) metadata.getObjectClassDefinitions().get(ref);
                        return Optional.ofNullable(Objects.requireNonNull(ocd, () -> "metatype of " + pid
                                + " in " + bundle.getSymbolicName() + " designates the missing OCD " + ref));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
