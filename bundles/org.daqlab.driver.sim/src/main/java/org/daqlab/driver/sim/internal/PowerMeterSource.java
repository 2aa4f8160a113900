package org.daqlab.driver.sim.internal;

import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.StreamDescriptor;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The power meter's stream: {@code timestamp_ns, power} (float64, unit W), one row per reading,
 * values from {@link PowerMeterSignal}. Instrument metadata: {@code wavelength_nm}, {@code kind}.
 */
final class PowerMeterSource implements SampleSource {

    static final double MIN_RATE_HZ = 0.1;
    static final double MAX_RATE_HZ = 100_000;
    static final double MIN_WAVELENGTH_NM = 100;
    static final double MAX_WAVELENGTH_NM = 30_000;
    static final int MAX_BATCH_ROWS = 100_000;

    static final String POWER_METER = "power meter";
    static final String POWER = "power";
    static final String WAVELENGTH_NM = "wavelength_nm";

    private final String instrumentId;
    private final double rateHz;
    private final double wavelengthNm;
    private final int batchRows;
    private final PowerMeterSignal signal;
    private final StreamDescriptor descriptor;

    /** @throws IllegalArgumentException if a configuration value is out of range */
    PowerMeterSource(PowerMeterComponent.Config config) {
        instrumentId = config.instrument__id();
        StreamDescriptor.checkName("instrument_id", instrumentId);
        rateHz = ConfigChecks.inRange("rate_hz", config.rate__hz(), MIN_RATE_HZ, MAX_RATE_HZ);
        wavelengthNm = ConfigChecks.inRange("wavelength_nm", config.wavelength__nm(), MIN_WAVELENGTH_NM,
                MAX_WAVELENGTH_NM);
        batchRows = ConfigChecks.inRange("batch_rows", config.batch__rows(), 1, MAX_BATCH_ROWS);
        signal = new PowerMeterSignal(instrumentId);
        descriptor = SampleSource.describeStream(instrumentId, POWER_METER,
                List.of(StreamSchemas.float64(POWER, "W")), Map.of(WAVELENGTH_NM, wavelengthNm));
    }

    @Override
    public String instrumentId() {
        return instrumentId;
    }

    @Override
    public String kind() {
        return POWER_METER;
    }

    @Override
    public StreamDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public double sampleRateHz() {
        return rateHz;
    }

    @Override
    public int rowsPerBatch() {
        return batchRows;
    }

    /** Announces the wavelength as instrument metadata, as a real meter's driver would after connecting. */
    @Override
    public void opened(StreamPublisher stream) {
        stream.setMetadata(WAVELENGTH_NM, wavelengthNm);
    }

    @Override
    public void fill(VectorSchemaRoot batch, long firstSampleIndex) {
        Float8Vector power = (Float8Vector) batch.getVector(POWER);
        for (int row = 0; row < batchRows; row++) {
            power.set(row, signal.value(firstSampleIndex + row));
        }
    }

    @Override
    public String describe(long sampleIndex) {
        return String.format(Locale.ROOT, "%.4f mW", signal.value(sampleIndex) * 1e3);
    }
}
