package org.daqlab.bench;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a TIFF file of {@link TiffWriteBench} with tifffile (tiff_check.py): one page per frame of the
 * workload, and all pages' pixels equal to the frames', compared by their SHA-256.
 */
final class TiffCheck {

    private TiffCheck() {
    }

    static void check(String python, Path script, Workload workload, Path file) throws Exception {
        List<Field> fields = workload.descriptor().schema().getFields();
        int frameColumn = -1;
        for (int c = 0; c < fields.size(); c++) {
            frameColumn = StreamSchemas.isFrame(fields.get(c)) ? c : frameColumn;
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (VectorSchemaRoot batch : workload.batches()) {
            digest.update(Workload.values(batch, frameColumn));
        }
        String expected = "pages=" + workload.rows() + " sha256=" + HexFormat.of().formatHex(digest.digest());
        Process process = new ProcessBuilder(python, script.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0 || !output.equals(expected)) {
            throw new IOException(file + ": tifffile read " + output + ", expected " + expected);
        }
        System.out.println("  checked with tifffile: " + output);
    }
}
