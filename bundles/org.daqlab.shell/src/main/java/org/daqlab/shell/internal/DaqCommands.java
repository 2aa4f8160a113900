package org.daqlab.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.run.MetadataValues;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.WriterStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Gogo commands {@code daq:*}: run control and status from the console. */
@Component(
        service = Object.class, // Gogo finds commands by their osgi.command.* properties
        property = {
                "osgi.command.scope=daq",
                "osgi.command.function=start",
                "osgi.command.function=stop",
                "osgi.command.function=status",
                "osgi.command.function=writers",
                "osgi.command.function=instruments",
                "osgi.command.function=meta",
                "osgi.command.function=flush",
                "osgi.command.function=ring"
        })
public final class DaqCommands {

    private final RunControl runs;
    private final StorageStatus storage;
    private final RingBuffer ring;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<Instrument> instruments = new CopyOnWriteArrayList<>();

    @Activate
    public DaqCommands(@Reference RunControl runs, @Reference StorageStatus storage, @Reference RingBuffer ring) {
        this.runs = runs;
        this.storage = storage;
        this.ring = ring;
    }

    @Descriptor("start a run named 'run'")
    public String start() {
        return start("run");
    }

    @Descriptor("start a run, with run metadata given as key=value pairs")
    public String start(@Descriptor("experiment name (file-name template {experiment})") String name,
            @Descriptor("run metadata, key=value ...") String... metadata) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String pair : metadata) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("metadata '" + pair + "' is not key=value, e.g. sample=A12");
            }
            values.put(pair.substring(0, eq), MetadataValues.parse(pair.substring(eq + 1)));
        }
        RunStart start = runs.start(name, values);
        return "run '" + start.name() + "' started, uid " + start.uid();
    }

    @Descriptor("stop the active run; writers drain, flush and close their files")
    public String stop() {
        Optional<RunStop> stop = runs.stop("stopped from the shell");
        return stop.map(s -> "run " + s.uid() + " stopped; rows per stream " + s.rowsPerStream() + "\n" + writers())
                .orElse("no run is active");
    }

    @Descriptor("show the active run, the writers and the ring buffer")
    public String status() {
        StringBuilder out = new StringBuilder();
        Optional<RunStart> run = runs.currentRun();
        out.append(run.map(r -> "run '" + r.name() + "' active since " + Instant.ofEpochSecond(0, r.timestampNs())
                + " (uid " + r.uid() + ")").orElse("no run active")).append('\n');
        out.append("run metadata: ").append(runs.metadata()).append("\n\n");
        out.append(instruments()).append('\n').append(writers()).append('\n').append(ring());
        return out.toString();
    }

    @Descriptor("list writers with their state, files, volume, rate, lag and losses")
    public String writers() {
        StringBuilder out = new StringBuilder(String.format("%-16s %-8s %-8s %10s %12s %14s %8s %10s %6s%n",
                "WRITER", "FORMAT", "STATE", "BATCHES", "ROWS", "BYTES", "MB/s", "LAG", "LOST"));
        for (WriterStats w : storage.writers()) {
            out.append(String.format("%-16s %-8s %-8s %10d %12d %14d %8.2f %10d %6d%n", w.name(), w.format(), w.state(),
                    w.batches(), w.rows(), w.bytesWritten(), w.mbPerSecond(), w.lagBytes(),
                    w.recordsLost() + w.recordsNotWritten()));
            w.currentFiles().forEach(f -> out.append("    writing ").append(f).append('\n'));
            for (FileStats f : w.completedFiles()) {
                out.append(String.format("    done    %s (%d rows, %d bytes)%n", f.path(), f.rows(), f.bytes()));
            }
            w.notices().forEach(n -> out.append("    note    ").append(n).append('\n'));
            if (w.lastError() != null) {
                out.append("    ERROR   ").append(w.lastError()).append('\n');
            }
        }
        return out.toString();
    }

    @Descriptor("list instruments with their state, rate and last value")
    public String instruments() {
        StringBuilder out = new StringBuilder(String.format("%-16s %-12s %-8s %10s %12s %10s  %s%n",
                "INSTRUMENT", "KIND", "STATE", "BATCHES", "ROWS", "ROWS/s", "LAST VALUE"));
        for (Instrument instrument : instruments) {
            InstrumentStatus s = instrument.status();
            out.append(String.format("%-16s %-12s %-8s %10d %12d %10.1f  %s%n", s.id(), s.kind(), s.state(), s.batches(),
                    s.rows(), s.rowsPerSecond(), s.lastValue() == null ? "" : s.lastValue()));
            if (s.lastError() != null) {
                out.append("    ERROR   ").append(s.lastError()).append('\n');
            }
        }
        return out.toString();
    }

    @Descriptor("set run-level metadata")
    public String meta(@Descriptor("key") String key, @Descriptor("value (numbers and true/false are typed)") String value) {
        runs.setMetadata(key, MetadataValues.parse(value));
        return "run metadata " + key + " = " + value;
    }

    @Descriptor("set metadata of one instrument")
    public String meta(@Descriptor("instrument id") String instrument, @Descriptor("key") String key,
            @Descriptor("value (numbers and true/false are typed)") String value) {
        runs.setInstrumentMetadata(instrument, key, MetadataValues.parse(value));
        return instrument + " metadata " + key + " = " + value;
    }

    @Descriptor("make every writer flush what it has written to disk")
    public String flush() {
        runs.flush();
        return "flushed";
    }

    @Descriptor("show the ring buffer: file, capacity, fill, readers and their losses")
    public String ring() {
        RingStats s = ring.stats();
        StringBuilder out = new StringBuilder(String.format(
                "ring %s: %d MB, %s, fill %.1f%%, %d records published, %d block timeouts, %d dead readers"
                        + " reclaimed, %d abandoned claims%n", s.path(), s.capacityBytes() >> 20, s.overflowMode(),
                100 * s.fill(), s.recordsPublished(), s.blockTimeouts(), s.deadReadersReclaimed(), s.abandonedClaims()));
        if (s.configurationError() != null) {
            out.append("  CONFIGURATION ERROR: ").append(s.configurationError()).append('\n');
        }
        for (RingStats.ReaderStats r : s.readers()) {
            out.append(String.format("  reader %-24s pid %7d, lag %12d bytes, lost %s, corrupt %s%n", r.name(),
                    r.processId(), r.lagBytes(), known(r.lostRecords()), known(r.corruptRecords())));
        }
        return out.toString();
    }

    /** A counter that a reader in another process may not report (-1). */
    private static String known(long count) {
        return count < 0 ? "n/a" : Long.toString(count);
    }
}
