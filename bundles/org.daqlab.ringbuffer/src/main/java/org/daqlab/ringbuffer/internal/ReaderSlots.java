package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.DEAD_READERS_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_ACTIVE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_CURSOR;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_FREE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_HEARTBEAT;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_LOST;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_NAME;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_NAME_BYTES;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_PID;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_STATE;
import static org.daqlab.ringbuffer.internal.RingLayout.slotOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The reader slots of a ring file (LAYOUT.md §7). A slot belongs to the process that holds a record
 * lock on its 64 bytes; the kernel drops the lock when that process dies, however it dies, which is
 * how a publisher tells a crashed reader from a slow one.
 */
final class ReaderSlots {

    private static final Logger LOG = LoggerFactory.getLogger(ReaderSlots.class);

    private final RingFile file;

    ReaderSlots(RingFile file) {
        this.file = file;
    }

    /** A slot held by a reader of this process. */
    record Registration(int slot, FileLock lock) {
    }

    /**
     * Takes the first slot whose lock is free, whatever its state says (an active slot without a
     * lock was left by a dead reader), and registers a reader at {@code cursor} there.
     *
     * @throws IllegalStateException when every slot is held
     */
    Registration register(String name, long cursor) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            FileLock lock = tryLock(slot);
            if (lock != null) {
                int offset = slotOffset(slot);
                file.setLong(offset + SLOT_CURSOR, cursor);
                file.setLong(offset + SLOT_LOST, 0);
                file.setLong(offset + SLOT_PID, ProcessHandle.current().pid());
                file.header.put(offset + SLOT_NAME, slotName(name));
                heartbeat(slot);
                file.setLong(offset + SLOT_STATE, SLOT_ACTIVE);
                return new Registration(slot, lock);
            }
        }
        throw new IllegalStateException("cannot open reader '" + name + "': all " + READER_SLOT_COUNT
                + " reader slots of ring " + file.path + " are held by live readers; close readers that are no"
                + " longer used");
    }

    void unregister(Registration registration) {
        file.setLong(slotOffset(registration.slot()) + SLOT_STATE, SLOT_FREE);
        try {
            registration.lock().release();
        } catch (IOException e) {
            // The channel is closed already, which dropped the lock anyway.
            LOG.debug("Ring {}: releasing the lock of reader slot {} failed", file.path, registration.slot(), e);
        }
    }

    /**
     * The lock of a slot, or {@code null} when another process holds it, or this process does (through
     * another reader, or another channel on the same file).
     */
    private FileLock tryLock(int slot) {
        try {
            return file.channel.tryLock(slotOffset(slot), READER_SLOT_SIZE, false);
        } catch (OverlappingFileLockException heldHere) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock reader slot " + slot + " of ring " + file.path, e);
        }
    }

    /**
     * Frees an active slot whose owner process is gone (its lock is free). Called by a BLOCK
     * publisher for a slot that holds it back.
     *
     * @return whether the slot's reader was dead and the slot is now free
     */
    boolean reclaimIfDead(int slot) {
        int offset = slotOffset(slot);
        FileLock lock = tryLock(slot);
        if (lock == null) {
            return false;
        }
        try {
            if (file.getLong(offset + SLOT_STATE) != SLOT_ACTIVE) {
                return false;
            }
            file.setLong(offset + SLOT_STATE, SLOT_FREE);
            file.increment(DEAD_READERS_OFFSET);
            LOG.warn("Ring {}: reader '{}' (process {}) died without unregistering; its slot {} is freed so that"
                    + " producers no longer wait for it", file.path, name(slot), file.getLong(offset + SLOT_PID), slot);
            return true;
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("Ring {}: releasing the lock of reclaimed slot {} failed", file.path, slot, e);
            }
        }
    }

    boolean active(int slot) {
        return file.getLong(slotOffset(slot) + SLOT_STATE) == SLOT_ACTIVE;
    }

    long cursor(int slot) {
        return file.getLong(slotOffset(slot) + SLOT_CURSOR);
    }

    void storeCursor(int slot, long position) {
        file.setLong(slotOffset(slot) + SLOT_CURSOR, position);
    }

    void storeLost(int slot, long lost) {
        file.setLong(slotOffset(slot) + SLOT_LOST, lost);
    }

    long lost(int slot) {
        return file.getLong(slotOffset(slot) + SLOT_LOST);
    }

    long pid(int slot) {
        return file.getLong(slotOffset(slot) + SLOT_PID);
    }

    String name(int slot) {
        return file.nameAt(slotOffset(slot) + SLOT_NAME, SLOT_NAME_BYTES);
    }

    /** Records that a reader is alive, as wall-clock ns (comparable across processes). */
    void heartbeat(int slot) {
        Instant now = Instant.now();
        file.setLong(slotOffset(slot) + SLOT_HEARTBEAT, now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    /** The name as stored in a slot: UTF-8, cut to the slot size without splitting a character. */
    static byte[] slotName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, SLOT_NAME_BYTES);
        while (length < utf8.length && length > 0 && (utf8[length] & 0xC0) == 0x80) {
            length--; // utf8[length] continues the character that starts before it
        }
        return Arrays.copyOf(Arrays.copyOf(utf8, length), SLOT_NAME_BYTES);
    }
}
