#!/usr/bin/env python3
"""Reads Zarr v2 stores written by daqlab's Zarr writer with zarr-python (Debian's python3-zarr 2.13,
numcodecs 0.11) and writes what it found as JSON, for the Java tests to compare with what was published.

usage: read_zarr.py OUT.json STORE...

Per store: the root group's attributes and, per group, its attributes and per array: shape, dtype,
chunks, compressor, fill value, attributes (with _ARRAY_DIMENSIONS) and the values (scalars: each as
text; frames: a summary per row) or the error zarr-python raised.
"""
import json
import math
import sys

import numpy as np
import zarr


def text(value):
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return "NaN" if math.isnan(value) else repr(float(value))
    return str(int(value))


def frame_summary(frame):
    flat = frame.ravel().astype(np.int64)
    weights = np.arange(1, flat.size + 1, dtype=np.int64)
    return {"length": int(flat.size), "sum": str(int(flat.sum())), "weighted": str(int((flat * weights).sum())),
            "first": text(frame.ravel()[0]), "last": text(frame.ravel()[-1])}


def read_array(array):
    entry = {"shape": list(array.shape), "dtype": array.dtype.str, "chunks": list(array.chunks),
             "compressor": array.compressor.get_config() if array.compressor is not None else None,
             "fill_value": None if array.fill_value is None else text(array.fill_value), "attributes": dict(array.attrs), "values": None,
             "frames": None, "error": None}
    try:
        data = array[...]
        if data.ndim == 1:
            entry["values"] = [text(v) for v in data]
        else:
            entry["frames"] = [frame_summary(row) for row in data]
    except Exception as e:  # reported to the Java test, which fails with it
        entry["error"] = repr(e)
    return entry


def read_store(path):
    entry = {"path": path, "error": None, "attributes": None, "groups": {}}
    try:
        root = zarr.open_group(path, mode="r")
        entry["attributes"] = dict(root.attrs)
        for name, group in sorted(root.groups()):
            entry["groups"][name] = {"attributes": dict(group.attrs),
                                     "arrays": {a: read_array(array) for a, array in sorted(group.arrays())}}
    except Exception as e:
        entry["error"] = repr(e)
    return entry


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    result = {"zarr": zarr.__version__, "stores": [read_store(p) for p in sys.argv[2:]]}
    with open(sys.argv[1], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
