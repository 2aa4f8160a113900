"""Independent CSV reader for the tests: Python's csv module, strict RFC 4180 parsing.

Usage: read_csv.py FILE DELIMITER
Prints JSON: {"rows": [[field, ...], ...], "float64_bits": [[hex or null, ...], ...]} where
float64_bits holds, for every field Python's float() accepts, the IEEE 754 bits of the parsed
value as 16 hex digits, so that the test can compare Java's and Python's parse bit for bit.
"""
import csv
import json
import struct
import sys


def float64_bits(text):
    try:
        return struct.pack(">d", float(text)).hex()
    except ValueError:
        return None


path, delimiter = sys.argv[1], sys.argv[2]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f, delimiter=delimiter, strict=True))
json.dump({"rows": rows, "float64_bits": [[float64_bits(v) for v in row] for row in rows]}, sys.stdout)
