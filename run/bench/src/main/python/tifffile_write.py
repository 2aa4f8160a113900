#!/usr/bin/env python3
"""The tifffile baseline of TiffWriteBench: writes the frames of a workload that the benchmark exported
as raw little-endian column files into one multi-page TIFF, a page per frame, and prints how long that
took, in wall-clock and in CPU time of the process.

The frames are loaded into memory first; the clock runs from creating the file to the closed and
fsynced file, so neither the interpreter start nor the loading is measured. Frames are written batch
by batch as they arrived (the manifest's batch_rows frames per write call), with tifffile's defaults
otherwise: strips of about 64 KB when compressed, one strip per page when not.

usage: tifffile_write.py MANIFEST OUT.tif --compression {zlib,none} [--level N] [--predictor] [--workers N]
Prints one line: seconds=<float> cpu=<float> size=<bytes>
"""
import argparse
import json
import os
import time

import numpy as np
import tifffile


def load(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    base = os.path.dirname(os.path.abspath(manifest_path))
    rows = manifest["rows"]
    for column in manifest["columns"]:
        if len(column["shape"]) == 2:
            data = np.fromfile(os.path.join(base, column["file"]), dtype=np.dtype(column["dtype"]))
            return manifest, data.reshape((rows,) + tuple(column["shape"]))
    raise SystemExit("the workload has no frame column")


def write(manifest, frames, out, compression, level, predictor, workers):
    options = {"photometric": "minisblack", "metadata": None, "maxworkers": workers}
    if compression == "zlib":
        options["compression"] = ("zlib", level)
        options["predictor"] = predictor
    step = manifest["batch_rows"]
    start = time.perf_counter()
    cpu = time.process_time()
    with tifffile.TiffWriter(out) as tif:
        for first in range(0, len(frames), step):
            tif.write(frames[first:first + step], **options)
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
    parser.add_argument("--compression", choices=["zlib", "none"], required=True)
    parser.add_argument("--level", type=int, default=1)
    parser.add_argument("--predictor", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    manifest, frames = load(args.manifest)
    seconds, cpu = write(manifest, frames, args.out, args.compression, args.level, args.predictor, args.workers)
    print(f"seconds={seconds:.6f} cpu={cpu:.6f} size={os.path.getsize(args.out)}", flush=True)


if __name__ == "__main__":
    main()
