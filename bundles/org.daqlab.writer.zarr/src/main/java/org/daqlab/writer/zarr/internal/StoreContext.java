package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * What every array and group of a store being written shares.
 *
 * @param settings the writer instance's settings
 * @param codec    the chunk codec
 * @param store    the store's files
 * @param chunks   where full chunks go (the worker pool)
 * @param buffers  the chunk buffers, recycled
 * @param parallel the worker pool for a flush's batches of tasks
 * @param mapper   JSON for metadata documents
 * @param notices  reports a condition once in the writer's status
 */
record StoreContext(ZarrSettings settings, ChunkCodec codec, Store store, ChunkSink chunks, ChunkBuffers buffers, Parallel parallel,
        ObjectMapper mapper, Consumer<String> notices) {

    /** A metadata document as stored: indented, as zarr-python writes them, for people reading them. */
    byte[] json(JsonNode document) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always serializes
        }
    }

    boolean v3() {
        return settings.format() == ZarrFormat.V3;
    }
}
