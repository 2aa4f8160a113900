package org.daqlab.writer.csv.internal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The field separators a CSV writer instance can be configured with ({@link CsvWriterConfig#delimiter()}). */
enum CsvDelimiter {
    /** {@code ,} as in RFC 4180. */
    COMMA("comma", ','),
    /** {@code ;} for spreadsheets in locales that use a decimal comma. */
    SEMICOLON("semicolon", ';'),
    /** A tab (TSV). */
    TAB("tab", '\t');

    private final String option;
    private final char separator;

    CsvDelimiter(String option, char separator) {
        this.option = option;
        this.separator = separator;
    }

    /** The configuration value ({@code comma}, {@code semicolon}, {@code tab}). */
    String option() {
        return option;
    }

    /** The separator character. */
    char separator() {
        return separator;
    }

    /**
     * The delimiter a configuration value names.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    static CsvDelimiter fromOption(String option) {
        for (CsvDelimiter delimiter : values()) {
            if (delimiter.option.equals(option)) {
                return delimiter;
            }
        }
        throw new IllegalArgumentException("delimiter '" + option + "' is not supported: use one of "
                + Arrays.stream(values()).map(CsvDelimiter::option).collect(Collectors.joining(", ")));
    }
}
