#!/usr/bin/env python3
"""The zarr-python baseline of ZarrWriteBench: writes a workload that the benchmark exported as raw
little-endian column files (see h5py_write.py) into a Zarr v2 store with zarr-python (Debian's
python3-zarr 2.13, which writes Zarr v2 only) and numcodecs, with the chunking and codec daqlab's
writer uses: a group per stream, an array per column, chunks of the manifest's chunk_rows rows, a
Zstd(level) compressor or none. Prints how long that took, in wall-clock and in CPU time.

The columns are loaded into memory first; the clock runs from creating the store to every file and
directory of it fsynced, so neither the interpreter start nor the loading is measured. Arrays are
created at their final shape and written array by array, in writes of whole chunks
(max(batch_rows, chunk_rows) rows rounded down to a multiple of chunk_rows: the frames' batches of 10):
a write of part of a chunk would make zarr-python read, decompress and compress that chunk again at
every batch. zarr-python compresses and writes the chunks of a write one after the other, on one thread.

usage: zarr_write.py MANIFEST OUT.zarr --compression {zstd,none} [--level N]
Prints one line: seconds=<float> cpu=<float> size=<bytes>
"""
import argparse
import os
import time

import numcodecs
import zarr

from h5py_write import load


def fsync_tree(root):
    for directory, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(directory, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def size_of(root):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(root) for f in files)


def write(manifest, arrays, out, compression, level):
    compressor = numcodecs.Zstd(level=level) if compression == "zstd" else None
    rows = manifest["rows"]
    start = time.perf_counter()
    cpu = time.process_time()
    group = zarr.group(store=zarr.DirectoryStore(out)).create_group(manifest["stream"])
    targets = []
    for column in manifest["columns"]:
        data = arrays[column["name"]]
        chunk_rows = column["chunk_rows"]
        array = group.create_dataset(column["name"], shape=data.shape, chunks=(chunk_rows,) + data.shape[1:],
                                     dtype=data.dtype, compressor=compressor)
        step = max(manifest["batch_rows"], chunk_rows) // chunk_rows * chunk_rows
        targets.append((array, data, step))
    for array, data, step in targets:
        for first in range(0, rows, step):
            array[first:first + step] = data[first:first + step]
    fsync_tree(out)
    return time.perf_counter() - start, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("out")
    parser.add_argument("--compression", choices=["zstd", "none"], required=True)
    parser.add_argument("--level", type=int, default=1)
    args = parser.parse_args()
    manifest, arrays = load(args.manifest)
    seconds, cpu = write(manifest, arrays, args.out, args.compression, args.level)
    print(f"seconds={seconds:.6f} cpu={cpu:.6f} size={size_of(args.out)}", flush=True)


if __name__ == "__main__":
    main()
