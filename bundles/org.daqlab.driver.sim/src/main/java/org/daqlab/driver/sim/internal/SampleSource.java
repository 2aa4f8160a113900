package org.daqlab.driver.sim.internal;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.StreamDescriptor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SimulatedInstrument} needs to know about one kind of simulated instrument: its stream,
 * its sample rate and batch size, and how to fill a batch. One row of the stream is one sample.
 *
 * <p>Implementations are stateless after construction: the values of a row depend only on the
 * configuration and the sample index, never on what was generated before.
 */
interface SampleSource {

    /** Instrument metadata key: what the instrument is, as {@link #kind()} says. */
    String KIND = "kind";

    /** The instrument id, also the name of its stream. */
    String instrumentId();

    /** What the instrument is, for its status ("power meter", "ADC", "camera"). */
    String kind();

    /** The stream's descriptor; the same object on every call. */
    StreamDescriptor descriptor();

    /** Samples per second on the instrument's clock, or 0 to generate as fast as possible. */
    double sampleRateHz();

    /** Samples (rows) in each batch. */
    int rowsPerBatch();

    /** Called once when the stream has been opened, before the first batch; publishes nothing by default. */
    default void opened(StreamPublisher stream) {
    }

    /**
     * Fills every column except {@value StreamSchemas#TIMESTAMP_NS} of rows {@code 0 ..
     * rowsPerBatch()-1} with samples {@code firstSampleIndex ..}. The vectors of {@code batch} have
     * capacity for {@link #rowsPerBatch()} rows; the caller sets the row count afterwards.
     */
    void fill(VectorSchemaRoot batch, long firstSampleIndex);

    /** A short text of one sample's value for the status ("1.0123 mW", "frame 812"). */
    String describe(long sampleIndex);

    /**
     * The descriptor of a simulated instrument's stream: named after the instrument, with
     * {@code fields} after the timestamp. The instrument metadata is {@code metadata} plus
     * {@value #KIND} = {@code kind}; it goes into the descriptor as given and into the schema
     * metadata as text (schema metadata holds strings only).
     */
    static StreamDescriptor describeStream(String instrumentId, String kind, List<Field> fields,
            Map<String, Object> metadata) {
        Map<String, Object> instrumentMetadata = new LinkedHashMap<>(metadata);
        instrumentMetadata.put(KIND, kind);
        Map<String, String> schemaMetadata = new LinkedHashMap<>();
        instrumentMetadata.forEach((key, value) -> schemaMetadata.put(key, String.valueOf(value)));
        return new StreamDescriptor(instrumentId, instrumentId,
                StreamSchemas.schema(instrumentId, instrumentId, fields, schemaMetadata), instrumentMetadata);
    }
}
