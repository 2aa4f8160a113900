package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

class ParquetRunWriterTest {

    @TempDir
    Path dir;
    private BufferAllocator allocator;

    @BeforeEach
    void allocate() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void free() {
        allocator.close();
    }

    @Test
    void smoke() throws Exception {
        ParquetStorageWriter writer = TestConfigs.writer(Map.of(), allocator);
        TestRunContext context = new TestRunContext(dir, TestBatches.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        run.describe(TestBatches.POWER);
        run.describe(TestBatches.ADC);
        run.describe(TestBatches.CAMERA);
        write(run, "power_meter_01", TestBatches.power(allocator, 0, 700));
        write(run, "adc0", TestBatches.adc(allocator, 0, 1300));
        write(run, "camera0", TestBatches.camera(allocator, 0, 5));
        run.flush();
        write(run, "power_meter_01", TestBatches.power(allocator, 700, 700));
        run.metadata(new MetadataUpdate(null, "sample", "Si-8", TestBatches.T0 + 5));
        run.close(TestBatches.STOP);
        writer.deactivate();
        System.out.println(context.notices);
        for (String f : context.files.keySet()) {
            Path p = dir.resolve(f + ".part");
            System.out.println(f + " " + java.nio.file.Files.size(p));
            Map<String, Object> h = NodeReaders.hyparquet(p);
            h.remove("columns");
            System.out.println(h);
            Map<String, Object> d = NodeReaders.duckdb(p);
            d.remove("columns");
            System.out.println(d);
        }
        new Readback(NodeReaders.hyparquet(context.path("power_meter_01", "parquet")), "p").assertPower(0, 1400, 0);
        new Readback(NodeReaders.duckdb(context.path("power_meter_01", "parquet")), "p").assertPower(0, 1400, 0);
        new Readback(NodeReaders.hyparquet(context.path("adc0", "parquet")), "p").assertAdc(0, 1300, 0);
        new Readback(NodeReaders.hyparquet(context.path("camera0", "parquet")), "p").assertCamera(0, 5, 0);
        new Readback(NodeReaders.duckdb(context.path("camera0", "parquet")), "p").assertCamera(0, 5, 0);
    }

    private static void write(RunWriter run, String stream, VectorSchemaRoot batch) throws IOException {
        try (batch) {
            run.write(stream, batch);
        }
    }
}
