"""Reads only the given frames of a frame dataset with h5py, so that a dataset of several GiB is
checked without loading it: prints JSON with the shape, chunks, storage size and per frame the sum
and first/last pixel."""
import json
import sys

import h5py
import numpy as np

path, name, frames = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3:]]
with h5py.File(path, "r") as f:
    ds = f[name]
    out = {"shape": list(ds.shape), "chunks": list(ds.chunks), "dtype": ds.dtype.str,
           "storage_bytes": int(ds.id.get_storage_size()), "frames": {}}
    for n in frames:
        frame = ds[n].astype(np.int64)
        out["frames"][str(n)] = {"sum": int(frame.sum()), "first": int(frame.flat[0]), "last": int(frame.flat[-1])}
json.dump(out, sys.stdout)
