package org.daqlab.webconsole.internal.tap;

/**
 * The latest values of one numeric column, oldest first.
 *
 * @param stream      stream name
 * @param column      column name
 * @param unit        the column's unit, or {@code null}
 * @param timestampNs each value's row timestamp
 * @param values      the values (NaN for nulls)
 */
public record Series(String stream, String column, String unit, long[] timestampNs, double[] values) {
}
