package org.daqlab.api.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Completes in the background what crashed runs left in an output directory, one task per leftover,
 * so that a writer's first segment there starts at once: the loop every writer's recovery shares.
 * How a leftover is found and completed is the writer's (its format); each outcome is logged and
 * handed to {@code report} (a writer passes {@link RunContext#notice}), and a leftover that cannot
 * be completed is kept as it is, which the message says.
 */
public final class Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

    /** Finds a directory's leftovers (those of this JVM's writers excluded: {@link OwnOutputs}). */
    @FunctionalInterface
    public interface Finder {
        List<Path> find(Path directory) throws IOException;
    }

    /** Completes one leftover; returns what it did, or {@code null} when there was nothing to do. */
    @FunctionalInterface
    public interface Recovery {
        String recover(Path leftover) throws IOException;
    }

    /** What a directory entry matching a finder's pattern stands for. */
    @FunctionalInterface
    public interface Candidate {
        /** The leftover that {@code match} shows, or {@code null} when it shows none (e.g. this JVM's own output). */
        Path leftover(Path match) throws IOException;
    }

    private Leftovers() {
    }

    /**
     * The leftovers that the entries of {@code directory} matching {@code glob} show, sorted (segments in order).
     *
     * @param glob      e.g. {@code "*.csv.part"}, or a journal or lock file pattern
     * @param candidate maps a matching entry to its leftover (the entry itself, or the data file of a journal or lock)
     */
    public static List<Path> find(Path directory, String glob, Candidate candidate) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(directory, glob)) {
            for (Path match : matches) {
                Path leftover = candidate.leftover(match);
                if (leftover != null) {
                    found.add(leftover);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * @param kind       what a leftover is, for messages: {@code "TIFF file"}, {@code "Zarr store"}
     * @param directory  the output directory
     * @param kept       what stays of a leftover that cannot be completed, e.g. {@code "it is kept as it is"}
     * @param background where the recoveries run
     */
    public static void recoverInBackground(String kind, Path directory, Finder finder, Recovery recovery, String kept,
            Executor background, Consumer<String> report) {
        List<Path> found;
        try {
            found = finder.find(directory);
        } catch (IOException e) {
            report.accept("cannot look for unfinished " + kind + "s in " + directory + ": " + e.getMessage());
            return;
        }
        for (Path leftover : found) {
            background.execute(() -> {
                try {
                    String outcome = recovery.recover(leftover);
                    if (outcome != null) {
                        LOG.warn(outcome);
                        report.accept(outcome);
                    }
                } catch (IOException | RuntimeException e) {
                    String message = "could not recover the " + kind + " " + leftover + ": " + describe(e) + "; " + kept;
                    LOG.error(message, e);
                    report.accept(message);
                }
            });
        }
    }

    /** The exception's message, and its innermost cause's where that adds to it (libraries wrap the I/O error). */
    private static String describe(Throwable e) {
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root.getMessage();
        return root == e || cause == null || message.contains(cause) ? message : message + " (" + cause + ")";
    }
}
