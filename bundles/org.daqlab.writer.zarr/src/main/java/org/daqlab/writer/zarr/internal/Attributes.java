package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Metadata values as Zarr attributes (JSON). */
final class Attributes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Attributes() {
    }

    /**
     * Puts every entry of {@code metadata} into {@code attributes}; a key that the writer's own
     * attributes already use gets the prefix {@code metadata.}.
     */
    static void putAll(ObjectNode attributes, Map<String, ?> metadata) {
        for (Map.Entry<String, ?> entry : metadata.entrySet()) {
            String key = attributes.has(entry.getKey()) ? "metadata." + entry.getKey() : entry.getKey();
            attributes.set(key, value(entry.getValue()));
        }
    }

    /**
     * A metadata value (String, Long, Double, Boolean, null, or a document of them: a Map or List) as
     * JSON. Non-finite doubles become the strings {@code NaN}, {@code Infinity}, {@code -Infinity}, as
     * Zarr writes non-finite fill values: JSON has no such numbers, and strict parsers (JavaScript's)
     * reject the tokens.
     */
    static JsonNode value(Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = JSON.objectNode();
            map.forEach((key, entry) -> node.set(String.valueOf(key), value(entry)));
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode node = JSON.arrayNode();
            list.forEach(entry -> node.add(value(entry)));
            return node;
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return TextNode.valueOf(d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
        if (value instanceof Double d) {
            return DoubleNode.valueOf(d);
        }
        if (value instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        return TextNode.valueOf(String.valueOf(value));
    }

    /** Field metadata text as JSON: a number when it is one (ADC ranges), else the text. */
    static JsonNode text(String text) {
        try {
            double number = Double.parseDouble(text.trim());
            if (Double.isFinite(number)) {
                return DoubleNode.valueOf(number);
            }
        } catch (NumberFormatException notANumber) {
            // kept as text
        }
        return TextNode.valueOf(text);
    }

    /** An instant as ISO 8601 UTC with nanoseconds, e.g. {@code 2026-11-21T11:40:00.123456789Z}. */
    static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
