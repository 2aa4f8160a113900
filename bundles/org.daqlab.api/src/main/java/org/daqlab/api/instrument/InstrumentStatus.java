package org.daqlab.api.instrument;

import java.util.List;

/**
 * What an instrument reports about itself.
 *
 * @param id          instrument id
 * @param kind        what it is ("power meter", "ADC", "camera")
 * @param state       RUNNING, STOPPED or FAILED, as the driver sees it
 * @param streams     names of its streams
 * @param batches     batches published
 * @param rows        rows published
 * @param rowsPerSecond publish rate over the last seconds
 * @param lastValue   a short text of the latest value ("1.234 mW", "frame 812"), or {@code null}
 * @param lastError   last error, or {@code null}
 */
public record InstrumentStatus(String id, String kind, String state, List<String> streams, long batches, long rows,
        double rowsPerSecond, String lastValue, String lastError) {
}
