package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An administrator in a real browser (Debian's headless chromium, driven by Selenium through Debian's chromedriver)
 * against the platform started by the README's launcher: logs in, starts a run, watches the writer's bytes grow,
 * changes the HDF5 writer's compression in Configuration and sees the next segment written with it, stops the run.
 * A driver bundle with markup in its instrument id and texts, and markup in the run's metadata, must show as text.
 * Any JavaScript error or failed load in the pages fails the test. Screenshots go to {@code target/screenshots}.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String HDF5_PID = "org.daqlab.writer.hdf5~default";

    private final List<String> browserErrors = new ArrayList<>();

    @Test
    void anAdministratorRunsAnAcquisitionFromTheConsole(@TempDir Path work) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromedriver: apt-get install chromium chromium-driver");
        Files.createDirectories(SCREENSHOTS);
        int port = freePort();
        Path data = work.resolve("data");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Files.write(deploy.resolve("hostile-instrument.jar"), HostileInstrument.bundle());
        ProcessBuilder launcher = new ProcessBuilder("bash", Launcher.SCRIPT.toString(), "--port", Integer.toString(port),
                "--output", data.toString(), "--deploy", deploy.toString(), "--state", work.resolve("state").toString(),
                "--ring", work.resolve("ring.dat").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile());
        launcher.environment().put("DAQLAB_CONSOLE_PASSWORD", Support.CONSOLE_PASSWORD);
        Process platform = launcher.start();
        platform.getOutputStream().close(); // no terminal: the launcher starts the shell non-interactive
        try {
            ConsoleHttp http = new ConsoleHttp(port);
            Support.await("the DAQ page of the started platform", 120, () -> http.statusOf("GET",
                    "/system/console/daq/api/status", ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD) == 200);
            WebDriver browser = chromium();
            try {
                drive(browser, port, http);
            } catch (AssertionError | RuntimeException e) {
                screenshot(browser, "failure.png");
                throw new AssertionError(e.getMessage() + "\nplatform log: " + work.resolve("log.txt"), e);
            } finally {
                browser.quit();
            }
            assertTwoSegmentsWithTheCompressionOfTheirTime(data);
        } finally {
            Launcher.stop(platform);
        }
    }

    private void drive(WebDriver browser, int port, ConsoleHttp http) throws Exception {
        String console = "http://127.0.0.1:" + port + "/system/console";
        // the browser logs in with the credentials in the address, as a user types them into the login prompt
        String login = "http://" + ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD + "@127.0.0.1:" + port;
        browser.get(login + "/system/console/daq");
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(200));
        // the page replaces its tables 2.5 times a second: an element found may be gone a moment later
        wait.ignoring(StaleElementReferenceException.class).ignoring(org.openqa.selenium.NoSuchElementException.class);

        // the simulated instruments and the hostile driver's, its markup shown as text
        wait.until(b -> b.findElements(By.cssSelector("#daq-instruments tbody tr")).size() == 4);
        wait.until(b -> instrumentShown(b, HostileInstrument.ID, "id").equals(HostileInstrument.ID)
                && instrumentShown(b, HostileInstrument.ID, "last_value").equals(HostileInstrument.TEXT)
                && instrumentShown(b, HostileInstrument.ID, "last_error").equals(HostileInstrument.TEXT));
        collectErrors(browser);

        // a fresh run with metadata typed into the page
        browser.findElement(By.id("daq-stop")).click();
        wait.until(b -> "false".equals(b.findElement(By.id("daq-run-state")).getAttribute("data-active")));
        WebElement name = browser.findElement(By.id("daq-run-name"));
        name.clear();
        name.sendKeys("browser_run");
        browser.findElement(By.cssSelector("#daq-meta-rows .daq-meta-value")).sendKeys(HostileInstrument.TEXT);
        browser.findElement(By.id("daq-meta-add")).click();
        List<WebElement> keys = browser.findElements(By.cssSelector("#daq-meta-rows .daq-meta-key"));
        keys.get(1).sendKeys("sample");
        browser.findElements(By.cssSelector("#daq-meta-rows .daq-meta-value")).get(1).sendKeys("A12");
        browser.findElement(By.id("daq-start")).click();
        wait.until(b -> b.findElement(By.id("daq-run-state")).getText().contains("browser_run"));
        wait.until(b -> metadataShown(b, "operator").equals(HostileInstrument.TEXT) && metadataShown(b, "sample").equals("A12"));
        JsonNode run = Support.JSON.readTree(http.get("/system/console/daq/api/status").body()).path("run");
        assertEquals(HostileInstrument.TEXT, run.path("metadata").path("operator").asText());

        // the HDF5 writer writes the run, its bytes growing on the page
        wait.until(b -> writerText(b, "current_files").startsWith("browser_run_"));
        String firstSegment = writerText(browser, "current_files");
        long bytes = writerBytes(browser);
        wait.until(b -> writerBytes(b) > bytes);
        assertTrue(writerText(browser, "settings").contains("compression=deflate"));

        // the live plot and the camera follow the data
        // the tap lists the streams once it has read their schemas
        wait.until(b -> {
            new Select(b.findElement(By.id("daq-plot-column"))).selectByVisibleText("adc0 / ch0 (V)");
            return true;
        });
        wait.until(b -> Integer.parseInt(attribute(b, "daq-plot", "data-points", "0")) == 500);
        String newest = attribute(browser, "daq-plot", "data-newest", "");
        wait.until(b -> !attribute(b, "daq-plot", "data-newest", "").equals(newest));
        wait.until(b -> !attribute(b, "daq-frame", "data-frame-number", "").isEmpty());
        String frame = attribute(browser, "daq-frame", "data-frame-number", "");
        wait.until(b -> !attribute(b, "daq-frame", "data-frame-number", "").equals(frame));
        screenshot(browser, "1-daq-page-run.png");
        collectErrors(browser);

        // Configuration: the HDF5 writer's compression, in the console's own editor
        browser.get(console + "/configMgr");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("span[title='" + HDF5_PID + "']"))).click();
        WebElement compression = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#editorForm select[name=compression]")));
        assertEquals("deflate", new Select(compression).getFirstSelectedOption().getAttribute("value"));
        new Select(compression).selectByValue("none");
        screenshot(browser, "2-configuration-hdf5.png");
        browser.findElement(By.xpath("//div[contains(@class,'ui-dialog-buttonpane')]//button[normalize-space()='Save']"))
                .click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#editorForm")));
        collectErrors(browser);

        // the next segment is written with it
        browser.get(console + "/daq");
        wait.until(b -> writerText(b, "settings").contains("compression=none"));
        wait.until(b -> writerText(b, "current_files").startsWith("browser_run_")
                && !writerText(b, "current_files").equals(firstSegment));
        long after = writerBytes(browser);
        wait.until(b -> writerBytes(b) > after);
        screenshot(browser, "3-daq-page-next-segment.png");

        browser.findElement(By.id("daq-stop")).click();
        wait.until(b -> "false".equals(b.findElement(By.id("daq-run-state")).getAttribute("data-active")));
        wait.until(b -> writerText(b, "state").equals("IDLE"));
        screenshot(browser, "4-daq-page-stopped.png");

        assertNull(((JavascriptExecutor) browser).executeScript(
                "return window.__daqlabXss === undefined ? null : String(window.__daqlabXss);"),
                "markup from a driver or the metadata ran as script");
        collectErrors(browser);
        assertEquals(List.of(), browserErrors, "JavaScript errors or failed loads in the console's pages");
    }

    /** HDF5 files of the run: the first segment deflate-compressed, the one after the change not compressed. */
    private static void assertTwoSegmentsWithTheCompressionOfTheirTime(Path data) throws Exception {
        List<Path> files;
        try (Stream<Path> all = Files.list(data)) {
            files = all.filter(p -> p.getFileName().toString().startsWith("browser_run_")
                    && p.toString().endsWith(".h5")).sorted().toList();
        }
        assertEquals(2, files.size(), "two segments: " + files);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c",
                "import h5py, sys\n"
                        + "for name in sys.argv[1:]:\n"
                        + "    with h5py.File(name, 'r') as f:\n"
                        + "        print(f['adc0']['ch0'].compression, f['adc0']['ch0'].shape[0])\n"));
        files.forEach(f -> command.add(f.toString()));
        Launcher.Result r = Launcher.exec(data, 120, command);
        assertEquals(0, r.exitCode(), "h5py (python3-h5py) reads the segments: " + r.output());
        String[] lines = r.output().trim().split("\n");
        assertTrue(lines[0].startsWith("gzip "), "first segment, before the change: " + r.output());
        assertTrue(lines[1].startsWith("None "), "second segment, after the change: " + r.output());
        for (String line : lines) {
            assertTrue(Long.parseLong(line.split(" ")[1]) > 0, "rows in every segment: " + r.output());
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root in CI: no sandbox; small /dev/shm in containers
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1600");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Keeps the page's errors (console errors, uncaught exceptions, failed loads) before the browser moves on. */
    private void collectErrors(WebDriver browser) {
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                browserErrors.add(entry.getMessage());
            }
        }
    }

    /**
     * A cell's text as the page shows it, read in one script run: the page cannot replace its table in between, as
     * it may between finding an element and reading it. Empty while there is no such cell.
     */
    private static String instrumentShown(WebDriver browser, String id, String field) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript(
                "var rows = document.querySelectorAll('#daq-instruments tbody tr');"
                        + "for (var i = 0; i < rows.length; i++) {"
                        + "  if (rows[i].getAttribute('data-instrument') === arguments[0]) {"
                        + "    return rows[i].querySelector('td[data-field=' + arguments[1] + ']').textContent; } }"
                        + "return '';", id, field));
    }

    private static String metadataShown(WebDriver browser, String key) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript(
                "var rows = document.querySelectorAll('#daq-run-metadata tr');"
                        + "for (var i = 0; i < rows.length; i++) {"
                        + "  var cells = rows[i].querySelectorAll('td');"
                        + "  if (cells.length === 2 && cells[0].textContent === arguments[0]) { return cells[1].textContent; } }"
                        + "return '';", key));
    }

    private static String writerText(WebDriver browser, String field) {
        Object text = ((JavascriptExecutor) browser).executeScript("var cell = document.querySelector("
                + "'#daq-writers tr[data-writer=hdf5] td[data-field=' + arguments[0] + ']');"
                + "return cell ? cell.textContent : '';", field);
        return String.valueOf(text);
    }

    private static long writerBytes(WebDriver browser) {
        Object value = ((JavascriptExecutor) browser).executeScript("var cell = document.querySelector("
                + "'#daq-writers tr[data-writer=hdf5] td[data-field=bytes_written]');"
                + "return cell ? cell.getAttribute('data-value') : '-1';");
        return Long.parseLong(String.valueOf(value));
    }

    private static String attribute(WebDriver browser, String id, String attribute, String fallback) {
        String value = browser.findElement(By.id(id)).getAttribute(attribute);
        return value == null ? fallback : value;
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
