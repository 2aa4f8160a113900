package org.daqlab.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point: runs JMH with the given arguments (the same as {@code org.openjdk.jmh.Main}
 * takes), then prints the latency percentiles that {@link RecordLatency}'s forks recorded. JMH
 * itself cannot aggregate percentiles measured inside a benchmark, so each fork writes its
 * HdrHistograms into a directory that this class hands to the forks and reads afterwards.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions command = new CommandLineOptions(args);
        if (command.shouldHelp() || command.shouldList() || command.shouldListWithParams()
                || command.shouldListProfilers() || command.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Path histograms = Files.createTempDirectory("daqlab-bench-latency");
        List<String> prepend = new ArrayList<>(command.getJvmArgsPrepend().orElse(List.of()));
        prepend.add("-D" + RecordLatency.HISTOGRAM_DIR_PROPERTY + "=" + histograms);
        Options options = new OptionsBuilder().parent(command).jvmArgsPrepend(prepend.toArray(String[]::new)).build();
        String before = machineLoad();
        new Runner(options).run();
        LatencyReport.print(histograms, System.out);
        System.out.println();
        System.out.println("Machine load at the start: " + before);
        System.out.println("Machine load at the end:   " + machineLoad());
    }

    /**
     * The load average and the CPU pressure (share of time some runnable task waited for a CPU), so
     * that a run disturbed by other work on the machine can be recognised.
     */
    static String machineLoad() {
        StringBuilder load = new StringBuilder();
        try {
            load.append("loadavg ").append(Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (Exception unavailable) {
            load.append("loadavg unavailable");
        }
        try {
            String pressure = Files.readString(Path.of("/proc/pressure/cpu")).lines().findFirst().orElse("");
            load.append("; cpu pressure ").append(pressure.trim());
        } catch (Exception unavailable) {
            // no PSI on this kernel
        }
        return load.toString();
    }
}
