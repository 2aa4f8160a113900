#!/usr/bin/env python3
"""Checks a file written by a contender of Hdf5WriteBench: every column of the manifest is a dataset
/<stream>/<column> with exactly the exported values, chunked as the manifest says. Run on each HDF5
file of the warm-up round, so that every contender is known to have written the same data.

usage: h5_check.py MANIFEST FILE.h5
Prints one line per dataset (shape, chunks, filters); exits 1 on the first difference.
"""
import sys

import h5py
import numpy as np

from h5py_write import load


def main(manifest_path, path):
    manifest, arrays = load(manifest_path)
    with h5py.File(path, "r") as f:
        group = f[manifest["stream"]]
        for column in manifest["columns"]:
            dataset = group[column["name"]]
            expected = arrays[column["name"]]
            chunks = (column["chunk_rows"],) + expected.shape[1:]
            # daqlab gives a dataset shorter than one chunk a chunk of its own length (FORMAT.md)
            short = (len(expected),) + expected.shape[1:]
            if dataset.dtype != expected.dtype or dataset.shape != expected.shape or dataset.chunks not in (chunks, short):
                sys.exit(f"{path}: {column['name']} is {dataset.dtype} {dataset.shape} in chunks {dataset.chunks}, "
                         f"expected {expected.dtype} {expected.shape} in chunks {chunks}")
            if not np.array_equal(dataset[...], expected):
                sys.exit(f"{path}: {column['name']} holds other values than exported")
            print(f"  {column['name']}: {dataset.dtype} {dataset.shape} chunks {dataset.chunks} "
                  f"compression {dataset.compression} {dataset.compression_opts} shuffle {dataset.shuffle}: same values")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
