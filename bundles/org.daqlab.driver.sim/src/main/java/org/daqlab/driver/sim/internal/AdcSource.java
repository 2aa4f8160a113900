package org.daqlab.driver.sim.internal;

import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ADC's wide stream: {@code timestamp_ns, ch0 .. chN-1} (float64, unit V, field metadata
 * {@code range_min = -range_v}, {@code range_max = +range_v}), one row per sample, values from
 * {@link AdcSignal}. Instrument metadata: {@code kind}, {@code channels}, {@code sample_rate_hz},
 * {@code signal_hz}, {@code noise_v}, {@code range_v}.
 */
final class AdcSource implements SampleSource {

    static final int MAX_CHANNELS = 64;
    static final double MIN_SAMPLE_RATE_HZ = 10;
    static final double MAX_SAMPLE_RATE_HZ = 1_000_000;
    static final int MAX_BATCH_ROWS = 100_000;
    static final double MAX_SIGNAL_HZ = 1_000_000;
    static final double MIN_RANGE_V = 0.001;
    static final double MAX_RANGE_V = 1_000;
    static final double MAX_NOISE_V = 1_000;

    static final String ADC = "ADC";

    private final String instrumentId;
    private final int channels;
    private final double sampleRateHz;
    private final int batchRows;
    private final AdcSignal signal;
    private final StreamDescriptor descriptor;

    /** @throws IllegalArgumentException if a configuration value is out of range */
    AdcSource(AdcComponent.Config config) {
        instrumentId = config.instrument__id();
        StreamDescriptor.checkName("instrument_id", instrumentId);
        channels = ConfigChecks.inRange("channels", config.channels(), 1, MAX_CHANNELS);
        sampleRateHz = ConfigChecks.inRange("sample_rate_hz", config.sample__rate__hz(), MIN_SAMPLE_RATE_HZ,
                MAX_SAMPLE_RATE_HZ);
        batchRows = ConfigChecks.inRange("batch_rows", config.batch__rows(), 1, MAX_BATCH_ROWS);
        double signalHz = ConfigChecks.inRange("signal_hz", config.signal__hz(), 0, MAX_SIGNAL_HZ);
        double rangeV = ConfigChecks.inRange("range_v", config.range__v(), MIN_RANGE_V, MAX_RANGE_V);
        double noiseV = ConfigChecks.inRange("noise", config.noise(), 0, MAX_NOISE_V);
        signal = new AdcSignal(instrumentId, channels, sampleRateHz, signalHz, noiseV, rangeV);

        List<Field> fields = new ArrayList<>(channels);
        for (int channel = 0; channel < channels; channel++) {
            fields.add(StreamSchemas.float64(channelName(channel), "V", -rangeV, rangeV));
        }
        descriptor = SampleSource.describeStream(instrumentId, ADC, fields, Map.of(
                "channels", (long) channels,
                "sample_rate_hz", sampleRateHz,
                "signal_hz", signalHz,
                "noise_v", noiseV,
                "range_v", rangeV));
    }

    /** The column of channel {@code channel}: {@code ch0}, {@code ch1}, …. */
    static String channelName(int channel) {
        return "ch" + channel;
    }

    @Override
    public String instrumentId() {
        return instrumentId;
    }

    @Override
    public String kind() {
        return ADC;
    }

    @Override
    public StreamDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public double sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int rowsPerBatch() {
        return batchRows;
    }

    @Override
    public void fill(VectorSchemaRoot batch, long firstSampleIndex) {
        for (int channel = 0; channel < channels; channel++) {
            Float8Vector column = (Float8Vector) batch.getVector(channelName(channel));
            for (int row = 0; row < batchRows; row++) {
                column.set(row, signal.value(firstSampleIndex + row, channel));
            }
        }
    }

    @Override
    public String describe(long sampleIndex) {
        return String.format(Locale.ROOT, "%s %.4f V", channelName(0), signal.value(sampleIndex, 0));
    }
}
