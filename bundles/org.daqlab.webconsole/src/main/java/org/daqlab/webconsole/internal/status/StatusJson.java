package org.daqlab.webconsole.internal.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON as the console serves it. Besides JSON's own escapes, {@code <}, {@code >}, {@code &} and quotes become
 * {@code \}{@code uXXXX} escapes: instrument ids, metadata and error texts come from drivers, operators and
 * exceptions, and a JSON document that a browser is somehow made to read as HTML must not contain markup.
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static {
        JSON.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
    }

    private StatusJson() {
    }

    /** The value as JSON text. */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status values are maps, lists, strings, numbers and booleans: " + e, e);
        }
    }

    /** The value pretty-printed, for support dumps. */
    public static String writePretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status values are maps, lists, strings, numbers and booleans: " + e, e);
        }
    }

    /** The shared mapper, for reading request bodies. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    private static final class HtmlSafeEscapes extends CharacterEscapes {

        private final int[] escapes;

        HtmlSafeEscapes() {
            escapes = standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
            escapes['\''] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null; // only standard \\uXXXX escapes are used
        }
    }
}
