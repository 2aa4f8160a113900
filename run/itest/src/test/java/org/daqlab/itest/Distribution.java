package org.daqlab.itest;

import org.ops4j.pax.exam.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

/**
 * The distribution under test, taken from the executable jar that run/ exports
 * ({@code run/target/daqlab.jar}): its bundles and its framework properties, so the tests run what
 * ships.
 */
final class Distribution {

    private static final int DEFAULT_START_LEVEL = 10;

    private Distribution() {
    }

    /** Pax Exam options: every bundle of the distribution plus its framework properties. */
    static List<Option> options(Path work, String name) {
        Path jar = Path.of(System.getProperty("it.distribution", "../target/daqlab.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("distribution " + jar.toAbsolutePath() + " is missing: build run/ first (mvn install)");
        }
        Path dir = work.resolve(name);
        deleteRecursively(dir); // every test class starts from an empty deploy folder and output directory
        List<Option> options = new ArrayList<>();
        try (JarFile exported = new JarFile(jar.toFile())) {
            Files.createDirectories(dir.resolve("bundles"));
            Properties launcher = new Properties();
            try (InputStream in = exported.getInputStream(exported.getJarEntry("launcher.properties"))) {
                launcher.load(in);
            }
            String[] paths = launcher.getProperty("launch.bundles").split(",");
            // launch.runbundles.attrs lists the same bundles in the same order, with their start levels
            java.util.regex.Matcher levels = java.util.regex.Pattern.compile("startlevel=(\\d+)")
                    .matcher(launcher.getProperty("launch.runbundles.attrs", ""));
            for (String path : paths) {
                JarEntry entry = exported.getJarEntry(path.trim());
                Path target = dir.resolve("bundles").resolve(Path.of(path.trim()).getFileName().toString());
                try (InputStream in = exported.getInputStream(entry)) {
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                int level = levels.find() ? Integer.parseInt(levels.group(1)) : DEFAULT_START_LEVEL;
                options.add(bundle(target.toUri().toString()).startLevel(level).start());
            }
            options.add(frameworkStartLevel(Integer.parseInt(
                    launcher.getProperty("org.osgi.framework.startlevel.beginning", "1")) + 1));
            for (String key : launcher.stringPropertyNames()) {
                if (key.startsWith("launch.") || key.equals("org.osgi.framework.system.packages.extra")
                        || key.equals("org.osgi.framework.startlevel.beginning")
                        || key.startsWith("felix.fileinstall.dir")) {
                    continue;
                }
                options.add(frameworkProperty(key).value(launcher.getProperty(key)));
            }
            String extra = launcher.getProperty("org.osgi.framework.system.packages.extra", "");
            for (String pkg : extra.split(",")) {
                if (!pkg.isBlank()) {
                    options.add(systemPackages(pkg.trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path deploy = dir.resolve("deploy");
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(deploy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        options.add(frameworkProperty("felix.fileinstall.dir").value(deploy.toString()));
        options.add(frameworkProperty("daqlab.output.dir").value(data.toString()));
        // A ring file of this test class's own: the default one in /dev/shm is shared by every platform on the
        // machine, and test runs of other checkouts may run at the same time.
        options.add(frameworkProperty("daqlab.ring.path").value(dir.resolve("ring.dat").toString()));
        // every writer runs: the tests register writers of their own besides the distribution's
        options.add(frameworkProperty("daqlab.writers").value("all"));
        options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(freePort())));
        options.add(frameworkProperty("daqlab.console.password").value(Support.CONSOLE_PASSWORD));
        // The test JVM's stdin is Surefire's command channel, not a terminal: an interactive Gogo console
        // would read it, and when its session ends it stops the framework under test ("gosh: stopping shell
        // and framework", mid-test). run/daqlab passes the same when its stdin is not a terminal.
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        options.add(junitBundles());
        return options;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
