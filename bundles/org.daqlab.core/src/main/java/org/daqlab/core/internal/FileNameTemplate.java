package org.daqlab.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Expands a writer's file-name template, e.g. {@code {experiment}_{date}_{time}_{version}.{ext}}.
 *
 * <p>Placeholders: {@code {experiment}} (run name), {@code {uid}} (first 8 characters of the run
 * uid), {@code {date}} ({@code yyyy-MM-dd}) and {@code {time}} ({@code HH-mm-ss}) of the run start
 * in local time, {@code {version}} ({@code v1}, {@code v2}, … the first version no existing file
 * uses), {@code {writer}}, {@code {stream}}, {@code {segment}} (4 digits) and {@code {ext}}.
 *
 * <p>A per-stream file whose template has no {@code {stream}} gets {@code _<stream>} before the
 * extension; when rotation is on and the template has no {@code {segment}}, {@code _<segment>}
 * follows. So one template serves formats with one file per run and formats with one per stream.
 */
final class FileNameTemplate {

    static final String DEFAULT = "{experiment}_{date}_{time}_{version}.{ext}";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
    private static final java.util.Set<String> KNOWN = java.util.Set.of(
            "experiment", "uid", "date", "time", "version", "writer", "stream", "segment", "ext");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH-mm-ss");
    /**
     * Longest run or writer name in a file name. With the default template, a stream name of the
     * longest allowed 128 characters, a segment number and {@code .part} the name stays under 255 bytes.
     */
    static final int MAX_VALUE_LENGTH = 64;

    private final String template;

    /**
     * @throws IllegalArgumentException if the template is empty, contains a path separator or an
     *                                  unknown placeholder, or lacks {@code {ext}}
     */
    FileNameTemplate(String template) {
        String t = template == null || template.isBlank() ? DEFAULT : template.trim();
        if (t.contains("/") || t.contains("\\") || t.contains("..")) {
            throw new IllegalArgumentException("file_name_template '" + t
                    + "' must be a file name, without '/', '\\' or '..': set output_dir for the directory");
        }
        Matcher m = PLACEHOLDER.matcher(t);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                throw new IllegalArgumentException("file_name_template '" + t + "' has unknown placeholder {"
                        + m.group(1) + "}: use " + KNOWN);
            }
        }
        if (!t.contains("{ext}")) {
            throw new IllegalArgumentException("file_name_template '" + t + "' lacks {ext}: end it with .{ext}");
        }
        this.template = t;
    }

    /**
     * The first version number, from 1, that no file in {@code directory} uses for this run: a
     * version is taken when any file starts with the name expanded up to {@code {version}}.
     */
    int firstFreeVersion(Path directory, Map<String, String> runValues) throws IOException {
        int cut = template.indexOf("{version}");
        if (cut < 0) {
            return 1;
        }
        String prefixTemplate = template.substring(0, cut + "{version}".length());
        if (!Files.isDirectory(directory)) {
            return 1;
        }
        try (Stream<Path> files = Files.list(directory)) {
            java.util.List<String> names = files.map(p -> p.getFileName().toString()).toList();
            for (int version = 1; ; version++) {
                String prefix = expand(prefixTemplate, runValues, version, null, 0, "");
                if (names.stream().noneMatch(n -> n.startsWith(prefix))) {
                    return version;
                }
            }
        }
    }

    /** The file name for a stream (or {@code null} for a whole-run file) of a segment. */
    String fileName(Map<String, String> runValues, int version, String stream, int segment, boolean rotating, String ext) {
        String t = template;
        String suffix = "";
        if (stream != null && !t.contains("{stream}")) {
            suffix += "_{stream}";
        }
        if (rotating && !t.contains("{segment}")) {
            suffix += "_{segment}";
        }
        if (!suffix.isEmpty()) {
            int dot = t.lastIndexOf(".{ext}");
            t = dot >= 0 ? t.substring(0, dot) + suffix + t.substring(dot) : t + suffix;
        }
        return expand(t, runValues, version, stream, segment, ext);
    }

    /** Values of the run-level placeholders. */
    static Map<String, String> runValues(String experiment, String uid, long startNs, String writer) {
        Instant start = Instant.ofEpochSecond(0, startNs);
        var local = start.atZone(ZoneId.systemDefault());
        return Map.of(
                "experiment", sanitize(experiment),
                "uid", uid.length() > 8 ? uid.substring(0, 8) : uid,
                "date", DATE.format(local),
                "time", TIME.format(local),
                "writer", sanitize(writer));
    }

    private static String expand(String t, Map<String, String> runValues, int version, String stream, int segment, String ext) {
        Matcher m = PLACEHOLDER.matcher(t);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "version" -> "v" + version;
                case "stream" -> stream == null ? "" : sanitize(stream);
                case "segment" -> String.format("%04d", segment);
                case "ext" -> ext;
                default -> runValues.getOrDefault(m.group(1), "");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Keeps names portable: anything but letters, digits, '-', '_' and '.' becomes '_' (one per code
     * point: an emoji, or an unpaired surrogate, becomes one '_'), and a value longer than
     * {@value #MAX_VALUE_LENGTH} characters is cut and ends in a hash of the whole value, so that the file
     * name stays under the 255 bytes Linux file systems allow and two long names that differ only at
     * their end still give different files.
     */
    static String sanitize(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (clean.startsWith(".")) {
            clean = "_" + clean.substring(1);
        }
        if (clean.length() > MAX_VALUE_LENGTH) {
            String hash = String.format("%08x", s.hashCode());
            clean = clean.substring(0, MAX_VALUE_LENGTH - hash.length() - 1) + "-" + hash;
        }
        return clean;
    }

    @Override
    public String toString() {
        return template;
    }
}
