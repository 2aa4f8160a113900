package org.daqlab.shell.internal;

/** Types metadata typed at the console: whole numbers, decimals, true/false, else text. */
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
