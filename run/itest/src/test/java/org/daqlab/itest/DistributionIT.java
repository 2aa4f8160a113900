package org.daqlab.itest;

import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
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

import javax.inject.Inject;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** The distribution's bundles all resolve and start, its services appear, the console is protected. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT {

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "distribution").toArray(new Option[0]);
    }

    @Test
    public void everyBundleOfTheDistributionIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState());
            }
        }
        assertEquals("bundles not active", List.of(), notActive);
    }

    @Test
    public void servicesOfEveryBundleAppear() throws Exception {
        Support.service(context, RingBuffer.class);
        Support.service(context, RunControl.class);
        Support.service(context, DataPublisher.class);
        Support.service(context, StorageStatus.class);
        Support.service(context, StorageWriter.class);
        Support.await("three simulated instruments", 30, () -> instrumentIds().size() == 3);
        assertEquals(new TreeSet<>(List.of("adc0", "camera0", "power_meter_01")), instrumentIds());
        Support.await("the CSV writer", 30, () -> Support.writer(storage(), "csv").isPresent());
    }

    @Test
    public void consoleAnswers401WithoutCredentialsAnd200WithThem() throws Exception {
        String port = context.getProperty("org.osgi.service.http.port");
        URL url = new URL("http://127.0.0.1:" + port + "/system/console/configMgr");
        Support.await("the web console", 60, () -> status(url, null) == 401);
        assertEquals(401, status(url, "admin:wrong"));
        Support.await("the configured credentials", 30, () -> status(url, "admin:" + Support.CONSOLE_PASSWORD) == 200);
        String page = body(url, "admin:" + Support.CONSOLE_PASSWORD);
        assertTrue("Configuration page lists the daqlab components", page.contains("org.daqlab.core")
                || page.contains("daqlab Storage core"));
    }

    @Test
    public void daqlabConfigurationsAreInConfigAdmin() throws Exception {
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        TreeSet<String> pids = new TreeSet<>();
        for (Configuration c : cm.listConfigurations("(|(service.pid=org.daqlab.*)(service.factoryPid=org.daqlab.*))")) {
            pids.add(c.getFactoryPid() != null ? c.getFactoryPid() : c.getPid());
        }
        // the ring buffer runs on its metatype defaults: the feature ships no configuration for it
        assertTrue(pids.toString(), pids.containsAll(List.of("org.daqlab.core",
                "org.daqlab.writer.csv", "org.daqlab.driver.sim.powermeter", "org.daqlab.driver.sim.adc",
                "org.daqlab.driver.sim.camera")));
    }

    private TreeSet<String> instrumentIds() {
        TreeSet<String> ids = new TreeSet<>();
        try {
            for (ServiceReference<Instrument> ref : context.getServiceReferences(Instrument.class, null)) {
                Instrument i = context.getService(ref);
                if (i != null) {
                    ids.add(i.id());
                    context.ungetService(ref);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private StorageStatus storage() {
        try {
            return Support.service(context, StorageStatus.class);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(URL url, String credentials) {
        try {
            HttpURLConnection c = open(url, credentials);
            int code = c.getResponseCode();
            c.disconnect();
            return code;
        } catch (java.io.IOException e) {
            return -1; // not listening yet
        }
    }

    private static String body(URL url, String credentials) throws java.io.IOException {
        HttpURLConnection c = open(url, credentials);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpURLConnection open(URL url, String credentials) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        if (credentials != null) {
            c.setRequestProperty("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return c;
    }
}
