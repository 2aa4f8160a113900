package org.daqlab.writer.csv.internal;

import org.apache.arrow.vector.FieldVector;

/** Turns one non-null value of an Arrow vector into the text of its CSV field. */
@FunctionalInterface
interface ValueFormatter {

    /**
     * The text of the value at {@code row}.
     *
     * @param vector a vector of the type the formatter was chosen for
     * @param row    a row whose value is not null
     */
    String format(FieldVector vector, int row);
}
