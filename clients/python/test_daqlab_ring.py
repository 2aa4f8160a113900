"""Tests of daqlab_ring on ring files made here, for what the live platform does not do on demand:
bad headers, laps, claims that wait, aborted and corrupt records, slot locks held by other processes.
The reader against the real platform is tested by run/itest's PythonRingReaderIT, which also runs
this file (``python3 -m unittest discover -s clients/python``).
"""

import json
import mmap
import os
import struct
import subprocess
import sys
import tempfile
import unittest

import daqlab_ring
from daqlab_ring import Ring, RingFileError, align8

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "daqlab_ring.py")


class TestPublisher:
    """A single-threaded publisher of layout 2 written from LAYOUT.md §3-§5 for these tests only."""

    def __init__(self, path, capacity=16384, segment_size=None, catalog_size=4096):
        self.capacity = capacity
        self.segment_size = segment_size or capacity
        self.data_offset = 4096 + catalog_size
        with open(path, "wb") as f:
            f.truncate(self.data_offset + capacity)
        self._file = open(path, "r+b")
        self.mm = mmap.mmap(self._file.fileno(), 0)
        struct.pack_into("<iiqiiqqqq", self.mm, 8, 2, 4096, capacity, 48, self.segment_size,
                         4096, catalog_size, self.data_offset, os.getpid())
        self.mm[0:8] = daqlab_ring.MAGIC
        self.write_position = 0
        self.oldest_position = 0
        self.next_index = 0
        self.catalog_end = 0

    def close(self):
        self.mm.close()
        self._file.close()

    def _at(self, position):
        return self.data_offset + position % self.capacity

    def _counter(self, offset, value):
        struct.pack_into("<q", self.mm, offset, value)

    def add_catalog_entry(self, stream_id, index, payload):
        at = 4096 + self.catalog_end
        struct.pack_into("<ihHiiqqq", self.mm, at, 40 + len(payload), 1, 0, stream_id, 0, index, 0, 0)
        self.mm[at + 40:at + 40 + len(payload)] = payload
        self.catalog_end += align8(40 + len(payload))
        self._counter(320, self.catalog_end)

    def publish(self, type_code, stream_id=1, payload=b"", sequence=0, timestamp_ns=0, commit=True):
        """Claims, fills and (unless ``commit`` is False) commits a record; returns its position."""
        length = 40 + len(payload)
        room = self.segment_size - self.write_position % self.segment_size
        position = self.write_position + (room if align8(length) > room else 0)
        end = position + align8(length)
        while self.oldest_position < end - self.capacity:
            self.oldest_position += align8(abs(struct.unpack_from("<i", self.mm, self._at(self.oldest_position))[0]))
        self._counter(128, self.oldest_position)
        if position != self.write_position:
            struct.pack_into("<ih", self.mm, self._at(self.write_position), room, 0)
        struct.pack_into("<ihHiiqqq", self.mm, self._at(position), -length, type_code, 0, stream_id, 0,
                         self.next_index, sequence, timestamp_ns)
        self.next_index += 1
        self.write_position = end
        self._counter(64, end)
        self._counter(192, self.next_index)
        self.mm[self._at(position) + 40:self._at(position) + length] = payload
        if commit:
            self.commit(position)
        return position

    def commit(self, position, aborted=False):
        length, type_code = struct.unpack_from("<ih", self.mm, self._at(position))
        struct.pack_into("<ihH", self.mm, self._at(position), -length, type_code, 1 if aborted else 0)


class RingTest(unittest.TestCase):

    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self._dir.name, "ring.dat")

    def tearDown(self):
        self._dir.cleanup()

    def publisher(self, **kwargs):
        publisher = TestPublisher(self.path, **kwargs)
        self.addCleanup(publisher.close)
        return publisher

    def run_cli(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=60)


class HeaderTest(RingTest):

    def damaged(self, offset, data):
        self.publisher().close()
        with open(self.path, "r+b") as f:
            f.seek(offset)
            f.write(data)

    def assertRefused(self, message, **kwargs):
        with self.assertRaises(RingFileError) as refused:
            Ring(self.path, **kwargs)
        self.assertIn(message, str(refused.exception))
        self.assertIn(self.path, str(refused.exception))

    def test_a_file_shorter_than_the_header_is_refused(self):
        self.publisher().close()
        os.truncate(self.path, 100)
        self.assertRefused("the file length is 100 bytes, expected at least the 4096-byte header")

    def test_a_file_whose_magic_stays_zero_is_being_created(self):
        self.damaged(0, bytes(8))
        self.assertRefused("the magic is still zero", creation_wait=0.1)

    def test_a_foreign_file_is_refused_by_its_magic(self):
        self.damaged(0, b"NOTARING")
        self.assertRefused("the magic is b'NOTARING', expected b'DAQLRING'")

    def test_another_layout_version_is_refused(self):
        self.damaged(8, struct.pack("<i", 1))
        self.assertRefused("the layout version is 1, expected 2")

    def test_a_capacity_that_is_not_a_multiple_of_8_is_refused(self):
        self.damaged(16, struct.pack("<q", 4100))
        self.assertRefused("capacity is 4100, expected a multiple of 8, at least 4096")

    def test_a_segment_size_that_does_not_divide_the_capacity_is_refused(self):
        self.damaged(28, struct.pack("<i", 4096 + 8))
        self.assertRefused("segmentSize is 4104, expected a divisor of capacity 16384")

    def test_a_truncated_data_region_is_refused(self):
        self.publisher().close()
        os.truncate(self.path, 4096 + 4096 + 8192)
        self.assertRefused("the file length is 16384 bytes, expected dataOffset + capacity = 24576 bytes")

    def test_the_program_exits_2_naming_the_field(self):
        self.damaged(8, struct.pack("<i", 3))
        result = self.run_cli(self.path, "--seconds", "1")
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("the layout version is 3, expected 2", result.stderr)

    def test_a_missing_file_exits_2(self):
        result = self.run_cli(self.path, "--seconds", "1")
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("no such file", result.stderr)


class FollowTest(RingTest):

    def test_records_come_out_in_order_with_their_fields_and_schemas(self):
        publisher = self.publisher()
        publisher.add_catalog_entry(7, 0, b"schema-7")
        publisher.publish(1, 7, b"schema-7")
        for sequence in range(3):
            publisher.publish(2, 7, b"batch-%d" % sequence, sequence=sequence, timestamp_ns=1000 + sequence)
        publisher.publish(3, 0, b'{"uid": "r"}')
        with Ring(self.path) as ring:
            self.assertEqual({7: (0, b"schema-7")}, ring.catalog())
            with ring.reader("t", from_oldest=True) as reader:
                records = reader.poll()
        self.assertEqual(["DESCRIPTOR", "BATCH", "BATCH", "BATCH", "RUN_START"], [r.type for r in records])
        self.assertEqual([0, 1, 2, 3, 4], [r.index for r in records])
        batch = records[2]
        self.assertEqual((7, 1, 1001, b"batch-1", (0, b"schema-7")),
                         (batch.stream_id, batch.sequence, batch.timestamp_ns, batch.payload, batch.descriptor))
        self.assertEqual(48 + 48, batch.position)
        self.assertEqual((0, []), (reader.lost, reader.corrupt))

    def test_a_reader_starts_at_the_write_position_by_default(self):
        publisher = self.publisher()
        publisher.publish(2)
        with Ring(self.path) as ring, ring.reader("t") as reader:
            self.assertEqual([], reader.poll())
            publisher.publish(2, payload=b"new")
            self.assertEqual([b"new"], [r.payload for r in reader.poll()])

    def test_padding_fills_each_segment_and_is_not_a_record(self):
        publisher = self.publisher(capacity=32768, segment_size=4096)
        for i in range(12):
            publisher.publish(2, payload=bytes(1500))  # two per 4096-byte segment, then padding
        with Ring(self.path) as ring, ring.reader("t", from_oldest=True) as reader:
            records = reader.poll()
        self.assertEqual(list(range(12)), [r.index for r in records])
        self.assertEqual([0, 1544, 4096, 5640], [r.position for r in records[:4]])
        self.assertEqual((0, []), (reader.lost, reader.corrupt))

    def test_a_lapped_reader_counts_exactly_what_it_lost(self):
        publisher = self.publisher(capacity=8192)
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.publish(2, payload=bytes(960))  # 1000 bytes each: 8 fit in the ring
            first = reader.poll()
            for i in range(10):
                publisher.publish(2, payload=bytes(960))
            second = reader.poll()
        seen = [r.index for r in first + second]
        self.assertEqual([0] + list(range(3, 11)), seen)
        self.assertEqual(2, reader.lost)
        self.assertEqual(11, len(seen) + reader.lost)

    def test_a_claimed_record_holds_back_the_records_after_it(self):
        publisher = self.publisher()
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.publish(2, payload=b"a")
            claimed = publisher.publish(2, payload=b"b", commit=False)
            publisher.publish(2, payload=b"c")
            self.assertEqual([b"a"], [r.payload for r in reader.poll()])
            self.assertEqual([], reader.poll())
            publisher.commit(claimed)
            self.assertEqual([b"b", b"c"], [r.payload for r in reader.poll()])

    def test_an_aborted_record_is_skipped_and_not_lost(self):
        publisher = self.publisher()
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.publish(2, payload=b"a")
            publisher.commit(publisher.publish(2, payload=b"b", commit=False), aborted=True)
            publisher.publish(2, payload=b"c")
            self.assertEqual([0, 2], [r.index for r in reader.poll()])
            self.assertEqual((0, 1), (reader.lost, reader.aborted))

    def test_a_corrupt_record_is_reported_with_its_position_and_the_rest_counts_as_lost(self):
        publisher = self.publisher()
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.publish(2, payload=b"a")
            bad = publisher.publish(2, payload=b"b")
            publisher.publish(2, payload=b"c")
            # another process writes over the record word: a length that reaches past writePosition
            struct.pack_into("<i", publisher.mm, publisher.data_offset + bad, 5000)
            self.assertEqual([0], [r.index for r in reader.poll()])
            publisher.publish(2, payload=b"d")
            self.assertEqual([3], [r.index for r in reader.poll()])
        self.assertEqual(1, len(reader.corrupt))
        self.assertEqual((bad, 5000, 2), reader.corrupt[0][:3])
        self.assertEqual(2, reader.lost)

    def test_an_unknown_type_is_corrupt(self):
        publisher = self.publisher()
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.publish(99, payload=b"?")
            self.assertEqual([], reader.poll())
        self.assertEqual("unknown record type", reader.corrupt[0].reason)

    def test_a_catalog_entry_appended_after_the_reader_started_still_decodes_the_batches(self):
        publisher = self.publisher()
        publisher.publish(1, 4, b"schema-4")  # the platform appends the catalog entry after the commit
        with Ring(self.path) as ring, ring.reader("t") as reader:
            publisher.add_catalog_entry(4, 0, b"schema-4")
            publisher.publish(2, 4, b"batch")
            self.assertEqual((0, b"schema-4"), reader.poll()[0].descriptor)

    def test_a_batch_whose_descriptor_is_gone_has_none(self):
        publisher = self.publisher()
        publisher.publish(2, 5, b"orphan")
        with Ring(self.path) as ring, ring.reader("t", from_oldest=True) as reader:
            self.assertIsNone(reader.poll()[0].descriptor)


class SlotTest(RingTest):

    def slot(self, ring, slot):
        state, cursor, pid, heartbeat, lost = struct.unpack_from("<qqqqq", ring._mm, 1024 + 64 * slot)
        name = ring._mm[1024 + 64 * slot + 40:1024 + 64 * slot + 64].rstrip(b"\0").decode()
        return state, cursor, pid, lost, name

    def test_a_reader_fills_its_slot_and_frees_it_on_close(self):
        publisher = self.publisher()
        publisher.publish(2)
        with Ring(self.path) as ring:
            first = ring.reader("first")
            second = ring.reader("a name longer than twenty-four bytes")
            self.assertEqual((1, 40, os.getpid(), 0, "first"), self.slot(ring, 0))
            self.assertEqual((1, 40, os.getpid(), 0, "a name longer than twent"), self.slot(ring, 1))
            first.close()
            self.assertEqual(0, self.slot(ring, 0)[0])
            second.close()

    def test_a_slot_locked_by_a_live_process_is_skipped_and_a_dead_readers_slot_is_reused(self):
        self.publisher().close()
        with open(self.path, "r+b") as f:
            f.seek(1024 + 64 * 1)
            f.write(struct.pack("<q", 1))  # slot 1 active, but nobody holds its lock: its reader died
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
             "fcntl.lockf(fd, fcntl.LOCK_EX, 64, 1024); print('locked', flush=True); sys.stdin.read()",
             self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(holder.wait)
        self.addCleanup(holder.stdin.close)
        self.assertEqual("locked\n", holder.stdout.readline())
        with Ring(self.path) as ring, ring.reader("t") as reader:
            self.assertEqual(1, reader.slot)

    def test_a_second_ring_on_the_same_file_in_one_process_is_refused(self):
        self.publisher().close()
        with Ring(self.path):
            with self.assertRaises(RingFileError) as refused:
                Ring(self.path)
        self.assertIn("already has this file open", str(refused.exception))


class DumpTest(RingTest):

    def test_the_dump_holds_every_record_its_schema_and_the_counts(self):
        publisher = self.publisher()
        publisher.add_catalog_entry(3, 0, b"schema-3")
        publisher.publish(1, 3, b"schema-3")
        publisher.publish(2, 3, b"batch", timestamp_ns=42)
        dump = os.path.join(self._dir.name, "dump")
        result = self.run_cli(self.path, "--seconds", "0.5", "--from-oldest", "--dump", dump)
        self.assertEqual(0, result.returncode, result.stderr)
        with open(os.path.join(dump, "records.jsonl")) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(["DESCRIPTOR", "BATCH"], [line["type"] for line in lines])
        self.assertEqual(42, lines[1]["timestamp_ns"])
        self.assertEqual("catalog/stream-3-index-0.bin", lines[1]["descriptor_file"])
        with open(os.path.join(dump, lines[1]["payload_file"]), "rb") as f:
            self.assertEqual(b"batch", f.read())
        with open(os.path.join(dump, "summary.json")) as f:
            summary = json.load(f)
        self.assertEqual((2, 0, 0, 0, 1), (summary["records"], summary["lost"], summary["corrupt"],
                                           summary["first_index"], summary["last_index"]))
        with open(os.path.join(dump, "catalog.json")) as f:
            self.assertEqual([{"stream_id": 3, "index": 0, "payload_file": "catalog/stream-3-index-0.bin"}],
                             json.load(f))


if __name__ == "__main__":
    unittest.main()
