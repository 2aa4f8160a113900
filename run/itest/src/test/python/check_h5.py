#!/usr/bin/env python3
"""Reads a daqlab HDF5 file with h5py and h5dump, readers the platform does not share, and checks it
against the writer's file layout, ``bundles/org.daqlab.writer.hdf5/FORMAT.md``.

``python3 check_h5.py FILE.h5 [--csv-dir DIR] [--test-pattern STREAM ...] [--report OUT.json]``

Writes a JSON report (to OUT.json, else stdout): every attribute with its HDF5 type; every dataset
with shape, dtype, chunks, filters, attributes, a summary of its values (all of them read) and what
h5dump says about it; and ``problems``, each a way the file departs from FORMAT.md, or from the CSV
writer's files of the same run (``--csv-dir``: rows and values against the CSV files, metadata
against their JSON sidecars), or from the simulated camera's test pattern (``--test-pattern``).
``remarks`` are things FORMAT.md allows but that are worth a look. Exit status: 0 no problems,
1 problems, 2 the file cannot be opened.
"""

import argparse
import csv
import datetime
import hashlib
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

H5DUMP = "/usr/bin/h5dump"
TENSOR = "arrow.fixed_shape_tensor"
SHUFFLE, DEFLATE, LZ4 = 2, 1, 32004
# The filter pipelines FORMAT.md ("Storage") allows, as HDF5 filter ids in pipeline order.
ALLOWED_PIPELINES = ([], [DEFLATE], [SHUFFLE, DEFLATE], [LZ4], [SHUFFLE, LZ4])
ROOT_RESERVED = ("created_at", "created_timestamp_ns", "application", "run_uid", "run_name", "segment")
GROUP_RESERVED = ("stream", "instrument_id", "created_at")
ISO_UTC = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$")
SCHEMA_SUFFIX = re.compile(r"\.schema\d+$")
FLOAT_DTYPES = {"HALF": "<f2", "SINGLE": "<f4", "DOUBLE": "<f8"}
# How many differing values a problem quotes; the count is always complete.
EXAMPLES = 3


class Findings:
    """What the checks found, each prefixed with the HDF5 path (or file) it is about."""

    def __init__(self):
        self.problems = []
        self.remarks = []

    def problem(self, where, text):
        self.problems.append(f"{where}: {text}")

    def remark(self, where, text):
        self.remarks.append(f"{where}: {text}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="the .h5 file")
    parser.add_argument("--csv-dir", help="directory with the CSV writer's files of the same run segment")
    parser.add_argument("--test-pattern", action="append", default=[], metavar="STREAM",
                        help="check the frames of STREAM against the simulated camera's test pattern")
    parser.add_argument("--report", help="write the JSON report here instead of stdout")
    args = parser.parse_args(argv)
    try:
        h5file = h5py.File(args.file, "r")
    except OSError as e:
        print(f"{args.file}: h5py cannot open it: {e}", file=sys.stderr)
        return 2
    with h5file:
        report = check(h5file, args.csv_dir, set(args.test_pattern))
    text = json.dumps(jsonable(report), indent=1)
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 1 if report["problems"] else 0


def check(h5file, csv_dir=None, pattern_streams=()):
    """The report on an open file (see the module's doc)."""
    findings = Findings()
    report = {
        "file": h5file.filename,
        "libhdf5": ".".join(map(str, h5py.version.hdf5_version_tuple)),
        "lz4_filter_available": bool(h5py.h5z.filter_avail(LZ4)),
        "root": check_root(h5file, findings),
        "groups": {},
    }
    for name, obj in h5file.items():
        if isinstance(obj, h5py.Group):
            report["groups"][name] = check_group(obj, findings, csv_dir, pattern_streams)
        else:
            findings.problem(obj.name, "a dataset in the root group; FORMAT.md puts every dataset in a stream's group")
    if csv_dir:
        compare_run_metadata(report, csv_dir, findings)
    report["h5dump"] = check_with_h5dump(h5file.filename, report, findings)
    report["problems"] = findings.problems
    report["remarks"] = findings.remarks
    return report


# --- attributes -------------------------------------------------------------------------------

def read_attrs(obj, findings):
    """Every attribute of ``obj`` as {"type", "value"}: strings decoded, numbers as Python numbers."""
    attrs = {}
    for name in obj.attrs:
        where = f"{obj.name}@{name}"
        dtype = obj.attrs.get_id(name).dtype
        value = obj.attrs[name]
        if isinstance(value, np.ndarray) and value.shape != ():
            if value.size != 1:
                findings.problem(where, f"an array of shape {value.shape}; FORMAT.md attributes hold one value")
                attrs[name] = {"type": dtype.name, "value": value.tolist()}
                continue
            findings.remark(where, f"stored as an array of shape {value.shape}, not as a scalar")
            value = value.reshape(-1)[0]
        string = h5py.check_string_dtype(dtype)
        if string is not None:
            if string.length is None or string.encoding != "utf-8":
                findings.problem(where, f"a {'variable' if string.length is None else 'fixed'}-length "
                                        f"{string.encoding} string; FORMAT.md: strings are fixed-length UTF-8")
            text = value.decode(string.encoding) if isinstance(value, bytes) else str(value)
            attrs[name] = {"type": "string", "value": text, "encoding": string.encoding,
                           "storage": "variable" if string.length is None else f"fixed {string.length}"}
        else:
            attrs[name] = {"type": dtype.name, "value": value.item()}
    return attrs


def expect_attr(attrs, name, hdf5_type, where, findings):
    """The value of attribute ``name`` if it exists with ``hdf5_type``, else None and a problem."""
    attr = attrs.get(name)
    if attr is None:
        findings.problem(where, f"attribute '{name}' is missing")
        return None
    if attr["type"] != hdf5_type:
        findings.problem(f"{where}@{name}", f"type {attr['type']}, FORMAT.md says {hdf5_type}")
        return None
    return attr["value"]


def check_iso_utc(attrs, name, where, findings):
    """The instant of an ISO 8601 UTC attribute as (ns since the epoch, digits of its fraction)."""
    text = expect_attr(attrs, name, "string", where, findings)
    if text is None:
        return None
    m = ISO_UTC.match(text)
    if not m:
        findings.problem(f"{where}@{name}", f"'{text}' is not ISO 8601 UTC like 2026-11-21T11:40:00.123Z")
        return None
    seconds = datetime.datetime.fromisoformat(m[1]).replace(tzinfo=datetime.timezone.utc).timestamp()
    fraction = m[2] or ""
    return int(seconds) * 10**9 + int(fraction.ljust(9, "0")), len(fraction)


def expected_metadata_attr(value):
    """(HDF5 type, value) of a metadata value per FORMAT.md, from its JSON form in the CSV sidecar."""
    if isinstance(value, bool):  # before int: a JSON boolean is a Python int too
        return "uint8", int(value)
    if isinstance(value, int):
        return "int64", value
    if isinstance(value, float):
        return "float64", value
    return "string", str(value)


def compare_metadata(attrs, metadata, reserved, where, what, findings):
    """Each ``metadata`` key is an attribute with FORMAT.md's type and the same value."""
    for key, value in metadata.items():
        name = f"metadata.{key}" if key in reserved else key
        hdf5_type, expected = expected_metadata_attr(value)
        actual = expect_attr(attrs, name, hdf5_type, where, findings)
        if actual is not None and actual != expected:
            findings.problem(f"{where}@{name}", f"{actual!r}, the {what} in the CSV sidecar is {expected!r}")


# --- root and groups --------------------------------------------------------------------------

def check_root(h5file, findings):
    attrs = read_attrs(h5file, findings)
    created = check_iso_utc(attrs, "created_at", "/", findings)
    created_ns = expect_attr(attrs, "created_timestamp_ns", "uint64", "/", findings)
    if created and created_ns is not None:
        instant, digits = created
        if created_ns // 10 ** (9 - digits) != instant // 10 ** (9 - digits):
            findings.problem("/@created_timestamp_ns", f"{created_ns} is not the instant of created_at")
    application = expect_attr(attrs, "application", "string", "/", findings)
    if application is not None and not application.startswith("daqlab "):
        findings.problem("/@application", f"'{application}' does not read 'daqlab <version>'")
    for name in ("run_uid", "run_name"):
        if expect_attr(attrs, name, "string", "/", findings) == "":
            findings.problem(f"/@{name}", "empty")
    segment = expect_attr(attrs, "segment", "int64", "/", findings)
    if segment is not None and segment < 1:
        findings.problem("/@segment", f"{segment}; segments count from 1")
    return {"attrs": attrs}


def check_group(group, findings, csv_dir, pattern_streams):
    where = group.name
    stream = SCHEMA_SUFFIX.sub("", group.name.lstrip("/"))
    attrs = read_attrs(group, findings)
    if expect_attr(attrs, "stream", "string", where, findings) not in (None, stream):
        findings.problem(f"{where}@stream", f"'{attrs['stream']['value']}', the group is stream '{stream}'")
    instrument_id = expect_attr(attrs, "instrument_id", "string", where, findings)
    check_iso_utc(attrs, "created_at", where, findings)

    datasets = {}
    for name, obj in group.items():
        if isinstance(obj, h5py.Dataset):
            datasets[name] = obj
        else:
            findings.problem(obj.name, "a group inside a stream's group; FORMAT.md has one level of groups")
    schema = check_schema_attrs(datasets, where, findings)
    fields = {f["name"]: f for f in schema["fields"]} if schema else {}
    schema_metadata = key_values(schema.get("metadata")) if schema else {}
    if instrument_id is not None and schema_metadata.get("instrument_id", instrument_id) != instrument_id:
        findings.problem(f"{where}@instrument_id", f"'{instrument_id}', the schema's is "
                                                   f"'{schema_metadata['instrument_id']}'")

    report = {"stream": stream, "attrs": attrs, "datasets": {}}
    values = {}
    for name, ds in datasets.items():
        report["datasets"][name], values[name] = check_dataset(ds, fields.get(name), findings)
    for name, field in fields.items():
        if written_layout(field) is not None and name not in datasets:
            findings.problem(where, f"no dataset for the schema's column '{name}'")
    lengths = {name: ds.shape[0] for name, ds in datasets.items() if ds.shape}
    if len(set(lengths.values())) > 1:
        findings.problem(where, f"datasets differ in length: {lengths}")
    report["rows"] = max(lengths.values(), default=0)

    if csv_dir and stream == group.name.lstrip("/"):
        report["csv"] = compare_with_csv(group.name, report, fields, values, csv_dir, findings)
    if stream in pattern_streams:
        report["test_pattern"] = check_test_pattern(group, fields, values, findings)
    return report


def key_values(entries):
    """Arrow JSON metadata ([{"key", "value"}, …]) as a dict."""
    return {e["key"]: e["value"] for e in entries or []}


def check_schema_attrs(datasets, where, findings):
    """The group's Arrow schema (parsed) if every dataset carries the same valid one, else None."""
    texts = {}
    for name, ds in datasets.items():
        value = ds.attrs.get("schema")
        if value is None:
            findings.problem(ds.name, "attribute 'schema' is missing")
            continue
        texts[name] = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if len(set(texts.values())) > 1:
        findings.problem(where, f"'schema' differs between datasets {sorted(texts)}")
        return None
    if not texts:
        return None
    text = next(iter(texts.values()))
    try:
        schema = json.loads(text)
    except ValueError as e:
        findings.problem(where, f"'schema' is not JSON ({e}): {text[:200]}")
        return None
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        findings.problem(where, f"'schema' has no field list: {text[:200]}")
        return None
    return schema


# --- datasets ---------------------------------------------------------------------------------

def written_layout(field):
    """(numpy dtype or "string", shape after the row axis) FORMAT.md gives a column, or None if it is not written."""
    metadata = key_values(field.get("metadata"))
    arrow_type = field["type"]
    if metadata.get("ARROW:extension:name") == TENSOR:
        element = written_layout(field["children"][0]) if field.get("children") else None
        if element is None or element[0] == "string":
            return None
        return element[0], tuple(json.loads(metadata.get("ARROW:extension:metadata", "{}")).get("shape", ()))
    name = arrow_type["name"]
    if name == "int":
        return np.dtype(f"<{'i' if arrow_type['isSigned'] else 'u'}{arrow_type['bitWidth'] // 8}"), ()
    if name == "floatingpoint":
        return np.dtype(FLOAT_DTYPES[arrow_type["precision"]]), ()
    if name in ("bool", "timestamp"):
        return np.dtype("u1" if name == "bool" else "<i8"), ()
    if name == "utf8":
        return "string", ()
    return None


def check_dataset(ds, field, findings):
    """The dataset's report entry and all its values."""
    where = ds.name
    attrs = read_attrs(ds, findings)
    pipeline = filter_pipeline(ds)
    entry = {
        "shape": list(ds.shape), "maxshape": list(ds.maxshape), "dtype": ds.dtype.str,
        "chunks": list(ds.chunks) if ds.chunks else None,
        "compression": ds.compression, "compression_opts": ds.compression_opts, "shuffle": ds.shuffle,
        "h5py_filters": sorted(ds._filters), "filters": pipeline, "attrs": attrs,
    }
    if ds.chunks is None:
        findings.problem(where, "not chunked; FORMAT.md (Storage): every dataset is chunked")
    if ds.chunks and any(m is not None and c > m for c, m in zip(ds.chunks, ds.maxshape)):
        findings.remark(where, f"chunks {ds.chunks} exceed the fixed maximum shape {ds.maxshape}: libhdf5 reads such "
                               f"a dataset but refuses to create one ('chunk size must be <= maximum dimension size "
                               f"for fixed-sized dimensions')")
    if None in ds.maxshape:
        findings.remark(where, f"maxshape {ds.maxshape}: libhdf5 indexes the chunks of an extendible dataset "
                               f"with an extensible array or B-tree, not the fixed array FORMAT.md names")
    check_filters(pipeline, where, findings)
    if field is None:
        findings.problem(where, "the group's schema has no column of this name")
    else:
        check_type_and_shape(ds, field, where, findings)
        check_field_metadata(attrs, field, where, findings)
    try:
        values = ds[...]
    except OSError as e:
        findings.problem(where, f"h5py cannot read its values: {e}")
        return entry, None
    entry["values"] = summarise(values)
    if values.dtype.kind == "S":
        check_string_size(values, where, findings)
    return entry, values


def check_string_size(values, where, findings):
    """FORMAT.md: size = longest value in bytes + 1 for the terminating null, at least 2."""
    size = max(2, max((len(v) for v in values), default=0) + 1)
    if values.dtype.itemsize != size:
        findings.problem(where, f"strings of {values.dtype.itemsize} bytes; the longest value needs {size} (FORMAT.md)")


def filter_pipeline(ds):
    """The dataset's filters in pipeline order: id, name and client values."""
    plist = ds.id.get_create_plist()
    pipeline = []
    for i in range(plist.get_nfilters()):
        code, _flags, client_values, name = plist.get_filter(i)
        pipeline.append({"id": code, "name": name.decode("utf-8", "replace"), "values": list(client_values)})
    return pipeline


def check_filters(pipeline, where, findings):
    ids = [f["id"] for f in pipeline]
    if ids not in ALLOWED_PIPELINES:
        findings.problem(where, f"filters {ids}; FORMAT.md allows none, deflate (1) or LZ4 ({LZ4}), "
                                f"each optionally after shuffle (2)")
    for f in pipeline:
        if f["id"] == DEFLATE and not (f["values"] and 0 <= f["values"][0] <= 9):
            findings.problem(where, f"deflate level {f['values']}, FORMAT.md says 0-9")
        if f["id"] == LZ4 and not h5py.h5z.filter_avail(LZ4):
            findings.problem(where, f"the LZ4 filter {LZ4} is not available to libhdf5: install Debian's "
                                    f"hdf5-filter-plugin or set HDF5_PLUGIN_PATH")


def check_type_and_shape(ds, field, where, findings):
    layout = written_layout(field)
    if layout is None:
        findings.problem(where, f"written, but FORMAT.md does not write columns of type {field['type']}")
        return
    dtype, tail = layout
    if dtype == "string":
        string = h5py.check_string_dtype(ds.dtype)
        if string is None or string.length is None or string.encoding != "utf-8":
            findings.problem(where, f"type {ds.dtype} {string}; FORMAT.md: utf8 is a fixed-length UTF-8 string")
        elif ds.id.get_type().get_strpad() != h5py.h5t.STR_NULLTERM:
            findings.problem(where, "strings not null-terminated (FORMAT.md)")
    elif ds.dtype != dtype:
        findings.problem(where, f"dtype {ds.dtype.str}, FORMAT.md says {dtype.str} for {field['type']}")
    if tuple(ds.shape[1:]) != tail:
        findings.problem(where, f"shape {list(ds.shape)}, FORMAT.md says [rows{''.join(f', {d}' for d in tail)}]")


def check_field_metadata(attrs, field, where, findings):
    """``units`` is the field's unit; every other field metadata key but Arrow's own is an attribute."""
    for key, text in key_values(field.get("metadata")).items():
        if key.startswith("ARROW:"):
            continue
        name, hdf5_type, expected = "units", "string", text
        if key != "unit":
            name = key
            try:
                hdf5_type, expected = "float64", float(text)
            except ValueError:
                pass
        actual = expect_attr(attrs, name, hdf5_type, where, findings)
        if actual is not None and actual != expected:
            findings.problem(f"{where}@{name}", f"{actual!r}, the field's metadata '{key}' is {text!r}")
    if "units" in attrs and "unit" not in key_values(field.get("metadata")):
        findings.problem(f"{where}@units", "present, but the field has no 'unit' metadata")


def summarise(values):
    """What the report says about all values of a dataset: count, range, ends, order and a digest."""
    summary = {"rows": int(values.shape[0]) if values.shape else 1,
               "sha256": hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()}
    if values.size == 0:
        return summary
    if values.dtype.kind in "iuf":
        summary.update(min=values.min().item(), max=values.max().item())
        if values.ndim == 1:
            summary.update(first=values[0].item(), last=values[-1].item())
            if values.dtype.kind in "iu":
                summary["strictly_increasing"] = bool(np.all(values[1:] > values[:-1]))
    elif values.dtype.kind == "S":
        summary.update(first=values[0].decode("utf-8", "replace"), last=values[-1].decode("utf-8", "replace"),
                       longest_bytes=max(len(v) for v in values))
    return summary


# --- against the CSV writer's files -----------------------------------------------------------

def csv_file(csv_dir, stream, findings):
    """The CSV writer's file of ``stream`` in ``csv_dir`` (one segment: exactly one)."""
    files = sorted(Path(csv_dir).glob(f"*_{stream}.csv"))
    if len(files) != 1:
        findings.problem(csv_dir, f"expected one CSV file of stream {stream}, found {[f.name for f in files]}")
        return None
    return files[0]


def compare_with_csv(where, group, fields, values, csv_dir, findings):
    """Rows and values of a group (its report so far, and all values) against the stream's CSV file,
    its metadata against the file's sidecar."""
    path = csv_file(csv_dir, group["stream"], findings)
    if path is None:
        return None
    with open(path, newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    result = {"file": str(path), "rows": len(rows), "columns": header, "mismatched_values": 0}
    h5_rows = next((len(v) for v in values.values() if v is not None), 0)
    if len(rows) != h5_rows:
        findings.problem(where, f"{h5_rows} rows, the CSV file {path.name} has {len(rows)}")
    for c, name in enumerate(header):
        if values.get(name) is None or name not in fields:
            findings.problem(where, f"no readable dataset for the CSV column '{name}'")
            continue
        result["mismatched_values"] += compare_column(values[name], fields[name], [r[c] for r in rows],
                                                      f"{where}/{name}", findings)

    sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    instrument_id = group["attrs"].get("instrument_id", {}).get("value")
    if instrument_id != sidecar["instrument_id"]:
        findings.problem(f"{where}@instrument_id", f"{instrument_id!r}, the CSV sidecar says '{sidecar['instrument_id']}'")
    compare_metadata(group["attrs"], sidecar["instrument_metadata"], GROUP_RESERVED, where, "instrument metadata",
                     findings)
    for column in sidecar["columns"]:
        ds = group["datasets"].get(column["name"])
        if ds is not None:
            column_metadata = {("units" if k == "unit" else k): v for k, v in column.items() if k not in ("name", "type")}
            compare_metadata(ds["attrs"], column_metadata, (), f"{where}/{column['name']}", "column's metadata",
                             findings)
    return result


def compare_column(stored, field, texts, where, findings):
    """How many values differ from the CSV text; floats compared bit for bit, NaN equal to NaN."""
    n = min(len(stored), len(texts))
    stored, texts = stored[:n], texts[:n]
    if stored.dtype.kind == "S":
        expected = np.array([t.encode("utf-8") for t in texts], dtype=object)
        differ = stored.astype(object) != expected
    elif field["type"]["name"] == "bool":
        differ = stored != np.array([t == "true" for t in texts], dtype=stored.dtype)
    elif stored.dtype.kind == "f":
        # Null is written as NaN (FORMAT.md) and as an empty field by the CSV writer.
        expected = np.array([float(t) if t else math.nan for t in texts], dtype=stored.dtype)
        bits = f"u{stored.dtype.itemsize}"
        differ = (stored.view(bits) != expected.view(bits)) & ~(np.isnan(stored) & np.isnan(expected))
    else:
        differ = stored != np.array([int(t) if t else 0 for t in texts], dtype=stored.dtype)
    wrong = np.flatnonzero(differ)
    if len(wrong):
        quoted = ", ".join(f"row {i}: {stored[i]!r} vs CSV {texts[i]!r}" for i in wrong[:EXAMPLES])
        findings.problem(where, f"{len(wrong)} of {n} values differ from the CSV file ({quoted})")
    return int(len(wrong))


def compare_run_metadata(report, csv_dir, findings):
    """The root attributes against the run in any stream's CSV sidecar (all sidecars carry the run)."""
    sidecars = [f.with_suffix(".json") for f in sorted(Path(csv_dir).glob("*.csv"))]
    if not sidecars:
        findings.problem(csv_dir, "no CSV file whose sidecar holds the run's metadata")
        return
    sidecar = json.loads(sidecars[0].read_text(encoding="utf-8"))
    run = sidecar["run"]
    compare_metadata(report["root"]["attrs"], {"run_uid": run["uid"], "run_name": run["name"],
                                                "segment": sidecar["segment"]}, (), "/", "run", findings)
    compare_metadata(report["root"]["attrs"], run["metadata"], ROOT_RESERVED, "/", "run metadata", findings)


# --- the simulated camera's frames ------------------------------------------------------------

def check_test_pattern(group, fields, values, findings):
    """Frames against CameraTestPattern: the frame of the row with frame_number n has n as a
    little-endian int64 in its first 8 bytes and pixel k = (n + k) mod 2^bits everywhere else."""
    frame_numbers = values.get("frame_number")
    if frame_numbers is None:
        findings.problem(group.name, "no frame_number dataset to check the frames against")
        return None
    result = {"frame_numbers_consecutive": bool(np.all(np.diff(frame_numbers) == 1))}
    for name, field in fields.items():
        frames = values.get(name)
        if key_values(field.get("metadata")).get("ARROW:extension:name") != TENSOR or frames is None:
            continue
        result[name] = check_frames(frames.reshape(len(frames), -1), frame_numbers, f"{group.name}/{name}", findings)
    return result


def check_frames(pixels, frame_numbers, where, findings):
    little_endian = pixels.dtype.newbyteorder("<")
    burnt_in_pixels = 8 // pixels.dtype.itemsize
    burnt_in = np.ascontiguousarray(pixels[:, :burnt_in_pixels], dtype=little_endian).view("<u8")[:, 0]
    wrong_numbers = np.flatnonzero(burnt_in != frame_numbers.astype("<u8"))
    if len(wrong_numbers):
        quoted = ", ".join(f"row {i}: {burnt_in[i]} vs frame_number {frame_numbers[i]}"
                           for i in wrong_numbers[:EXAMPLES])
        findings.problem(where, f"{len(wrong_numbers)} frames carry another frame number ({quoted})")
    mask = (1 << (8 * pixels.dtype.itemsize)) - 1
    k = np.arange(pixels.shape[1], dtype=np.uint64)
    off_pattern = [i for i, n in enumerate(frame_numbers.astype(np.uint64))
                   if not np.array_equal(pixels[i, burnt_in_pixels:], (n + k[burnt_in_pixels:]) & np.uint64(mask))]
    if off_pattern:
        findings.problem(where, f"{len(off_pattern)} frames depart from the test pattern, e.g. rows {off_pattern[:EXAMPLES]}")
    return {"frames": len(pixels), "pixels_per_frame": int(pixels.shape[1]),
            "frames_with_wrong_number": len(wrong_numbers), "frames_off_pattern": len(off_pattern),
            "first_frame_number": int(burnt_in[0]) if len(burnt_in) else None}


# --- h5dump -----------------------------------------------------------------------------------

OBJECT_LINE = re.compile(r'^\s*(GROUP|DATASET) "([^"]*)" \{$')
H5DUMP_FILTERS = re.compile(r"PREPROCESSING SHUFFLE|COMPRESSION DEFLATE|FILTER_ID (\d+)")


def check_with_h5dump(path, report, findings):
    """h5dump -H -p (libhdf5's own tool) sees the groups and datasets h5py saw, with the same type, dims,
    chunks and filters."""
    run = subprocess.run([H5DUMP, "-H", "-p", path], capture_output=True, text=True)
    result = {"exit_code": run.returncode, "groups": [], "datasets": {}}
    if run.returncode != 0:
        findings.problem(path, f"h5dump -H -p exits with {run.returncode}: {run.stderr.strip()[:500]}")
        return result
    groups, blocks = h5dump_objects(run.stdout)
    result["groups"] = sorted(groups)
    for name, group in report["groups"].items():
        if f"/{name}" not in groups:
            findings.problem(f"/{name}", "h5dump does not show this group")
        for ds_name, ds in group["datasets"].items():
            ds_path = f"/{name}/{ds_name}"
            if ds_path not in blocks:
                findings.problem(ds_path, "h5dump does not show this dataset")
                continue
            seen = h5dump_dataset(blocks[ds_path])
            result["datasets"][ds_path] = seen
            expected = {"datatype": h5dump_type(np.dtype(ds["dtype"])), "dims": ds["shape"], "chunks": ds["chunks"],
                        "filters": [f["id"] for f in ds["filters"]]}
            for key, value in expected.items():
                if seen[key] != value:
                    findings.problem(ds_path, f"h5dump shows {key} {seen[key]}, h5py {value}")
    return result


def h5dump_objects(text):
    """The group paths and, per dataset path, the lines of its block in h5dump's output."""
    groups, blocks, open_objects, depth = set(), {}, [], 0
    for line in text.splitlines():
        m = OBJECT_LINE.match(line)
        if m:
            parent = open_objects[-1][0] if open_objects else ""
            path = "/" if m[2] == "/" else f"{parent.rstrip('/')}/{m[2]}"
            open_objects.append((path, depth))
            if m[1] == "GROUP":
                groups.add(path)
            else:
                blocks[path] = []
        elif open_objects and open_objects[-1][0] in blocks:
            blocks[open_objects[-1][0]].append(line.strip())
        depth += line.count("{") - line.count("}")
        while open_objects and depth <= open_objects[-1][1]:
            open_objects.pop()
    return groups, blocks


def h5dump_dataset(lines):
    """Datatype, dims, chunks and filter ids from a dataset's block (its own header precedes its attributes)."""
    own = lines[:next((i for i, l in enumerate(lines) if l.startswith("ATTRIBUTE ")), len(lines))]
    text = "\n".join(own)
    datatype = re.search(r"^DATATYPE\s+(\S+)", text, re.M)
    dims = re.search(r"^DATASPACE\s+SIMPLE \{ \( ([\d, ]+) \)", text, re.M)
    chunks = re.search(r"^CHUNKED \( ([\d, ]+) \)", text, re.M)
    filters = [int(m[1]) if m[1] else (SHUFFLE if "SHUFFLE" in m[0] else DEFLATE)
               for m in H5DUMP_FILTERS.finditer(text)]
    return {"datatype": datatype[1] if datatype else None,
            "dims": [int(d) for d in dims[1].split(",")] if dims else None,
            "chunks": [int(d) for d in chunks[1].split(",")] if chunks else None,
            "filters": filters}


def h5dump_type(dtype):
    """h5dump's name of a numpy dtype (a fixed-length string is H5T_STRING)."""
    if dtype.kind == "S":
        return "H5T_STRING"
    family = {"i": "H5T_STD_I", "u": "H5T_STD_U", "f": "H5T_IEEE_F"}[dtype.kind]
    return f"{family}{8 * dtype.itemsize}{'BE' if dtype.byteorder == '>' else 'LE'}"


def jsonable(value):
    """``value`` with non-finite floats as strings, which strict JSON parsers (Jackson) refuse as numbers."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


if __name__ == "__main__":
    sys.exit(main())
