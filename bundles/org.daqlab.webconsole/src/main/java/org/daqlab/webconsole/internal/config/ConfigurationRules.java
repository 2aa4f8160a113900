package org.daqlab.webconsole.internal.config;

import org.apache.felix.metatype.AD;
import org.apache.felix.metatype.OCD;
import org.osgi.service.metatype.AttributeDefinition;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Checks a configuration against its metatype: the value's type, its minimum and maximum, its option list, and for a
 * directory ({@code *_dir}) that the platform can create or write it. Each problem is one sentence naming the field
 * (label and key), the value, what is wrong and how to fix it. Keys the metatype does not describe are left alone, and
 * so are values that Config Admin's interpolation fills in at runtime ({@code $[env:…]}).
 */
final class ConfigurationRules {

    /** Directory attributes end so ({@code output_dir}); their value must be a directory the platform can write. */
    static final String DIRECTORY_SUFFIX = "_dir";
    private static final String INTERPOLATION = "$[";

    private ConfigurationRules() {
    }

    /** The problems of {@code properties} under {@code ocd}, in the order of the metatype's attributes. */
    @SuppressWarnings("unchecked")
    static List<String> problems(OCD ocd, Map<String, ?> properties) {
        List<String> problems = new ArrayList<>();
        for (AD ad : ((Map<String, AD>) ocd.getAttributeDefinitions()).values()) {
            Object value = properties.get(ad.getID());
            if (value == null) {
                continue; // not set: the default applies
            }
            List<Object> values = values(value);
            if (ad.getCardinality() == 0 && values.size() > 1) {
                problems.add(field(ad) + " = " + values + ": takes one value, not " + values.size() + ". Enter one.");
                continue;
            }
            for (Object v : values) {
                String problem = problem(ad, v);
                if (problem != null) {
                    problems.add(field(ad) + " = '" + v + "': " + problem);
                }
            }
        }
        return problems;
    }

    private static String problem(AD ad, Object value) {
        String text = value.toString().trim();
        if (text.contains(INTERPOLATION)) {
            return null;
        }
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && !Arrays.asList(options).contains(text)) {
            return "not one of the choices. Choose one of " + choices(ad) + ".";
        }
        return switch (ad.getType()) {
            case AttributeDefinition.BYTE, AttributeDefinition.SHORT, AttributeDefinition.INTEGER,
                    AttributeDefinition.LONG -> number(ad, value, text, true);
            case AttributeDefinition.FLOAT, AttributeDefinition.DOUBLE -> number(ad, value, text, false);
            case AttributeDefinition.BOOLEAN -> value instanceof Boolean || "true".equalsIgnoreCase(text)
                    || "false".equalsIgnoreCase(text) ? null : "not true or false. Enter true or false.";
            case AttributeDefinition.STRING -> ad.getID().endsWith(DIRECTORY_SUFFIX) && !text.isEmpty()
                    ? directory(text) : null;
            default -> null;
        };
    }

    private static String number(AD ad, Object value, String text, boolean whole) {
        BigDecimal number;
        try {
            number = new BigDecimal(value instanceof Number ? value.toString() : text);
        } catch (NumberFormatException e) {
            return "not a " + (whole ? "whole number" : "number") + ". Enter " + range(ad, whole) + ".";
        }
        if (whole && number.stripTrailingZeros().scale() > 0) {
            return "not a whole number. Enter " + range(ad, true) + ".";
        }
        BigDecimal min = bound(ad.getMin());
        BigDecimal max = bound(ad.getMax());
        if (min != null && number.compareTo(min) < 0) {
            return "below the minimum " + ad.getMin() + ". Enter " + range(ad, whole) + ".";
        }
        if (max != null && number.compareTo(max) > 0) {
            return "above the maximum " + ad.getMax() + ". Enter " + range(ad, whole) + ".";
        }
        return null;
    }

    /**
     * Why the platform could not write into a directory, or {@code null}: the nearest part of the path that exists
     * must be a directory the platform's user may write (missing parts are created when a writer starts).
     */
    static String directory(String text) {
        Path dir;
        try {
            dir = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return "not a valid path (" + e.getReason() + "). Enter a directory, or leave it empty for the "
                    + "platform's output directory.";
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String fix = " Choose a directory the platform's user (" + System.getProperty("user.name")
                + ") can create or write, or leave it empty for the platform's output directory.";
        if (existing == null) {
            return "no part of " + dir + " exists." + fix;
        }
        if (!Files.isDirectory(existing)) {
            return (existing.equals(dir) ? dir + " is a file, not a directory."
                    : existing + " is a file, so " + dir + " cannot be created.") + fix;
        }
        if (!Files.isWritable(existing)) {
            return existing + " is not writable." + fix;
        }
        return null;
    }

    private static String field(AD ad) {
        return "'" + ad.getName() + "' (" + ad.getID() + ")";
    }

    private static String choices(AD ad) {
        String[] values = ad.getOptionValues();
        String[] labels = ad.getOptionLabels();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            boolean labelled = labels != null && i < labels.length && !labels[i].equals(values[i]);
            out.add(values[i] + (labelled ? " (\"" + labels[i] + "\")" : ""));
        }
        return String.join(", ", out);
    }

    private static String range(AD ad, boolean whole) {
        String kind = whole ? "a whole number" : "a number";
        boolean min = bound(ad.getMin()) != null;
        boolean max = bound(ad.getMax()) != null;
        if (min && max) {
            return kind + " from " + ad.getMin() + " to " + ad.getMax();
        }
        if (min) {
            return kind + " of at least " + ad.getMin();
        }
        return max ? kind + " of at most " + ad.getMax() : kind;
    }

    private static BigDecimal bound(String bound) {
        if (bound == null || bound.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(bound.trim());
        } catch (NumberFormatException e) {
            return null; // a bound the metatype itself got wrong checks nothing
        }
    }

    private static List<Object> values(Object value) {
        List<Object> out = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            out.addAll(collection);
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(Array.get(value, i));
            }
        } else {
            out.add(value);
        }
        out.removeIf(v -> v == null);
        return out;
    }
}
