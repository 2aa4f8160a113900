package org.daqlab.writer.hdf5;

import io.jhdf.api.Attribute;
import io.jhdf.api.Node;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HDF5 attributes as plain Java values. jhdf widens unsigned integers ({@code uint8}/{@code uint16}
 * to Integer, {@code uint32} to Long, {@code uint64} to BigInteger) and returns {@code float32} as
 * Float; here every integer is a Long (a BigInteger only for a {@code uint64} above
 * {@code Long.MAX_VALUE}), every float a Double, a string a String and an array a List. A Boolean
 * stored as {@code uint8} (FORMAT.md) comes back as 0 or 1: the file does not tell it from a number.
 */
final class AttributeValues {

    private AttributeValues() {
    }

    /** The attributes of {@code node}, sorted by name, except those named in {@code except}. */
    static Map<String, Object> of(Node node, Set<String> except) {
        Map<String, Object> values = new TreeMap<>();
        for (Map.Entry<String, Attribute> attribute : node.getAttributes().entrySet()) {
            if (!except.contains(attribute.getKey())) {
                values.put(attribute.getKey(), plain(attribute.getValue().getData()));
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /** The text of a string attribute, or {@code null} if there is no such attribute or it is not a string. */
    static String text(Node node, String name) {
        Attribute attribute = node.getAttribute(name);
        return attribute != null && attribute.getData() instanceof String text ? text : null;
    }

    private static Object plain(Object data) {
        if (data == null) {
            return null;
        }
        if (data.getClass().isArray()) {
            List<Object> list = new ArrayList<>(Array.getLength(data));
            for (int i = 0; i < Array.getLength(data); i++) {
                list.add(plain(Array.get(data, i)));
            }
            return Collections.unmodifiableList(list);
        }
        if (data instanceof BigInteger big) {
            return big.bitLength() < Long.SIZE ? (Object) big.longValue() : big;
        }
        if (data instanceof Byte || data instanceof Short || data instanceof Integer) {
            return ((Number) data).longValue();
        }
        if (data instanceof Float f) {
            return f.doubleValue();
        }
        return data;
    }
}
