package org.daqlab.core.internal;

import org.daqlab.api.storage.StorageWriter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A writer instance's settings, read from its service properties (which Declarative Services
 * copies from the writer's configuration). Every writer bundle's metatype offers these attributes:
 * {@code name}, {@code output_dir}, {@code file_name_template}, {@code auto_flush_interval_secs},
 * {@code rotation_size_mb}, {@code rotation_duration_secs}, {@code streams}.
 */
record WriterSettings(String name, String format, String pid, String outputDir, FileNameTemplate template,
        long autoFlushSeconds, long rotationBytes, long rotationSeconds, Set<String> streams,
        Map<String, Object> properties) {

    /**
     * @throws IllegalArgumentException naming the property, its value and the allowed range
     */
    static WriterSettings of(StorageWriter writer, Map<String, Object> props) {
        String format = writer.format();
        String pid = string(props, "service.pid", string(props, "component.name", format));
        String name = string(props, StorageWriter.NAME, string(props, "name", pid));
        long flush = number(props, "auto_flush_interval_secs", 5, pid);
        long rotationMb = number(props, "rotation_size_mb", 0, pid);
        long rotationSecs = number(props, "rotation_duration_secs", 0, pid);
        Set<String> streams = new TreeSet<>();
        Object filter = props.get("streams");
        if (filter instanceof String[] list) {
            Arrays.stream(list).map(String::trim).filter(s -> !s.isEmpty()).forEach(streams::add);
        } else if (filter instanceof String s && !s.isBlank()) {
            Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(streams::add);
        }
        FileNameTemplate template;
        try {
            template = new FileNameTemplate(string(props, "file_name_template", FileNameTemplate.DEFAULT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pid + ": " + e.getMessage(), e);
        }
        return new WriterSettings(name, format, pid, string(props, "output_dir", ""), template, flush,
                rotationMb * 1024 * 1024, rotationSecs, Set.copyOf(streams), Map.copyOf(new LinkedHashMap<>(props)));
    }

    boolean rotates() {
        return rotationBytes > 0 || rotationSeconds > 0;
    }

    boolean accepts(String stream) {
        return streams.isEmpty() || streams.contains(stream);
    }

    private static String string(Map<String, Object> props, String key, String fallback) {
        Object v = props.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString();
    }

    private static long number(Map<String, Object> props, String key, long fallback, String pid) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(pid + ": " + key + " = '" + v + "' is not a whole number", e);
        }
        if (value < 0) {
            throw new IllegalArgumentException(pid + ": " + key + " = " + value + " must be 0 (off) or positive");
        }
        return value;
    }
}
