#!/usr/bin/env python3
"""Reference reader of daqlab's ring file, layout version 2, in the Python standard library only.

Written from ``bundles/org.daqlab.ringbuffer/LAYOUT.md`` alone; section numbers (§) below refer to
that page. As a module::

    with Ring("/dev/shm/daqlab/ring.dat") as ring:
        with ring.reader("my-tool") as reader:
            for record in reader.follow(seconds=10):
                ...  # record.type, record.stream_id, record.index, record.payload, ...
            print(reader.lost, reader.corrupt)

As a program: ``python3 daqlab_ring.py RING [--seconds N] [--from-oldest] [--dump DIR] [--name NAME]``
(``--help`` explains). See README.md beside this file for decoding payloads and the limits.
"""

import argparse
import errno
import fcntl
import json
import mmap
import os
import signal
import struct
import sys
import time
from typing import NamedTuple

if sys.byteorder != "little" or sys.maxsize < 2**63 - 1:
    # The int64 view below reads the file's little-endian fields in the host's byte order, and only
    # a 64-bit CPU loads and stores them as single accesses.
    raise ImportError("daqlab_ring needs a 64-bit little-endian host (x86-64, ARM64): LAYOUT.md §8")

MAGIC = b"DAQLRING"
LAYOUT_VERSION = 2
HEADER_SIZE = 4096
SLOT_COUNT = 48
SLOTS_OFFSET = 1024
SLOT_SIZE = 64
SLOT_NAME_BYTES = 24
RECORD_HEADER_SIZE = 40

# Atomic header counters (§3) as indices into the file's int64 view (byte offset / 8).
_WRITE_POSITION = 64 // 8
_OLDEST_POSITION = 128 // 8
_CATALOG_END = 320 // 8
_CATALOG_EPOCH = 384 // 8

# Reader slot fields (§7): the int64 ones as indices into the int64 view, from the slot's first word...
_SLOT_STATE = 0
_SLOT_CURSOR = 1
_SLOT_PID = 2
_SLOT_HEARTBEAT = 3
_SLOT_LOST = 4
# ...and the name as a byte offset in the slot.
_SLOT_NAME_OFFSET = 40

PADDING = 0
DESCRIPTOR = 1
BATCH = 2
TYPE_NAMES = {
    PADDING: "PADDING",
    DESCRIPTOR: "DESCRIPTOR",
    BATCH: "BATCH",
    3: "RUN_START",
    4: "RUN_STOP",
    5: "METADATA",
    6: "STREAM_CLOSED",
    7: "FLUSH",
}
FLAG_ABORTED = 1

# The 32 bytes after a record's word: streamId, reserved, index, sequence, timestampNs (§4).
_RECORD_FIELDS = struct.Struct("<i4xqqq")


class RingFileError(Exception):
    """The file is not a ring of layout 2 that can be read; the message names the file and the field."""


class RegistrationError(Exception):
    """No reader slot could be taken."""


class Record(NamedTuple):
    """One record handed out by a reader; ``payload`` is a private copy.

    ``descriptor`` is, for a BATCH, the (index, payload) of the DESCRIPTOR that decodes it (§5.2),
    or None if that descriptor is no longer known; None for the other types.
    """

    type: str
    stream_id: int
    index: int
    sequence: int
    timestamp_ns: int
    position: int
    payload: bytes
    descriptor: tuple


class Corrupt(NamedTuple):
    """A record that failed the checks of §6.3: where it was and what its header said."""

    position: int
    length: int
    type: int
    reason: str


def align8(n):
    return (n + 7) & ~7


def _split_word(word):
    """The record word (bytes 0-7, loaded as one int64) as (length, type, flags)."""
    length = word & 0xFFFFFFFF
    if length >= 1 << 31:
        length -= 1 << 32
    type_code = (word >> 32) & 0xFFFF
    if type_code >= 1 << 15:
        type_code -= 1 << 16
    flags = (word >> 48) & 0xFFFF
    return length, type_code, flags


# Rings open in this process, by file identity. POSIX record locks belong to the process, and
# closing any descriptor of a file drops all of the process's locks on it (§7.1): a second Ring on
# the same file, once closed, would silently free the first one's slots.
_open_files = {}


class Ring:
    """A mapped ring file whose header passed the checks of §3, in their order.

    Raises RingFileError naming the field, the value found and the value expected.
    ``creation_wait`` is how long to wait for a file whose magic is still zero (being created).
    """

    def __init__(self, path, creation_wait=2.0):
        self.path = os.fspath(path)
        try:
            # Read-write: a reader writes its slot and write-locks it (F_WRLCK needs a writable descriptor).
            self._fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            raise RingFileError(f"{self.path}: no such file: start the platform first (its ring is "
                                f"/dev/shm/daqlab/ring.dat unless `run/daqlab --ring FILE` says otherwise)") from None
        except OSError as e:
            raise RingFileError(f"{self.path}: cannot open it for reading and writing ({e.strerror}): a reader "
                                f"writes its slot in the file, so run it as the user that runs the platform") from None
        self._mm = None
        self._q = None
        self._slots = set()
        self._readers = set()
        try:
            self._map_and_check(creation_wait)
            identity = os.fstat(self._fd)[1:3]
            if identity in _open_files:
                raise RingFileError(f"{self.path}: this process already has this file open as Ring("
                                    f"{_open_files[identity]!r}): use that object, because closing a second "
                                    f"descriptor of the file would drop the first one's slot locks (LAYOUT.md §7.1)")
            _open_files[identity] = self.path
            self._identity = identity
        except BaseException:
            self._unmap()
            os.close(self._fd)
            raise

    def _refuse(self, field, found, expected, hint=""):
        raise RingFileError(f"{self.path}: {field} is {found}, expected {expected}" + (f": {hint}" if hint else ""))

    def _map_and_check(self, creation_wait):
        deadline = time.monotonic() + creation_wait
        while True:
            size = os.fstat(self._fd).st_size
            if size < HEADER_SIZE:
                self._refuse("the file length", f"{size} bytes", f"at least the {HEADER_SIZE}-byte header",
                             "the file is truncated or not a ring file")
            self._mm = mmap.mmap(self._fd, size)
            with memoryview(self._mm)[:HEADER_SIZE].cast("q") as header:
                magic = header[0].to_bytes(8, "little")  # one 8-byte load: the publisher stores it last, as one i64
            if magic != bytes(8) or time.monotonic() >= deadline:
                break
            self._unmap()
            time.sleep(0.05)
        if magic == bytes(8):
            self._refuse("the magic", "still zero", repr(MAGIC.decode()),
                         "the publisher is creating the file (retry in a moment) or died while creating it")
        if magic != MAGIC:
            self._refuse("the magic", repr(magic), repr(MAGIC), "not a daqlab ring file")
        version, header_size, capacity, slots, segment_size = struct.unpack_from("<iiqii", self._mm, 8)
        catalog_offset, catalog_size, data_offset, publisher_pid = struct.unpack_from("<qqqq", self._mm, 32)
        if version != LAYOUT_VERSION:
            self._refuse("the layout version", version, LAYOUT_VERSION,
                         "this reader reads layout 2 only; use the reader that matches the platform that wrote the file")
        if header_size != HEADER_SIZE:
            self._refuse("the header size", header_size, HEADER_SIZE)
        if slots != SLOT_COUNT:
            self._refuse("the number of reader slots", slots, SLOT_COUNT)
        if capacity < 4096 or capacity % 8:
            self._refuse("capacity", capacity, "a multiple of 8, at least 4096")
        if segment_size < 4096 or segment_size % 8:
            self._refuse("segmentSize", segment_size, "a multiple of 8, at least 4096")
        if capacity % segment_size:
            self._refuse("segmentSize", segment_size, f"a divisor of capacity {capacity}",
                         "the data region is a whole number of segments")
        if catalog_offset != HEADER_SIZE:
            self._refuse("catalogOffset", catalog_offset, HEADER_SIZE)
        if catalog_size < 0 or catalog_size % 4096:
            self._refuse("catalogSize", catalog_size, "a multiple of 4096")
        if data_offset != HEADER_SIZE + catalog_size:
            self._refuse("dataOffset", data_offset, f"4096 + catalogSize = {HEADER_SIZE + catalog_size}")
        if size != data_offset + capacity:
            self._refuse("the file length", f"{size} bytes", f"dataOffset + capacity = {data_offset + capacity} bytes",
                         "the file is truncated or was resized")
        self.capacity = capacity
        self.segment_size = segment_size
        self.catalog_offset = catalog_offset
        self.catalog_size = catalog_size
        self.data_offset = data_offset
        self.publisher_pid = publisher_pid
        self.max_record = min((capacity // 2) & ~7, segment_size & ~7)
        # Every 64-bit field shared with other processes goes through this int64 view, never through
        # struct on the map: CPython copies one native 'q' item with a fixed-size 8-byte memcpy, which
        # compilers emit as one aligned load or store, so a counter is never seen half-written (§1).
        # struct's '<q' builds and stores the value byte by byte, and a concurrent reader could see a
        # torn value. The whole file is a multiple of 8 bytes long (checked above).
        self._q = memoryview(self._mm).cast("q")

    def _unmap(self):
        if self._q is not None:
            self._q.release()
            self._q = None
        if self._mm is not None:
            self._mm.close()
            self._mm = None

    def room(self, offset):
        """Bytes from data-region ``offset`` to the next segment boundary, the end of the region included (§4.1)."""
        return self.segment_size - offset % self.segment_size

    def catalog(self, timeout=1.0):
        """The descriptors of the open streams (§5.2): {stream_id: (index, descriptor payload)}.

        Raises RingFileError if the catalog stays mid-rewrite for ``timeout`` seconds or is damaged.
        """
        q = self._q
        deadline = time.monotonic() + timeout
        while True:
            e1 = q[_CATALOG_EPOCH]
            if e1 % 2 == 0:
                end = q[_CATALOG_END]
                start = self.catalog_offset
                copy = self._mm[start:start + min(max(end, 0), self.catalog_size)]
                if q[_CATALOG_EPOCH] == e1:
                    break
            if time.monotonic() >= deadline:
                self._refuse("catalogEpoch", f"{q[_CATALOG_EPOCH]} (changing or odd for {timeout} s)",
                             "an even value that stays", "the publisher is stuck rewriting the catalog")
            time.sleep(0.001)
        if not 0 <= end <= self.catalog_size:
            self._refuse("catalogEnd", end, f"0 to catalogSize = {self.catalog_size}")
        entries = {}
        offset = 0
        while offset < end:
            length, type_code, _ = _split_word(int.from_bytes(copy[offset:offset + 8], "little"))
            if type_code != DESCRIPTOR or length < RECORD_HEADER_SIZE or offset + length > end:
                self._refuse(f"the catalog entry at catalog offset {offset}", f"type {type_code}, length {length}",
                             f"type 1 (DESCRIPTOR) and a length from 40 to catalogEnd - offset = {end - offset}",
                             "the catalog is damaged")
            stream_id, index, _, _ = _RECORD_FIELDS.unpack_from(copy, offset + 8)
            if stream_id not in entries or entries[stream_id][0] < index:
                entries[stream_id] = (index, copy[offset + RECORD_HEADER_SIZE:offset + length])
            offset += align8(length)
        return entries

    def reader(self, name, from_oldest=False):
        """Registers a reader in a free slot (§7.1); see Reader."""
        return Reader(self, name, from_oldest)

    def _take_slot(self):
        for slot in range(SLOT_COUNT):
            if slot in self._slots:
                continue  # ours already: the kernel would grant our own process its lock again
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB, SLOT_SIZE, SLOTS_OFFSET + SLOT_SIZE * slot)
            except OSError as e:
                if e.errno in (errno.EACCES, errno.EAGAIN):
                    continue  # a live reader holds it
                raise
            self._slots.add(slot)
            return slot
        raise RegistrationError(f"{self.path}: all {SLOT_COUNT} reader slots are held by live readers: stop one "
                                f"(daq:ring lists them with their process ids)")

    def _free_slot(self, slot):
        fcntl.lockf(self._fd, fcntl.LOCK_UN, SLOT_SIZE, SLOTS_OFFSET + SLOT_SIZE * slot)
        self._slots.discard(slot)

    def close(self):
        """Closes the readers still open, then the map and the file."""
        if self._fd < 0:
            return
        for reader in list(self._readers):
            reader.close()
        self._unmap()
        os.close(self._fd)
        self._fd = -1
        del _open_files[self._identity]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Reader:
    """A registered reader following the live ring (§6, §7).

    It holds a slot (and its lock) until ``close()``. It starts at the write position, or at the
    oldest record still in the ring with ``from_oldest``. ``lost`` counts the records it missed
    (§6.1 step 5); ``aborted`` the records it skipped because their producer gave them up (they
    have an index but are no loss); ``corrupt`` lists the records it skipped as corrupt (§6.3);
    ``descriptors`` holds each stream's latest descriptor {stream_id: (index, payload)}, from the
    catalog and the ring.
    """

    def __init__(self, ring, name, from_oldest):
        self._ring = ring
        self.name = name
        self.slot = ring._take_slot()
        self._slot_word = (SLOTS_OFFSET + SLOT_SIZE * self.slot) // 8
        self.lost = 0
        self.aborted = 0
        self.corrupt = []
        self.records_read = 0
        self._expected_index = None
        try:
            q = ring._q
            # The start position is taken before the catalog: a stream opened in between has its
            # DESCRIPTOR record after the start position, so the reader meets it in the ring.
            self.cursor = q[_OLDEST_POSITION] if from_oldest else q[_WRITE_POSITION]
            self.descriptors = ring.catalog()
            # §7.1 writes cursor = writePosition; a reader starting at the oldest record writes its
            # real start instead, so that a BLOCK publisher waits for it from there.
            q[self._slot_word + _SLOT_CURSOR] = self.cursor
            q[self._slot_word + _SLOT_LOST] = 0
            q[self._slot_word + _SLOT_PID] = os.getpid()
            q[self._slot_word + _SLOT_HEARTBEAT] = time.time_ns()
            name_bytes = name.encode("utf-8")[:SLOT_NAME_BYTES].decode("utf-8", "ignore").encode("utf-8")
            name_at = SLOTS_OFFSET + SLOT_SIZE * self.slot + _SLOT_NAME_OFFSET
            ring._mm[name_at:name_at + SLOT_NAME_BYTES] = name_bytes.ljust(SLOT_NAME_BYTES, b"\0")
            q[self._slot_word + _SLOT_STATE] = 1  # last: the slot is complete before it counts
        except BaseException:
            ring._free_slot(self.slot)
            raise
        ring._readers.add(self)

    def poll(self, max_records=1024):
        """The records committed since the last poll (at most ``max_records``), without waiting."""
        if self not in self._ring._readers:
            raise ValueError(f"reader {self.name!r} of {self._ring.path} is closed")
        q = self._ring._q
        records = []
        while len(records) < max_records:
            write_position = q[_WRITE_POSITION]
            if self.cursor >= write_position:
                break
            oldest = q[_OLDEST_POSITION]
            if self.cursor < oldest:
                self.cursor = oldest  # lapped: the records skipped are counted at the next record read
                continue
            record = self._read_one(write_position)
            if record is _CLAIMED:
                break
            if record is not None:
                records.append(record)
        q[self._slot_word + _SLOT_CURSOR] = self.cursor
        q[self._slot_word + _SLOT_LOST] = self.lost
        q[self._slot_word + _SLOT_HEARTBEAT] = time.time_ns()
        return records

    def follow(self, seconds=None, idle_sleep=0.002):
        """Yields records as they are committed, for ``seconds`` (None: until the caller stops)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            records = self.poll()
            if not records:
                time.sleep(idle_sleep)
            yield from records

    def _descriptor_for(self, stream_id, index):
        """The stream's latest descriptor with an index below ``index`` (§5.2), or None."""
        known = self.descriptors.get(stream_id)
        if known is None:
            # LAYOUT.md does not say whether a stream's catalog entry is appended before or after its
            # DESCRIPTOR record is claimed; if after, a reader that started in between finds the
            # entry only in a later catalog.
            try:
                known = self._ring.catalog().get(stream_id)
            except RingFileError:
                return None  # a damaged or stuck catalog only leaves this batch's schema unknown
            if known is not None:
                self.descriptors[stream_id] = known
        if known is None or known[0] > index:
            return None
        return known

    def _read_one(self, write_position):
        """Steps 3-6 of §6.1 at the cursor: a Record, None (nothing to hand out) or _CLAIMED."""
        ring = self._ring
        q = ring._q
        cursor = self.cursor
        offset = cursor % ring.capacity
        room = ring.room(offset)
        start = ring.data_offset + offset
        length, type_code, flags = _split_word(q[start // 8])
        if length < 0:
            return _CLAIMED  # the next records cannot be read before this one is committed
        if type_code == PADDING:
            if q[_OLDEST_POSITION] > cursor:
                return None  # overwritten while looked at: a lap, which the next step sees
            if length != room or cursor + room > write_position:
                return self._skip_corrupt(cursor, length, type_code, write_position,
                                          f"padding must be exactly the {room} bytes to the segment boundary "
                                          f"and end at or before writePosition {write_position}")
            self.cursor = cursor + room
            return None
        # Copy first, bounded by the segment so that a garbage length cannot reach outside the data
        # region; the header is checked only after the overwrite check (§6.3).
        header = ring._mm[start:start + min(RECORD_HEADER_SIZE, room)]
        payload = ring._mm[start + RECORD_HEADER_SIZE:start + min(length, room)]
        if q[_OLDEST_POSITION] > cursor:
            return None  # the publisher may have overwritten the record while it was copied
        if type_code not in TYPE_NAMES:
            return self._skip_corrupt(cursor, length, type_code, write_position, "unknown record type")
        if not (RECORD_HEADER_SIZE <= length and align8(length) <= min(room, ring.max_record)
                and cursor + align8(length) <= write_position):
            return self._skip_corrupt(cursor, length, type_code, write_position,
                                      f"length must be from 40 to min(room {room}, maxRecord {ring.max_record}) "
                                      f"and the record must end at or before writePosition {write_position}")
        stream_id, index, sequence, timestamp_ns = _RECORD_FIELDS.unpack_from(header, 8)
        if self._expected_index is not None:
            if index < self._expected_index:
                return self._skip_corrupt(cursor, length, type_code, write_position,
                                          f"index {index} is below the expected {self._expected_index}")
            self.lost += index - self._expected_index
        self._expected_index = index + 1
        self.cursor = cursor + align8(length)
        if flags & FLAG_ABORTED:
            self.aborted += 1  # the producer gave the claim up: it has an index but no data, and is no loss
            return None
        descriptor = None
        if type_code == DESCRIPTOR:
            self.descriptors[stream_id] = (index, payload)
        elif type_code == BATCH:
            descriptor = self._descriptor_for(stream_id, index)
        record = Record(TYPE_NAMES[type_code], stream_id, index, sequence, timestamp_ns, cursor, payload, descriptor)
        self.records_read += 1
        return record

    def _skip_corrupt(self, cursor, length, type_code, write_position, reason):
        """§6.3: the record's extent cannot be trusted; what lies between counts as lost later."""
        self.corrupt.append(Corrupt(cursor, length, type_code, reason))
        self.cursor = write_position
        return None

    def close(self):
        """Unregisters (§7.1): state 0, then the lock is released."""
        if self not in self._ring._readers:
            return
        self._ring._q[self._slot_word + _SLOT_STATE] = 0
        self._ring._free_slot(self.slot)
        self._ring._readers.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_CLAIMED = object()


class Dump:
    """Writes what a reader hands out into a directory, for other programs to check.

    ``records.jsonl`` has one line per record (a BATCH line also names the ``descriptor_file`` that
    decodes it), ``payloads/`` the payloads, ``catalog/`` and ``catalog.json`` the catalog taken at
    start, ``summary.json`` the counts.
    """

    def __init__(self, directory, reader):
        self.directory = directory
        self._reader = reader
        os.makedirs(os.path.join(directory, "payloads"), exist_ok=True)
        os.makedirs(os.path.join(directory, "catalog"), exist_ok=True)
        # descriptor index -> file holding its payload, so that a batch line can name its schema
        self._descriptor_files = {}
        self._write_json("catalog.json", [
            {"stream_id": stream_id, "index": descriptor[0], "payload_file": self._descriptor_file(stream_id, descriptor)}
            for stream_id, descriptor in sorted(reader.descriptors.items())])
        self._lines = open(os.path.join(directory, "records.jsonl"), "w", encoding="utf-8")
        self.first_index = None
        self.last_index = None
        self.records_by_type = {}

    def _descriptor_file(self, stream_id, descriptor):
        """The file of a descriptor from the catalog, written when first needed."""
        index, payload = descriptor
        if index not in self._descriptor_files:
            name = f"catalog/stream-{stream_id}-index-{index}.bin"
            self._write_file(name, payload)
            self._descriptor_files[index] = name
        return self._descriptor_files[index]

    def _write_file(self, name, data):
        with open(os.path.join(self.directory, name), "wb") as f:
            f.write(data)

    def _write_json(self, name, value):
        with open(os.path.join(self.directory, name), "w", encoding="utf-8") as f:
            json.dump(value, f, indent=2)
            f.write("\n")

    def write(self, record):
        suffix = "bin" if record.type in ("DESCRIPTOR", "BATCH") else "json"
        name = f"payloads/{record.index}.{suffix}"
        self._write_file(name, record.payload)
        line = {"type": record.type, "stream_id": record.stream_id, "index": record.index,
                "sequence": record.sequence, "timestamp_ns": record.timestamp_ns, "position": record.position,
                "payload_file": name}
        if record.type == "DESCRIPTOR":
            self._descriptor_files.setdefault(record.index, name)
        elif record.type == "BATCH":
            line["descriptor_file"] = (None if record.descriptor is None
                                       else self._descriptor_file(record.stream_id, record.descriptor))
        self._lines.write(json.dumps(line) + "\n")
        if self.first_index is None:
            self.first_index = record.index
        self.last_index = record.index
        self.records_by_type[record.type] = self.records_by_type.get(record.type, 0) + 1

    def close(self, seconds):
        self._lines.close()
        reader = self._reader
        self._write_json("summary.json", {
            "ring": reader._ring.path,
            "seconds": round(seconds, 3),
            "records": reader.records_read,
            "records_by_type": self.records_by_type,
            "lost": reader.lost,
            "aborted": reader.aborted,
            "corrupt": len(reader.corrupt),
            "corrupt_records": [c._asdict() for c in reader.corrupt],
            "first_index": self.first_index,
            "last_index": self.last_index,
        })


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="daqlab_ring.py",
        description="Follow a daqlab ring file (layout 2) live; print progress on stderr about once a second. "
                    "Exit code 0 on success, 1 if no reader slot is free, 2 if the file is not a readable ring.")
    parser.add_argument("ring", help="the ring file, e.g. /dev/shm/daqlab/ring.dat")
    parser.add_argument("--seconds", type=float, help="stop after this many seconds (default: at Ctrl-C or SIGTERM)")
    parser.add_argument("--from-oldest", action="store_true",
                        help="start at the oldest record still in the ring instead of the write position")
    parser.add_argument("--dump", metavar="DIR",
                        help="write records.jsonl, the payloads, the catalog and summary.json into DIR")
    parser.add_argument("--name", default="daqlab_ring.py", help="reader name shown by the platform (24 bytes)")
    args = parser.parse_args(argv)
    if args.seconds is not None and not args.seconds > 0:
        parser.error(f"--seconds {args.seconds} is not a positive number of seconds")
    return args


def main(argv=None):
    args = _parse_args(argv)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    started = time.monotonic()
    try:
        with Ring(args.ring) as ring, ring.reader(args.name, from_oldest=args.from_oldest) as reader:
            dump = Dump(args.dump, reader) if args.dump else None
            deadline = None if args.seconds is None else started + args.seconds
            reported_corrupt = 0
            last_report, last_count = started, 0
            try:
                while not stop and (deadline is None or time.monotonic() < deadline):
                    records = reader.poll()
                    if dump:
                        for record in records:
                            dump.write(record)
                    for c in reader.corrupt[reported_corrupt:]:
                        print(f"daqlab_ring: corrupt record at position {c.position} (length {c.length}, type "
                              f"{c.type}): {c.reason}; skipped to position {reader.cursor}", file=sys.stderr)
                    reported_corrupt = len(reader.corrupt)
                    now = time.monotonic()
                    if now - last_report >= 1:
                        rate = (reader.records_read - last_count) / (now - last_report)
                        print(f"daqlab_ring: {now - started:.0f} s, {reader.records_read} records ({rate:.0f}/s), "
                              f"lost {reader.lost}, corrupt {len(reader.corrupt)}", file=sys.stderr)
                        last_report, last_count = now, reader.records_read
                    if not records:
                        time.sleep(0.002)
            except KeyboardInterrupt:
                pass
            finally:
                if dump:
                    dump.close(time.monotonic() - started)
            print(f"daqlab_ring: done: {reader.records_read} records, lost {reader.lost}, "
                  f"corrupt {len(reader.corrupt)}", file=sys.stderr)
    except RingFileError as e:
        print(f"daqlab_ring: {e}", file=sys.stderr)
        return 2
    except (RegistrationError, OSError) as e:
        print(f"daqlab_ring: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
