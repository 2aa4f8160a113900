#!/usr/bin/env python3
"""Reads daqlab HDF5 files with h5py (a reader the platform shares no code with) and writes, per file
and per group (stream), the columns that order a stream: ``timestamp_ns`` and, where there is one,
``frame_number`` — enough for ProcessCrashIT to check that a recovered file holds a gapless prefix of
each stream, without duplicates, in order.

``python3 h5_sequences.py OUT.json FILE.h5 [FILE.h5 ...]``

OUT.json gets ``{"files": [{"file", "error", "groups": {name: {"timestamp_ns": [...], "frame_number": [...]}}}]}``,
one entry per FILE in order; ``error`` is null, or why h5py could not read the file.
"""

import json
import sys

import h5py

SEQUENCE_COLUMNS = ("timestamp_ns", "frame_number")


def read(path):
    entry = {"file": path, "error": None, "groups": {}}
    try:
        with h5py.File(path, "r") as f:
            for name, group in f.items():
                if not isinstance(group, h5py.Group):
                    continue
                columns = {}
                for column in SEQUENCE_COLUMNS:
                    if column in group:
                        columns[column] = [int(v) for v in group[column][()]]
                entry["groups"][name] = columns
    except Exception as e:  # report, do not stop: the test names the file that fails
        entry["error"] = f"{type(e).__name__}: {e}"
    return entry


def main():
    out, files = sys.argv[1], sys.argv[2:]
    with open(out, "w") as f:
        json.dump({"files": [read(p) for p in files]}, f)


if __name__ == "__main__":
    main()
