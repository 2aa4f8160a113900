#!/usr/bin/env python3
"""Opens every stream group of a Zarr v2 store written by daqlab's Zarr writer with xarray (Debian's
python3-xarray on python3-zarr 2.13) and writes what xarray made of it as JSON, for the Java test to
compare with what was published: per group the dimensions and their sizes, each variable's dims,
dtype (after xarray's CF decoding), attributes, and its first and last values (times as int64 ns).

usage: open_xarray.py OUT.json STORE
"""
import json
import sys

import numpy as np
import xarray as xr
import zarr


def value(v):
    if np.issubdtype(v.dtype, np.datetime64):
        return str(int(v.astype("datetime64[ns]").astype(np.int64)))
    if v.dtype == np.bool_:
        return "true" if v else "false"
    if np.issubdtype(v.dtype, np.floating):
        return "NaN" if np.isnan(v) else repr(float(v))
    return str(int(v))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, store = sys.argv[1], sys.argv[2]
    groups = {}
    for name, _ in sorted(zarr.open_group(store, mode="r").groups()):
        ds = xr.open_zarr(store, group=name, consolidated=False)
        variables = {}
        for var, array in ds.variables.items():
            data = array.values
            flat = data.reshape(data.shape[0], -1) if data.ndim > 1 else data
            variables[var] = {"dims": list(array.dims), "dtype": str(array.dtype),
                              "attributes": {k: v for k, v in array.attrs.items()},
                              "first": value(flat[0] if data.ndim == 1 else flat[0][0]),
                              "last": value(flat[-1] if data.ndim == 1 else flat[-1][-1])}
        groups[name] = {"dims": {k: int(v) for k, v in ds.sizes.items()}, "variables": variables,
                        "attributes": {k: v for k, v in ds.attrs.items() if k != "arrow_schema"}}
    with open(out, "w") as f:
        json.dump({"xarray": xr.__version__, "groups": groups}, f, default=str)


if __name__ == "__main__":
    main()
