package org.daqlab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python baseline: runs a script (h5py_write.py for libhdf5, zarr_write.py for zarr-python,
 * tifffile_write.py for tifffile) in a new Python process on the columns that {@link ColumnFiles} exported, and takes the time the script
 * measured itself (from creating the file or store to the closed, fsynced result; the interpreter's
 * start and loading the columns are not in it), and the CPU time it measured over the same span. The
 * script prints {@code seconds=… cpu=… size=…}.
 */
final class PythonScriptWrite implements Contender {

    private static final Pattern RESULT = Pattern.compile("seconds=([0-9.]+) cpu=([0-9.]+) size=([0-9]+)");

    private final String label;
    private final String python;
    private final Path script;
    private final Path manifest;
    private final List<String> options;

    /**
     * @param manifest the workload's export
     * @param options  the script's filter and write options, e.g. {@code --compression gzip --level 1 --shuffle}
     */
    PythonScriptWrite(String label, String python, Path script, Path manifest, List<String> options) {
        this.label = label;
        this.python = python;
        this.script = script;
        this.manifest = manifest;
        this.options = options;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), manifest.toString(), file.toString()));
        command.addAll(options);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        Matcher result = RESULT.matcher(output);
        if (exit != 0 || !result.find()) {
            throw new IOException(String.join(" ", command) + " exited with " + exit + " and printed: " + output);
        }
        return new Written(Double.parseDouble(result.group(1)), Double.parseDouble(result.group(2)),
                Long.parseLong(result.group(3)), "");
    }
}
