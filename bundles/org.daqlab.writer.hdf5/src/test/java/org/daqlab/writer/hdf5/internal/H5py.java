package org.daqlab.writer.hdf5.internal;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads files with h5py (scripts under the Debian /usr/bin/python3) and returns their JSON reports. */
final class H5py {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private H5py() {
    }

    static Map<String, Object> dump(Path file, Path work) throws IOException, InterruptedException {
        return run(work, "h5_dump.py", file.toString());
    }

    /** Shape, chunks, storage size and the sum, first and last pixel of the given frames only ({@code h5_frames.py}). */
    static Map<String, Object> frames(Path file, String dataset, Path work, long... frames)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(file.toString(), dataset));
        for (long n : frames) {
            args.add(Long.toString(n));
        }
        return run(work, "h5_frames.py", args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(Path work, String scriptName, String... args) throws IOException, InterruptedException {
        Path script = work.resolve(scriptName);
        if (!Files.exists(script)) {
            try (InputStream in = H5py.class.getResourceAsStream("/" + scriptName)) {
                Files.copy(in, script);
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("h5py could not read " + args[0] + " (exit " + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8) + " — CI installs python3-h5py; run .ci/run's apt line");
        }
        return JSON.readValue(out, Map.class);
    }
}
