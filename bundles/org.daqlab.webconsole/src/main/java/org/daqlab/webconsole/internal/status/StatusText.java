package org.daqlab.webconsole.internal.status;

import java.util.List;
import java.util.Map;

/**
 * A status snapshot as indented text, for the inventory's text format (support dumps, "Status" in the console):
 * the same tree as the JSON, one value per line, so nothing is left out or renamed between the two.
 */
final class StatusText {

    private StatusText() {
    }

    static String render(Map<String, Object> snapshot) {
        StringBuilder out = new StringBuilder();
        map(out, snapshot, 0);
        return out.toString();
    }

    private static void map(StringBuilder out, Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            value(out, String.valueOf(e.getKey()), e.getValue(), depth);
        }
    }

    private static void value(StringBuilder out, String label, Object value, int depth) {
        indent(out, depth).append(label).append(':');
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.append(" {}\n");
            } else {
                out.append('\n');
                map(out, m, depth + 1);
            }
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append(" []\n");
            } else if (list.stream().noneMatch(v -> v instanceof Map || v instanceof List)) {
                out.append(' ').append(list).append('\n');
            } else {
                out.append('\n');
                for (int i = 0; i < list.size(); i++) {
                    value(out, "- " + (i + 1), list.get(i), depth + 1);
                }
            }
        } else {
            out.append(' ').append(value == null ? "-" : value).append('\n');
        }
    }

    private static StringBuilder indent(StringBuilder out, int depth) {
        return out.append("  ".repeat(depth));
    }
}
