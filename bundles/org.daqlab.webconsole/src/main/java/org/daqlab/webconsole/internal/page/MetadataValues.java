package org.daqlab.webconsole.internal.page;

/**
 * Types metadata entered on the DAQ page the way {@code daq:start} types it in the shell: whole numbers, decimals,
 * true/false, else text; so a run started from either place carries the same metadata.
 */
final class MetadataValues {

    private MetadataValues() {
    }

    static Object parse(String text) {
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
