"""Writes a daqlab HDF5 file with h5py, as FORMAT.md lays it out, from a JSON description.

Used by the read-back tests: the files come from the reference HDF5 library, not from jhdf, so the
reader is checked against what any HDF5 writer following FORMAT.md produces.

    python3 readback_write_h5.py description.json

The description: {"file": path, "attributes": [attribute], "groups": [{"name", "attributes",
"datasets": [{"name", "dtype", "data", "chunks", "attributes"}]}]}, where an attribute is
{"name", "dtype", "value"} and dtype is a numpy type name, "str", "bool" or "utf8". As FORMAT.md
says: strings ("str" attributes, "utf8" datasets) are fixed-length null-terminated UTF-8 of the
longest value's size in bytes + 1 (at least 2); datasets are chunked, shuffle then deflate, bool as
uint8 0/1, tensors as [rows, d1, ..., dk]. Float values may be the strings "NaN", "Infinity" and
"-Infinity" (how JSON writers spell them).
"""
import json
import sys

import h5py
import numpy as np


def fixed_length_utf8(values):
    """The values as numpy bytes and the HDF5 string type FORMAT.md stores them in."""
    encoded = [value.encode("utf-8") for value in values]
    size = max([len(value) for value in encoded] + [1]) + 1
    string_type = h5py.h5t.C_S1.copy()
    string_type.set_size(size)
    string_type.set_strpad(h5py.h5t.STR_NULLTERM)
    string_type.set_cset(h5py.h5t.CSET_UTF8)
    return np.array(encoded, dtype="S%d" % size), h5py.Datatype(string_type)


def put_attributes(node, specs):
    for spec in specs:
        if spec["dtype"] == "str":
            data, string_type = fixed_length_utf8([spec["value"]])
            node.attrs.create(spec["name"], data=data[0], dtype=string_type)
        else:
            node.attrs[spec["name"]] = np.array(spec["value"], dtype=spec["dtype"])


def write_dataset(group, spec):
    options = dict(chunks=tuple(spec["chunks"]), shuffle=True, compression="gzip", compression_opts=4)
    dtype = spec["dtype"]
    if dtype == "utf8":
        data, string_type = fixed_length_utf8(spec["data"])
        dataset = group.create_dataset(spec["name"], shape=data.shape, dtype=string_type, **options)
        # written in the file's own string type: h5py has no ASCII to UTF-8 conversion path
        dataset.id.write(h5py.h5s.ALL, h5py.h5s.ALL, data, mtype=dataset.id.get_type())
    else:
        stored = "uint8" if dtype == "bool" else dtype
        data = np.array(spec["data"], dtype=object).astype(stored)
        dataset = group.create_dataset(spec["name"], data=data, **options)
    put_attributes(dataset, spec.get("attributes", []))


def main(description_path):
    with open(description_path, encoding="utf-8") as f:
        description = json.load(f)
    # libver v110: chunked datasets of fixed size get the fixed array chunk index, as the writer's
    with h5py.File(description["file"], "w", libver=("v110", "v110")) as f:
        put_attributes(f, description.get("attributes", []))
        for group_spec in description["groups"]:
            group = f.create_group(group_spec["name"])
            put_attributes(group, group_spec.get("attributes", []))
            for dataset_spec in group_spec["datasets"]:
                write_dataset(group, dataset_spec)


if __name__ == "__main__":
    main(sys.argv[1])
