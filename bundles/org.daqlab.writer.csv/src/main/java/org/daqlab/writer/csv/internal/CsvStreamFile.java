package org.daqlab.writer.csv.internal;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.OwnOutputs;
import org.daqlab.api.storage.RunContext;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV file of one stream in one segment: a header row with the names of the written columns,
 * then one record per batch row. Its JSON sidecar is written by {@link SidecarWriter}.
 */
final class CsvStreamFile {

    /** Bytes buffered before a write to the file: few system calls for wide, fast streams (ADC). */
    private static final int FILE_BUFFER_BYTES = 256 * 1024;
    /** Characters FastCSV buffers before encoding them. */
    private static final int CSV_BUFFER_CHARS = 64 * 1024;

    private final OutputFile csvFile;
    private final OutputFile sidecarFile;
    private final CsvDelimiter delimiter;
    private final List<CsvColumn> columns;
    private final CsvColumn.Written[] writtenColumns;
    /** One record's fields, reused for every row. */
    private final String[] record;
    private final CsvWriter csv;
    private StreamDescriptor descriptor;
    private long rowsWritten;

    private CsvStreamFile(StreamDescriptor descriptor, OutputFile csvFile, OutputFile sidecarFile,
            CsvDelimiter delimiter, List<CsvColumn> columns, CsvWriter csv) {
        this.descriptor = descriptor;
        this.csvFile = csvFile;
        this.sidecarFile = sidecarFile;
        this.delimiter = delimiter;
        this.columns = columns;
        this.writtenColumns = columns.stream().filter(CsvColumn.Written.class::isInstance)
                .map(CsvColumn.Written.class::cast).toArray(CsvColumn.Written[]::new);
        this.record = new String[writtenColumns.length];
        this.csv = csv;
    }

    /**
     * Creates the CSV and sidecar files of a stream through the run context and writes the header.
     *
     * @throws IOException naming the file if it cannot be created or written
     */
    static CsvStreamFile create(RunContext context, StreamDescriptor descriptor, CsvDelimiter delimiter) throws IOException {
        List<Field> fields = descriptor.schema().getFields();
        List<CsvColumn> columns = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            columns.add(CsvColumn.of(fields.get(i), i));
        }
        OutputFile csvFile = context.createFile(descriptor.stream(), "csv");
        OwnOutputs.add(csvFile.path());
        OutputFile sidecarFile = context.createFile(descriptor.stream(), "json");
        OwnOutputs.add(sidecarFile.path());
        OutputStream out;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(csvFile.path()), FILE_BUFFER_BYTES);
        } catch (IOException e) {
            throw new IOException("cannot create CSV file " + csvFile.path() + " for stream '" + descriptor.stream()
                    + "': " + e, e);
        }
        CsvStreamFile file = new CsvStreamFile(descriptor, csvFile, sidecarFile, delimiter, List.copyOf(columns),
                csvWriter(out, delimiter.separator()));
        file.writeHeader();
        return file;
    }

    /** The writer of every daqlab CSV file, also of a recovered file's header ({@link CsvRecovery}). */
    static CsvWriter csvWriter(OutputStream out, char separator) {
        // QuoteStrategies.EMPTY quotes empty strings, so that "" (an empty text) and a null (nothing
        // between the separators) stay distinguishable; everything else is quoted only where RFC 4180
        // requires it. CRLF is RFC 4180's record separator.
        return CsvWriter.builder()
                .fieldSeparator(separator)
                .quoteStrategy(QuoteStrategies.EMPTY)
                .lineDelimiter(LineDelimiter.CRLF)
                .bufferSize(CSV_BUFFER_CHARS)
                .build(out, StandardCharsets.UTF_8);
    }

    private void writeHeader() throws IOException {
        for (int i = 0; i < writtenColumns.length; i++) {
            record[i] = writtenColumns[i].field().getName();
        }
        try {
            csv.writeRecord(record);
        } catch (UncheckedIOException e) {
            throw new IOException("cannot write the header of " + csvFile.path() + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Takes a newer descriptor of the same stream (e.g. fresher instrument metadata).
     *
     * @throws IOException if its columns differ: the file's header cannot change
     */
    void describeAgain(StreamDescriptor newer) throws IOException {
        if (!StreamSchemas.sameColumns(descriptor.schema(), newer.schema())) {
            throw new IOException("stream '" + descriptor.stream() + "' was described again with columns "
                    + StreamSchemas.columnList(newer.schema()) + ", but its CSV file " + csvFile.path() + " has columns "
                    + StreamSchemas.columnList(descriptor.schema()) + ": a CSV file cannot change its columns; stop the run "
                    + "and start a new one after changing the instrument's columns");
        }
        descriptor = newer;
    }

    /**
     * Appends one record per row of {@code batch}.
     *
     * @throws IOException if the batch's columns are not the described ones, or the file cannot be written
     */
    void write(VectorSchemaRoot batch) throws IOException {
        if (!StreamSchemas.sameColumns(descriptor.schema(), batch.getSchema())) {
            throw new IOException("stream '" + descriptor.stream() + "': a batch has columns " + StreamSchemas.columnList(batch.getSchema())
                    + " but the stream was described with " + StreamSchemas.columnList(descriptor.schema()) + "; nothing of the batch "
                    + "was written to " + csvFile.path() + ". Every batch of a stream must have its described schema");
        }
        FieldVector[] vectors = new FieldVector[writtenColumns.length];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = batch.getVector(writtenColumns[i].batchIndex());
        }
        int rows = batch.getRowCount();
        try {
            for (int row = 0; row < rows; row++) {
                for (int i = 0; i < vectors.length; i++) {
                    record[i] = vectors[i].isNull(row) ? null : writtenColumns[i].formatter().format(vectors[i], row);
                }
                csv.writeRecord(record);
            }
        } catch (UncheckedIOException e) {
            throw new IOException("cannot write to " + csvFile.path() + ": " + e.getCause(), e.getCause());
        }
        rowsWritten += rows;
        csvFile.addRows(rows);
    }

    /** Hands the buffered records to the operating system. */
    void flush() throws IOException {
        try {
            csv.flush();
        } catch (IOException e) {
            throw new IOException("cannot flush " + csvFile.path() + ": " + e, e);
        }
    }

    /** Writes the buffered records and closes the file. */
    void close() throws IOException {
        try {
            csv.close();
        } catch (IOException e) {
            throw new IOException("cannot close " + csvFile.path() + ": " + e, e);
        }
    }

    /** The stream's latest descriptor. */
    StreamDescriptor descriptor() {
        return descriptor;
    }

    /** The CSV file. */
    OutputFile csvFile() {
        return csvFile;
    }

    /** The JSON sidecar file. */
    OutputFile sidecarFile() {
        return sidecarFile;
    }

    /** The field separator of the file. */
    CsvDelimiter delimiter() {
        return delimiter;
    }

    /** Every column of the stream, written or skipped, in schema order. */
    List<CsvColumn> columns() {
        return columns;
    }

    /** Records written after the header. */
    long rowsWritten() {
        return rowsWritten;
    }
}
