package org.daqlab.writer.zarr.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/** Runs a batch of file tasks on the writer's workers and waits for all of them (flush, close). */
final class Parallel {

    /** One task. */
    @FunctionalInterface
    interface Task {
        void run() throws IOException;
    }

    private final ExecutorService workers;

    Parallel(ExecutorService workers) {
        this.workers = workers;
    }

    /**
     * Runs every task and waits until all ended, also when one failed.
     *
     * @throws IOException the first failure, the others suppressed
     */
    void run(List<Task> tasks) throws IOException {
        if (tasks.size() == 1) {
            tasks.get(0).run();
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks.size());
        try {
            for (Task task : tasks) {
                futures.add(workers.submit(() -> {
                    task.run();
                    return null;
                }));
            }
        } catch (RejectedExecutionException e) {
            futures.forEach(f -> f.cancel(false));
            throw new IOException("the Zarr writer's workers are shut down (the writer is stopping)", e);
        }
        IOException first = null;
        for (Future<?> future : futures) {
            try {
                await(future);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits for one future, unwrapping its failure. */
    static void await(Future<?> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the Zarr writer's workers");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("a Zarr writer worker failed: " + cause, cause);
        }
    }
}
