package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The three streams of the write benchmarks, generated deterministically (fixed seeds), in the shapes
 * ARCHITECTURE.md gives instruments: a camera's frames, a power meter's scalars and a wide ADC.
 * Values are realistic rather than constant, because what is written decides how fast deflate runs.
 */
final class Workloads {

    static final int HEIGHT = 480;
    static final int WIDTH = 640;
    private static final long T0 = 1_769_351_565_000_000_000L;

    private Workloads() {
    }

    /**
     * The workload {@code name} as the write benchmarks run it ({@code --rows}, {@code --frames}):
     * frames in batches of 10, scalars in batches of 1,000 rows, 8-channel ADC in batches of 10,000.
     */
    static Workload named(String name, BufferAllocator allocator, Map<String, String> options) {
        int rows = Integer.parseInt(options.getOrDefault("rows", "10000000"));
        return switch (name) {
            case "frames" -> frames(allocator, Integer.parseInt(options.getOrDefault("frames", "1000")), 10);
            case "scalars" -> scalars(allocator, rows, 1_000);
            case "adc" -> adc(allocator, rows, 10_000, 8);
            default -> throw new IllegalArgumentException("workload '" + name + "' is not one of frames, scalars, adc");
        };
    }

    /** {@code frames} 640×480 12-bit frames in uint16 ({@link CameraFrames}) at 100 fps, {@code batchFrames} per batch. */
    static Workload frames(BufferAllocator allocator, int frames, int batchFrames) {
        StreamDescriptor camera = new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0",
                List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, HEIGHT, WIDTH)),
                Map.of()), Map.of("bit_depth", 12L));
        CameraFrames pattern = new CameraFrames(HEIGHT, WIDTH, new Noise(1));
        List<VectorSchemaRoot> batches = new ArrayList<>();
        for (int first = 0; first < frames; first += batchFrames) {
            int n = Math.min(batchFrames, frames - first);
            VectorSchemaRoot root = VectorSchemaRoot.create(camera.schema(), allocator);
            BigIntVector timestamps = allocate((BigIntVector) root.getVector(0), n);
            BigIntVector numbers = allocate((BigIntVector) root.getVector(1), n);
            FixedShapeTensorVector tensor = (FixedShapeTensorVector) root.getVector(2);
            FixedSizeListVector list = tensor.getUnderlyingVector();
            list.setInitialCapacity(n);
            list.allocateNew();
            for (int i = 0; i < n; i++) {
                long frame = first + i;
                timestamps.set(i, T0 + frame * 10_000_000L);
                numbers.set(i, frame);
                list.setNotNull(i);
                pattern.fill(frame, (UInt2Vector) tensor.pixelVector(), i * HEIGHT * WIDTH);
            }
            root.setRowCount(n);
            batches.add(root);
        }
        return new Workload("frames", camera, batches, batchFrames);
    }

    /**
     * A power meter at 10 kHz: timestamps with ±2 µs jitter and a power of about 1 mW drifting by 5%,
     * with noise in every bit of its float64 mantissa (as values parsed from an instrument's text are).
     */
    static Workload scalars(BufferAllocator allocator, int rows, int batchRows) {
        StreamDescriptor power = new StreamDescriptor("power_meter_01", "pm-01", StreamSchemas.schema("power_meter_01",
                "pm-01", List.of(StreamSchemas.float64("power", "W")), Map.of("model", "PM100D")), Map.of());
        Noise noise = new Noise(2);
        List<VectorSchemaRoot> batches = new ArrayList<>();
        for (int first = 0; first < rows; first += batchRows) {
            int n = Math.min(batchRows, rows - first);
            VectorSchemaRoot root = VectorSchemaRoot.create(power.schema(), allocator);
            BigIntVector timestamps = allocate((BigIntVector) root.getVector(0), n);
            Float8Vector values = allocate((Float8Vector) root.getVector(1), n);
            for (int i = 0; i < n; i++) {
                long row = first + i;
                timestamps.set(i, T0 + row * 100_000L + noise.uniform(-2_000, 2_000));
                values.set(i, 1e-3 * (1 + 0.05 * Math.sin(row * 2 * Math.PI / 100_000)) + 2e-6 * noise.next());
            }
            root.setRowCount(n);
            batches.add(root);
        }
        return new Workload("scalars", power, batches, batchRows);
    }

    /**
     * A 16-bit ADC at 100 kHz with {@code channels} ±10 V channels: a sine per channel plus noise,
     * quantised to the ADC's codes and scaled to volts, as acquisition drivers deliver float64 samples.
     */
    static Workload adc(BufferAllocator allocator, int rows, int batchRows, int channels) {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            fields.add(StreamSchemas.float64("ch" + c, "V", -10, 10));
        }
        StreamDescriptor adc = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0", fields,
                Map.of()), Map.of("sample_rate_hz", 100_000.0));
        double lsb = 20.0 / 65536;
        Noise noise = new Noise(3);
        List<VectorSchemaRoot> batches = new ArrayList<>();
        for (int first = 0; first < rows; first += batchRows) {
            int n = Math.min(batchRows, rows - first);
            VectorSchemaRoot root = VectorSchemaRoot.create(adc.schema(), allocator);
            BigIntVector timestamps = allocate((BigIntVector) root.getVector(0), n);
            for (int i = 0; i < n; i++) {
                timestamps.set(i, T0 + (first + i) * 10_000L);
            }
            for (int c = 0; c < channels; c++) {
                Float8Vector channel = allocate((Float8Vector) root.getVector(c + 1), n);
                double omega = 2 * Math.PI * 50 * (c + 1) / 100_000;
                for (int i = 0; i < n; i++) {
                    double volts = (1 + c) * Math.sin(omega * (first + i) + c) + 0.002 * noise.next();
                    long code = Math.max(-32768, Math.min(32767, Math.round(volts / lsb)));
                    channel.set(i, code * lsb);
                }
            }
            root.setRowCount(n);
            batches.add(root);
        }
        return new Workload("adc", adc, batches, batchRows);
    }

    private static BigIntVector allocate(BigIntVector vector, int rows) {
        vector.allocateNew(rows);
        return vector;
    }

    private static Float8Vector allocate(Float8Vector vector, int rows) {
        vector.allocateNew(rows);
        return vector;
    }
}
