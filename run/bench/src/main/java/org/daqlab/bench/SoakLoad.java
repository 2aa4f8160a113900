package org.daqlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load a {@link Soak} puts on the platform: the rates of the three simulated instruments of the default
 * distribution ({@code power_meter_01}, {@code adc0}, {@code camera0}), written as FileInstall configurations
 * that replace the feature's defaults (same factory configuration names, so no second instrument appears).
 *
 * @param powerHz      power meter readings per second
 * @param adcChannels  ADC channels (float64 columns)
 * @param adcHz        ADC samples per second
 * @param adcBatchRows ADC samples per batch
 * @param cameraFps    camera frames per second
 * @param cameraWidth  frame width, pixels
 * @param cameraHeight frame height, pixels
 * @param cameraBits   8 or 16 bits per pixel
 */
record SoakLoad(double powerHz, int adcChannels, double adcHz, int adcBatchRows, double cameraFps,
        int cameraWidth, int cameraHeight, int cameraBits) {

    /** The distribution's own rates (features/sim's configuration): where the rate search starts. */
    static final SoakLoad DISTRIBUTION = new SoakLoad(10, 4, 10_000, 1_000, 10, 256, 256, 16);

    /**
     * The 30-minute soak's default: half of the highest load the rate search held without loss
     * (RESULTS.md §10; search steps scale the ADC and camera rates of {@link #DISTRIBUTION} together). On another
     * machine run the search first and pass its result with {@code --load-from}, which halves it the same way.
     */
    static final SoakLoad SOAK_DEFAULT = DISTRIBUTION.scaled(RateSearch.HIGHEST_HELD_FACTOR / 2);

    /** The CI variant's load ({@code SoakIT}): the distribution's rates, a modest load on any machine. */
    static final SoakLoad CI = DISTRIBUTION;

    private static final String SIM = "org.daqlab.driver.sim.";

    /** The ADC and camera rates multiplied by {@code factor} (the power meter's are negligible and stay). */
    SoakLoad scaled(double factor) {
        return new SoakLoad(powerHz, adcChannels, Math.max(10, Math.round(adcHz * factor)), adcBatchRows,
                Math.round(cameraFps * factor * 100) / 100.0, cameraWidth, cameraHeight, cameraBits);
    }

    /** This load with the options that override it: {@code --adc-hz}, {@code --camera-fps}, …. */
    SoakLoad with(Map<String, String> options) {
        String[] size = options.getOrDefault("camera-size", cameraWidth + "x" + cameraHeight).split("x");
        return new SoakLoad(
                Double.parseDouble(options.getOrDefault("power-hz", Double.toString(powerHz))),
                Integer.parseInt(options.getOrDefault("adc-channels", Integer.toString(adcChannels))),
                Double.parseDouble(options.getOrDefault("adc-hz", Double.toString(adcHz))),
                Integer.parseInt(options.getOrDefault("adc-batch-rows", Integer.toString(adcBatchRows))),
                Double.parseDouble(options.getOrDefault("camera-fps", Double.toString(cameraFps))),
                Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                Integer.parseInt(options.getOrDefault("camera-bits", Integer.toString(cameraBits))));
    }

    /** The same load as command-line options, for the report's reproducing command. */
    List<String> asOptions() {
        return List.of("--power-hz", number(powerHz), "--adc-channels", Integer.toString(adcChannels),
                "--adc-hz", number(adcHz), "--adc-batch-rows", Integer.toString(adcBatchRows),
                "--camera-fps", number(cameraFps), "--camera-size", cameraWidth + "x" + cameraHeight,
                "--camera-bits", Integer.toString(cameraBits));
    }

    /** Column bytes per second the instruments produce (timestamps, values, pixels), MB/s. */
    double nominalMBps() {
        double adc = adcHz * (adcChannels + 1) * 8.0;
        double camera = cameraFps * ((double) cameraWidth * cameraHeight * (cameraBits / 8) + 16);
        double power = powerHz * 16;
        return (adc + camera + power) / 1e6;
    }

    /** Rows per second each stream is configured to publish. */
    Map<String, Double> rowsPerSecond() {
        return Map.of("power_meter_01", powerHz, "adc0", adcHz, "camera0", cameraFps);
    }

    /** One line for reports. */
    String describe() {
        return String.format(Locale.ROOT, "ADC %d ch × %s Hz, camera %d×%d %d-bit × %s fps, power meter %s Hz: %.1f MB/s",
                adcChannels, number(adcHz), cameraWidth, cameraHeight, cameraBits, number(cameraFps), number(powerHz),
                nominalMBps());
    }

    /**
     * Writes the instruments' configurations into the platform's deploy folder. Each file is written beside
     * the folder and then moved into it, so that FileInstall never reads half of one (nor tries a temporary file
     * as a bundle).
     */
    void writeConfigs(Path deploy) throws IOException {
        write(deploy, SIM + "powermeter-power_meter_01.cfg", "instrument_id=power_meter_01\nrate_hz=" + number(powerHz)
                + "\nwavelength_nm=1064.0\n");
        write(deploy, SIM + "adc-adc0.cfg", "instrument_id=adc0\nchannels=" + adcChannels + "\nsample_rate_hz="
                + number(adcHz) + "\nbatch_rows=" + adcBatchRows + "\n");
        write(deploy, SIM + "camera-camera0.cfg", "instrument_id=camera0\nwidth=" + cameraWidth + "\nheight="
                + cameraHeight + "\nbit_depth=" + cameraBits + "\nfps=" + number(cameraFps) + "\n");
    }

    static void write(Path dir, String name, String content) throws IOException {
        Path temporary = dir.resolveSibling(name + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
