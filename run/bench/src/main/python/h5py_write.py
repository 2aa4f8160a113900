#!/usr/bin/env python3
"""The h5py (libhdf5) baseline of Hdf5WriteBench: writes a workload that the benchmark exported as raw
little-endian column files into one HDF5 file, with the chunking and filters daqlab's writer uses, and
prints how long that took, in wall-clock and in CPU time of the process.

The columns are loaded into memory first; the clock runs from creating the file to the closed and
fsynced file, so neither the interpreter start nor the loading is measured. Datasets are created at
their final shape and resizable along rows (maxshape None), as an appending writer would create them,
which also lets a 1-D chunk of chunk_rows be longer than a short column.

usage: h5py_write.py MANIFEST OUT.h5 --compression {gzip,none} [--level N] [--shuffle]
                     [--writes {batches,whole}]
  batches: one write per column per batch of the manifest's batch_rows rows, as the data arrived;
  whole:   one write per column (libhdf5's best case).
Prints one line: seconds=<float> cpu=<float> size=<bytes>
"""
import argparse
import json
import os
import time

import h5py
import numpy as np


def load(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    base = os.path.dirname(os.path.abspath(manifest_path))
    rows = manifest["rows"]
    arrays = {}
    for column in manifest["columns"]:
        shape = (rows,) + tuple(column["shape"])
        data = np.fromfile(os.path.join(base, column["file"]), dtype=np.dtype(column["dtype"]))
        arrays[column["name"]] = data.reshape(shape)
    return manifest, arrays


def write(manifest, arrays, out, compression, level, shuffle, writes):
    filters = {"compression": "gzip", "compression_opts": level, "shuffle": shuffle} if compression == "gzip" else {}
    rows = manifest["rows"]
    step = manifest["batch_rows"] if writes == "batches" else rows
    start = time.perf_counter()
    cpu = time.process_time()
    with h5py.File(out, "w") as f:
        group = f.create_group(manifest["stream"])
        datasets = []
        for column in manifest["columns"]:
            data = arrays[column["name"]]
            chunks = (column["chunk_rows"],) + data.shape[1:]
            dataset = group.create_dataset(column["name"], shape=data.shape, maxshape=(None,) + data.shape[1:],
                                           dtype=data.dtype, chunks=chunks, **filters)
            datasets.append((dataset, data))
        for first in range(0, rows, step):
            last = min(rows, first + step)
            for dataset, data in datasets:
                dataset[first:last] = data[first:last]
    fd = os.open(out, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("out")
    parser.add_argument("--compression", choices=["gzip", "none"], required=True)
    parser.add_argument("--level", type=int, default=1)
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--writes", choices=["batches", "whole"], default="batches")
    args = parser.parse_args()
    manifest, arrays = load(args.manifest)
    seconds, cpu = write(manifest, arrays, args.out, args.compression, args.level, args.shuffle, args.writes)
    print(f"seconds={seconds:.6f} cpu={cpu:.6f} size={os.path.getsize(args.out)}", flush=True)


if __name__ == "__main__":
    main()
