#!/usr/bin/env python3
"""Reads a multi-page TIFF with tifffile and prints its page count and the SHA-256 of all its pages'
pixels, little-endian, one page after the other: what TiffWriteBench compares with the frames it wrote.

usage: tiff_check.py FILE.tif
Prints one line: pages=<int> sha256=<hex>
"""
import hashlib
import sys

import numpy as np
import tifffile


def main():
    digest = hashlib.sha256()
    with tifffile.TiffFile(sys.argv[1]) as tif:
        pages = 0
        for page in tif.pages:
            data = page.asarray()
            digest.update(np.ascontiguousarray(data, dtype=data.dtype.newbyteorder("<")).tobytes())
            pages += 1
    print(f"pages={pages} sha256={digest.hexdigest()}", flush=True)


if __name__ == "__main__":
    main()
