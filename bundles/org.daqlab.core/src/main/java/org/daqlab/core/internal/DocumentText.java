package org.daqlab.core.internal;

import java.util.Map;

/**
 * Checks the text that run documents carry (run names, metadata keys and string values) before it is
 * published. The ring stores documents as UTF-8 JSON: an unpaired UTF-16 surrogate has no UTF-8 form
 * and would silently become '?' on the way, and a NUL character ends the string in every C reader
 * of the files (HDF5 attributes, h5py, MATLAB), so a value that holds either is refused with the
 * position of the offending character instead of being stored differently from what was given.
 */
final class DocumentText {

    private DocumentText() {
    }

    /**
     * @throws IllegalArgumentException naming {@code what}, the character and its index
     */
    static void check(String what, String text) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw new IllegalArgumentException(what + " " + excerpt(text) + " holds a NUL character at index " + i
                        + ": remove it (files store text as C strings, which end at NUL)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("%s %s holds an unpaired UTF-16 surrogate U+%04X at"
                        + " index %d, which is not text (no UTF-8 encoding exists): pass valid Unicode", what,
                        excerpt(text), (int) c, i));
            }
        }
    }

    /** Checks every key and every string value of a metadata map. */
    static void checkMetadata(String what, Map<String, ?> metadata) {
        metadata.forEach((key, value) -> {
            check(what + " key", key);
            if (value instanceof String s) {
                check(what + " '" + key + "'", s);
            }
        });
    }

    /** The start of a value, quoted and with control characters escaped, so that a log line stays one line. */
    private static String excerpt(String text) {
        String head = text.length() > 40 ? text.substring(0, 40) + "…(" + text.length() + " characters)" : text;
        StringBuilder out = new StringBuilder("'");
        head.chars().forEach(c -> out.append(c < 0x20 || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.append("'").toString();
    }
}
