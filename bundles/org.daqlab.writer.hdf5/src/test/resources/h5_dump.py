"""Dumps a daqlab HDF5 file as JSON with h5py (a reader we did not write): every attribute, and for
every dataset its dtype, shape, chunks, filters and values (frames as per-frame summaries)."""
import json
import sys

import h5py
import numpy as np


def value(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray):
        return [value(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def filters(ds):
    plist = ds.id.get_create_plist()
    return [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]


def dump_dataset(ds):
    out = {"dtype": ds.dtype.str, "kind": ds.dtype.kind, "shape": list(ds.shape), "chunks": list(ds.chunks or []),
           "filters": filters(ds), "compression": ds.compression, "compression_opts": value(ds.compression_opts),
           "shuffle": ds.shuffle, "attrs": {k: value(v) for k, v in ds.attrs.items()}}
    data = ds[()]
    if ds.ndim == 1:
        if ds.dtype.kind == "S":
            out["values"] = [x.decode("utf-8") for x in data.tolist()]
        elif ds.dtype.kind == "f":
            out["values"] = [None if np.isnan(x) else float(x) for x in data.astype(np.float64).tolist()]
        else:
            out["values"] = [int(x) for x in data.tolist()]
    else:
        flat = data.reshape(data.shape[0], -1).astype(np.int64)
        out["frame_sums"] = [int(x) for x in flat.sum(axis=1).tolist()]
        out["frame_first"] = [int(x) for x in flat[:, 0].tolist()]
        out["frame_last"] = [int(x) for x in flat[:, -1].tolist()]
    return out


def main(path):
    with h5py.File(path, "r") as f:
        report = {"attrs": {k: value(v) for k, v in f.attrs.items()},
                  "root_attr_dtypes": {k: f.attrs[k].dtype.str if hasattr(f.attrs[k], "dtype") else type(f.attrs[k]).__name__
                                       for k in f.attrs},
                  "groups": {}}
        for name, group in f.items():
            report["groups"][name] = {"attrs": {k: value(v) for k, v in group.attrs.items()},
                                      "datasets": {dn: dump_dataset(ds) for dn, ds in group.items()}}
    json.dump(report, sys.stdout, allow_nan=True)


if __name__ == "__main__":
    main(sys.argv[1])
