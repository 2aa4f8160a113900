#!/usr/bin/env python3
"""Reads TIFF files with tifffile (Debian's python3-tifffile, a reader the writer shares no code with)
and reports what it sees, for the writer's tests to assert on.

``python3 read_tiff.py OUT.json [--no-series-data] FILE.tif [FILE.tif ...]``

For each file: ``error`` (null, or why tifffile could not read it), ``bigtiff``, ``pages`` (count),
``page`` (for every page: shape, dtype, compression, predictor, rows per strip, strips, the SHA-256 of
its pixels as little-endian bytes, and the JSON of its daqlab frame tag 65500), ``imagej`` (tifffile's
``imagej_metadata``), ``series`` (the first series' shape, axes, dtype, kind and the SHA-256 of all
its pixels, unless ``--no-series-data``: files too large for memory) and ``metadata`` (the JSON of the first page's tag 65501); ``series_error`` if the pages read but the series
(which follows the ImageJ description) did not.
"""

import hashlib
import json
import sys
import traceback

import numpy as np
import tifffile

FRAME_TAG = 65500
METADATA_TAG = 65501


def text(value):
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return value.rstrip("\0")


def little_endian_bytes(array):
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()


def read(path, series_data):
    report = {"path": path, "error": None}
    try:
        with tifffile.TiffFile(path) as tif:
            report["bigtiff"] = tif.is_bigtiff
            tif.pages.useframes = False
            pages = []
            for page in tif.pages:
                data = page.asarray()
                frame = page.tags.get(FRAME_TAG)
                pages.append({
                    "shape": list(page.shape),
                    "dtype": str(page.dtype),
                    "compression": int(page.compression),
                    "predictor": int(page.predictor),
                    "rows_per_strip": int(page.rowsperstrip),
                    "strips": len(page.dataoffsets),
                    "sha256": hashlib.sha256(little_endian_bytes(data)).hexdigest(),
                    "frame": json.loads(text(frame.value)) if frame is not None else None,
                })
            report["pages"] = len(pages)
            report["page"] = pages
            first = tif.pages[0]
            metadata = first.tags.get(METADATA_TAG)
            report["metadata"] = json.loads(text(metadata.value)) if metadata is not None else None
            report["description"] = first.description
    except Exception:
        report["error"] = traceback.format_exc()
        return report
    # a separate error: a live file's pages read while its description may still count fewer
    report["series_error"] = None
    try:
        with tifffile.TiffFile(path) as tif:
            report["imagej"] = tif.imagej_metadata
            series = tif.series[0]
            report["series"] = {
                "shape": list(series.shape),
                "axes": series.axes,
                "dtype": str(series.dtype),
                "kind": series.kind,
            }
            if series_data:
                data = series.asarray()
                report["series"]["sha256"] = hashlib.sha256(little_endian_bytes(data)).hexdigest()
    except Exception:
        report["series_error"] = traceback.format_exc()
    return report


def main():
    out, files = sys.argv[1], sys.argv[2:]
    series_data = "--no-series-data" not in files
    reports = [read(path, series_data) for path in files if path != "--no-series-data"]
    with open(out, "w") as f:
        json.dump({"tifffile": tifffile.__version__, "files": reports}, f, default=str)


if __name__ == "__main__":
    main()
