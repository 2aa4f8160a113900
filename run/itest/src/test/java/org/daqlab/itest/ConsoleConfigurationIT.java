package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.storage.StorageWriter;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import javax.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * Configuration in the Web Console: every daqlab component describes its settings (labels, descriptions, defaults,
 * choices, instance names), and a bad value is refused with a message naming the field and the fix, while the
 * component keeps running on its last good configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleConfigurationIT {

    /** Settings that are enumerations and must offer their choices. */
    private static final Set<String> ENUMERATIONS = Set.of("overflow_mode", "compression", "format", "delimiter",
            "bit_depth", "zarr_format", "bigtiff");

    @Inject
    private BundleContext context;

    private ConsoleHttp http;
    private String token;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "console-config").toArray(new Option[0]);
    }

    @Before
    public void consoleIsUp() throws Exception {
        http = new ConsoleHttp(Integer.parseInt(context.getProperty("org.osgi.service.http.port")));
        Support.await("the DAQ page", 60, () -> http.statusOf("GET", "/system/console/daq/api/csrf",
                ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD) == 200);
        token = Support.JSON.readTree(http.get("/system/console/daq/api/csrf").body()).path("token").asText();
    }

    @Test
    public void everyDaqlabComponentDescribesItsSettings() throws Exception {
        MetaTypeService metatype = Support.service(context, MetaTypeService.class);
        List<String> gaps = new ArrayList<>();
        int described = 0;
        for (Bundle bundle : context.getBundles()) {
            if (!bundle.getSymbolicName().startsWith("org.daqlab.") || bundle.getSymbolicName().startsWith("org.daqlab.feature")) {
                continue;
            }
            MetaTypeInformation info = metatype.getMetaTypeInformation(bundle);
            List<String[]> pids = new ArrayList<>();
            for (String pid : info.getPids()) {
                pids.add(new String[] {pid, "single"});
            }
            for (String pid : info.getFactoryPids()) {
                pids.add(new String[] {pid, "factory"});
            }
            for (String[] pid : pids) {
                described++;
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid[0], null);
                String where = bundle.getSymbolicName() + " " + pid[0];
                if (blank(ocd.getName()) || blank(ocd.getDescription())) {
                    gaps.add(where + ": no name or description");
                }
                boolean nameHint = false;
                for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    String field = where + " " + ad.getID();
                    if (blank(ad.getName()) || blank(ad.getDescription())) {
                        gaps.add(field + ": no label or description");
                    }
                    if (ad.getCardinality() == 0 && ad.getType() != AttributeDefinition.PASSWORD
                            && ad.getDefaultValue() == null) {
                        gaps.add(field + ": no default");
                    }
                    if (ENUMERATIONS.contains(ad.getID())
                            && (ad.getOptionValues() == null || ad.getOptionValues().length < 2)) {
                        gaps.add(field + ": an enumeration without its choices");
                    }
                    if (ad.getID().equals("webconsole.configurationFactory.nameHint")) {
                        nameHint = ad.getDefaultValue() != null && ad.getDefaultValue()[0].contains("{");
                    }
                }
                if (pid[1].equals("factory") && !nameHint) {
                    gaps.add(where + ": instances have no readable name (webconsole.configurationFactory.nameHint)");
                }
            }
        }
        assertEquals("metatype gaps", List.of(), gaps);
        assertTrue("the ring, core, six writers, three instruments, the allocator and the console: " + described,
                described >= 13);
    }

    @Test
    public void aBadValueIsRefusedNamingTheFieldAndTheFixAndTheComponentKeepsItsConfiguration() throws Exception {
        ServiceReference<RingBuffer> ring = context.getServiceReference(RingBuffer.class);
        long capacity = context.getService(ring).stats().capacityBytes();
        ConsoleHttp.Response negative = save("org.daqlab.ringbuffer", Map.of("capacity_mb", "-5"));
        assertEquals(400, negative.status());
        String text = unescape(negative.body());
        assertTrue(text, text.contains("Configuration 'daqlab Ring buffer' (org.daqlab.ringbuffer) not saved; "
                + "the component keeps its last good configuration. 'Capacity (MB)' (capacity_mb) = '-5': below the "
                + "minimum 1. Enter a whole number from 1 to 1048576."));
        assertEquals("the ring was not re-created", ring.getProperty(Constants.SERVICE_ID),
                context.getServiceReference(RingBuffer.class).getProperty(Constants.SERVICE_ID));
        assertEquals(capacity, context.getService(context.getServiceReference(RingBuffer.class)).stats().capacityBytes());
        Configuration stored = Support.service(context, ConfigurationAdmin.class).getConfiguration("org.daqlab.ringbuffer", "?");
        assertTrue("nothing stored", stored.getProperties() == null || stored.getProperties().get("capacity_mb") == null);

        String hdf5 = instancePid("org.daqlab.writer.hdf5");
        Object writerId = writer("hdf5").getProperty(Constants.SERVICE_ID);
        ConsoleHttp.Response codec = save(hdf5, Map.of("compression", "lz5"));
        assertEquals(400, codec.status());
        assertTrue(unescape(codec.body()), unescape(codec.body()).contains("'Compression' (compression) = 'lz5': not one "
                + "of the choices. Choose one of none (\"None\"), deflate (\"Deflate (gzip)\"), lz4"));
        assertEquals("the writer kept running", writerId, writer("hdf5").getProperty(Constants.SERVICE_ID));
        assertEquals("deflate", writer("hdf5").getProperty("compression"));

        Path file = Files.writeString(Path.of(System.getProperty("it.work"), "console-config", "a-file"), "x");
        ConsoleHttp.Response directory = save(instancePid("org.daqlab.writer.csv"),
                Map.of("output_dir", file.resolve("data").toString()));
        assertEquals(400, directory.status());
        assertTrue(unescape(directory.body()), unescape(directory.body()).contains("'Output directory' (output_dir) = '"
                + file.resolve("data") + "': " + file + " is a file, so " + file.resolve("data") + " cannot be created."));

        JsonNode errors = Support.JSON.readTree(http.get("/system/console/daq/api/status").body()).path("errors");
        List<String> messages = new ArrayList<>();
        errors.forEach(e -> messages.add(e.path("message").asText()));
        assertTrue("the refusals among the DAQ page's recent errors: " + messages, messages.stream().anyMatch(m ->
                m.contains("(capacity_mb) = '-5'")) && messages.stream().anyMatch(m -> m.contains("= 'lz5'")));

        // a good value still applies: the writer restarts with it
        ConsoleHttp.Response good = save(hdf5, Map.of("compression", "none"));
        assertTrue(good.body(), good.status() < 400);
        Support.await("the HDF5 writer with compression none", 30,
                () -> writer("hdf5") != null && "none".equals(writer("hdf5").getProperty("compression")));
        save(hdf5, Map.of("compression", "deflate"));
    }

    private ConsoleHttp.Response save(String pid, Map<String, String> values) throws Exception {
        StringBuilder query = new StringBuilder("apply=update&propertylist=")
                .append(URLEncoder.encode(String.join(",", values.keySet()), StandardCharsets.UTF_8));
        values.forEach((k, v) -> query.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send("POST", "/system/console/configMgr/" + pid + "?" + query,
                ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD, null, Map.of("X-Daqlab-CSRF", token));
    }

    private String instancePid(String factoryPid) throws Exception {
        Configuration[] found = Support.service(context, ConfigurationAdmin.class)
                .listConfigurations("(service.factoryPid=" + factoryPid + ")");
        assertNotNull("a configured " + factoryPid, found);
        return found[0].getPid();
    }

    private ServiceReference<StorageWriter> writer(String name) {
        try {
            var refs = context.getServiceReferences(StorageWriter.class, "(name=" + name + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jetty's error page escapes the message as HTML. */
    private static String unescape(String html) {
        return html.replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
