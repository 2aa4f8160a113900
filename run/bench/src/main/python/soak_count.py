#!/usr/bin/env python3
"""Counts the rows per stream of the Soak's HDF5, CSV and TIFF files with readers independent of the
writers (h5py, Python's csv module, tifffile), reading shapes and pages rather than values where it can.

usage: soak_count.py OUT_JSON FILE...
OUT_JSON gets {"files": [{"file", "streams": {stream: rows}} or {"file", "error"}]}: an .h5 file's
streams are its groups (rows: the length of timestamp_ns); a .csv file's data rows and a .tif file's
pages are reported under "", the caller knowing the stream from the file name.
"""
import csv
import json
import sys


def h5_rows(path):
    import h5py
    with h5py.File(path, "r") as f:
        return {name: int(group["timestamp_ns"].shape[0]) for name, group in f.items()
                if isinstance(group, h5py.Group) and "timestamp_ns" in group}


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {"": sum(1 for _ in csv.reader(f)) - 1}


def tiff_rows(path):
    import tifffile
    with tifffile.TiffFile(path) as tif:
        return {"": len(tif.pages)}


def main():
    out, files = sys.argv[1], sys.argv[2:]
    results = []
    for path in files:
        try:
            if path.endswith(".h5"):
                counted = h5_rows(path)
            elif path.endswith(".csv"):
                counted = csv_rows(path)
            else:
                counted = tiff_rows(path)
            results.append({"file": path, "streams": counted})
        except Exception as e:  # noqa: BLE001 - every unreadable file is reported, not just the first
            results.append({"file": path, "error": f"{type(e).__name__}: {e}"})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"files": results}, f)


if __name__ == "__main__":
    main()
