package org.daqlab.writer.hdf5;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.writer.hdf5.internal.Hdf5Commands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code daq:h5ls} and {@code daq:h5read} on a file written by h5py. */
class Hdf5CommandsTest {

    private static final long T0 = 1_790_000_000_000_000_000L; // 2026-09-21T14:13:20Z

    @TempDir
    Path dir;

    private BufferAllocator root;
    private Hdf5Commands commands;
    private Path file;

    @BeforeEach
    void writeRun() throws Exception {
        root = new RootAllocator();
        commands = new Hdf5Commands(root);
        Schema power = StreamSchemas.schema("power_meter_01", "pm1", List.of(StreamSchemas.float64("power", "W"),
                new Field("raw", FieldType.nullable(ArrowType.Binary.INSTANCE), null)), Map.of());
        Schema camera = StreamSchemas.schema("camera0", "cam0",
                List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, 2, 3)), Map.of());
        file = dir.resolve("scan.h5");
        new H5pyFile()
                .attribute("run_name", "str", "wavelength_scan")
                .attribute("segment", "int64", 1)
                .group("power_meter_01", "power_meter_01", power)
                .attribute("instrument_id", "str", "pm1")
                .dataset("timestamp_ns", "int64", LongStream.range(0, 12).map(i -> T0 + i).boxed().toList(), 8)
                .dataset("power", "float64", LongStream.range(0, 12).mapToObj(i -> i * 0.25).toList(), 8)
                .group("camera0", "camera0", camera)
                .attribute("instrument_id", "str", "cam0")
                .dataset("timestamp_ns", "int64", List.of(T0, T0 + 1), 2)
                .dataset("frame_number", "int64", List.of(0, 1), 2)
                .dataset("frame", "uint16", List.of(List.of(List.of(1, 2, 3), List.of(4, 5, 6)),
                        List.of(List.of(7, 8, 9), List.of(10, 11, 12))), 1, 2, 3)
                .write(file);
    }

    @AfterEach
    void releaseEverything() {
        root.close();
    }

    @Test
    void h5lsListsRunMetadataStreamsAndColumns() throws Exception {
        String out = commands.h5ls(file.toString());

        assertTrue(out.startsWith(file + "\nrun_name = wavelength_scan\nsegment  = 1\n"), out);
        assertTrue(out.contains("\nstream camera0: 2 rows\n  instrument_id = cam0\n  stream        = camera0\n"), out);
        assertTrue(out.contains("\n  frame         tensor [2×3] uint16  uint16     [2, 2, 3]         chunks [1, 2, 3], shuffle, deflate 4\n"), out);
        assertTrue(out.contains("\n  power         float64     float64    [12]   W      chunks [8], shuffle, deflate 4\n"), out);
        assertTrue(out.contains("\n  not stored: raw (binary): type Binary is not stored in HDF5 files"), out);
    }

    @Test
    void h5readPrintsTheFirstRowsWithFramesAsShapeAndType() throws Exception {
        String out = commands.h5read(file.toString(), "camera0");

        assertEquals("stream camera0 in " + file + ": rows 0 to 1 of 2\n"
                + "timestamp_ns                    frame_number  frame\n"
                + "2026-09-21T14:13:20Z            0             [2×3 uint16]\n"
                + "2026-09-21T14:13:20.000000001Z  1             [2×3 uint16]\n", out);
    }

    @Test
    void h5readPrintsAtMostTheRowsAskedFor() throws Exception {
        String out = commands.h5read(file.toString(), "power_meter_01", 3);

        assertTrue(out.startsWith("stream power_meter_01 in " + file + ": rows 0 to 2 of 12\n"
                + "timestamp_ns                    power [W]\n"), out);
        assertTrue(out.endsWith("0.5\nnot stored: raw: type Binary is not stored in HDF5 files (FORMAT.md lists the types that are)\n"), out);
        assertEquals(6, out.lines().count());
    }

    @Test
    void anUnknownStreamNamesTheStreamsThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> commands.h5read(file.toString(), "adc0"));
        assertEquals(file + " has no stream 'adc0'; its streams are: camera0, power_meter_01", e.getMessage());
    }
}
