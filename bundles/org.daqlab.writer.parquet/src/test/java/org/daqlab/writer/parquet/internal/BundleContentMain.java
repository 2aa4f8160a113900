package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link BundleContentTest}, started without parquet-java's, aircompressor's and
 * JTS's jars: everything of theirs it loads comes from what bnd embedded in the bundle. Writes the
 * three streams with every codec into {@code args[0]/<codec>}, and recovers a copy of a flushed,
 * unclosed segment into {@code args[0]/recovered}. Exits with 0 if all of it worked.
 */
final class BundleContentMain {

    private BundleContentMain() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        try (BufferAllocator allocator = new RootAllocator()) {
            for (ParquetCompression codec : ParquetCompression.values()) {
                try (LiveSegment live = new LiveSegment(out.resolve(codec.option()), Map.of("compression", codec.option(),
                        "byte__stream__split", codec == ParquetCompression.ZSTD),
                        TestBatches.POWER, TestBatches.ADC, TestBatches.CAMERA)) {
                    live.power(0, 700);
                    live.adc(0, 1300);
                    live.camera(0, 5);
                }
            }
            try (LiveSegment live = new LiveSegment(out.resolve("live"), Map.of("row__group__mb", 1), TestBatches.ADC)) {
                for (int batch = 0; batch < 10; batch++) {
                    live.adc(batch * 1300L, 1300);
                    live.run.flush();
                }
                Path copy = Leftovers.copy(live.file("adc0"), out.resolve("recovered"));
                if (ParquetRecovery.recover(copy, allocator, new ObjectMapper()) == null) {
                    throw new AssertionError("not recovered: " + copy);
                }
            }
        }
        System.out.println("OK " + Files.exists(out.resolve("recovered/adc0_s1.parquet")));
    }
}
