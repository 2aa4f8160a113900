package org.daqlab.api.run;

/**
 * How a metadata value typed by a person (the shell's {@code daq:start}, the Web Console's DAQ page)
 * becomes a typed value: whole numbers, decimals, true/false, else text — so that a run started from
 * either place carries the same metadata.
 */
public final class MetadataValues {

    private MetadataValues() {
    }

    /** {@code text} as a {@code Long}, a finite {@code Double}, a {@code Boolean}, or the text itself. */
    public static Object parse(String text) {
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return Boolean.parseBoolean(text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notWhole) {
            try {
                double d = Double.parseDouble(text);
                // "NaN" or "Infinity" typed as words stay text; only written numbers become numbers
                return Double.isFinite(d) ? d : text;
            } catch (NumberFormatException notNumber) {
                return text;
            }
        }
    }
}
