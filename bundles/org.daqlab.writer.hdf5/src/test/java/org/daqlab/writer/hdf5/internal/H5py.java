package org.daqlab.writer.hdf5.internal;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads a file with h5py ({@code h5_dump.py} under the Debian /usr/bin/python3) and returns its JSON report. */
final class H5py {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private H5py() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dump(Path file, Path work) throws IOException, InterruptedException {
        Path script = work.resolve("h5_dump.py");
        if (!Files.exists(script)) {
            try (InputStream in = H5py.class.getResourceAsStream("/h5_dump.py")) {
                Files.copy(in, script);
            }
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("h5py could not read " + file + " (exit " + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8) + " — CI installs python3-h5py; run .ci/run's apt line");
        }
        return JSON.readValue(out, Map.class);
    }
}
