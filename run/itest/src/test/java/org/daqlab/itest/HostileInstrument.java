package org.daqlab.itest;

import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import java.util.List;

/**
 * A driver bundle as a careless or hostile lab could write one: its instrument id, kind, last value and error are
 * markup that would run script if a page inserted them as HTML. ConsoleBrowserIT packs this class alone into a bundle
 * ({@link #bundle}) and drops it into the platform's deploy folder.
 */
public final class HostileInstrument implements BundleActivator, Instrument {

    /** Sets {@code window.__daqlabXss} if it ever runs as script. */
    static final String ID = "<script>window.__daqlabXss='id'</script>";
    static final String TEXT = "<img src=x onerror=\"window.__daqlabXss='text'\">";

    @Override
    public void start(BundleContext context) {
        context.registerService(Instrument.class, this, null);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public InstrumentStatus status() {
        return new InstrumentStatus(ID, TEXT, "RUNNING", List.of(), 0, 0, 0, TEXT, TEXT);
    }

    /** A bundle jar holding only this class, importing the OSGi framework and daqlab's instrument API. */
    static byte[] bundle() throws java.io.IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes main = manifest.getMainAttributes();
        main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.daqlab.itest.hostile");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", HostileInstrument.class.getName());
        main.putValue("Import-Package", "org.osgi.framework;version=\"[1.8,2)\","
                + "org.daqlab.api.instrument;version=\"[1.0,2)\"");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String entry = HostileInstrument.class.getName().replace('.', '/') + ".class";
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(out, manifest);
             java.io.InputStream in = HostileInstrument.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
        }
        return out.toByteArray();
    }
}
