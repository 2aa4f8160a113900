"""Tests of check_h5 on files made here with h5py from FORMAT.md, together with CSV files and sidecars
shaped like the CSV writer's: a file that follows FORMAT.md passes, and each way of departing from
it, from the CSV files or from the camera's test pattern is reported. The checker against the real
writer runs in run/itest's Hdf5InteropIT, which also runs this file
(``python3 -m unittest discover -s run/itest/src/test/python``).
"""

import contextlib
import io
import json
import os
import tempfile
import unittest

import h5py
import numpy as np

import check_h5

T0 = 1_795_259_806_000_000_000
ROWS = 50
FRAME_SHAPE = (8, 16)
RUN = {"uid": "2b1f0c7e-4d0a-4c4e-9a57-1f6f3f0c2a11", "name": "itest", "metadata": {"mode": "timed", "duration_s": 10.0}}
INT64 = {"name": "int", "bitWidth": 64, "isSigned": True}
FLOAT64 = {"name": "floatingpoint", "precision": "DOUBLE"}
UTF8 = {"name": "utf8"}


def field(name, arrow_type, metadata=None, children=()):
    """A field as Arrow Java's Schema.toJson() writes it."""
    f = {"name": name, "nullable": False, "type": arrow_type, "children": list(children)}
    if metadata:
        f["metadata"] = [{"value": v, "key": k} for k, v in metadata.items()]
    return f


def stream(instrument_metadata, fields, values):
    """A stream: its instrument metadata, its schema's fields and each column's values."""
    return {"instrument_metadata": instrument_metadata, "fields": fields, "values": values}


def simulated_run():
    """Three streams like the simulated instruments' (smaller), one row per 100 ms."""
    rng = np.random.default_rng(7)
    timestamps = T0 + np.arange(ROWS, dtype="<i8") * 100_000_000
    frame_numbers = np.arange(5, 5 + ROWS, dtype="<i8")
    k = np.arange(FRAME_SHAPE[0] * FRAME_SHAPE[1], dtype=np.uint64)
    frames = ((frame_numbers.astype(np.uint64)[:, None] + k) & np.uint64(0xFFFF)).astype("<u2")
    frames[:, :4] = frame_numbers.astype("<u8").view("<u2").reshape(ROWS, 4)  # burnt-in frame number
    tensor = field("frame", {"name": "fixedsizelist", "listSize": FRAME_SHAPE[0] * FRAME_SHAPE[1]},
                   {"ARROW:extension:name": "arrow.fixed_shape_tensor",
                    "ARROW:extension:metadata": json.dumps({"shape": list(FRAME_SHAPE)})},
                   [field("item", {"name": "int", "bitWidth": 16, "isSigned": False})])
    return {
        "power_meter_01": stream(
            {"kind": "power meter", "wavelength_nm": 1064.0},
            [field("timestamp_ns", INT64), field("power", FLOAT64, {"unit": "W"}), field("channel", UTF8)],
            {"timestamp_ns": timestamps, "power": rng.normal(1e-3, 1e-5, ROWS),
             "channel": np.array([f"ch{i % 3}é".encode() for i in range(ROWS)], dtype="S6")}),
        "adc0": stream(
            {"kind": "ADC", "channels": 2, "range_v": 10.0},
            [field("timestamp_ns", INT64)]
            + [field(f"ch{c}", FLOAT64, {"range_min": "-10.0", "unit": "V", "range_max": "10.0"}) for c in range(2)],
            {"timestamp_ns": timestamps, "ch0": rng.normal(0, 5, ROWS), "ch1": rng.normal(0, 5, ROWS)}),
        "camera0": stream(
            {"kind": "camera", "bit_depth": 16, "fps": 10.0},
            [field("timestamp_ns", INT64), field("frame_number", INT64), tensor],
            {"timestamp_ns": timestamps, "frame_number": frame_numbers, "frame": frames.reshape(ROWS, *FRAME_SHAPE)}),
    }


def write_h5(path, streams, **storage):
    """The run's file as FORMAT.md lays it out; ``storage`` are h5py's chunk and filter arguments."""
    with h5py.File(path, "w", libver=("v110", "latest")) as f:
        put_text(f, "created_at", "2026-11-21T11:40:00.123Z")
        f.attrs["created_timestamp_ns"] = np.uint64(1_795_261_200_123_456_789)
        put_text(f, "application", "daqlab 0.1.0")
        put_text(f, "run_uid", RUN["uid"])
        put_text(f, "run_name", RUN["name"])
        f.attrs["segment"] = np.int64(1)
        put_metadata(f, RUN["metadata"])
        for name, s in streams.items():
            group = f.create_group(name)
            put_text(group, "stream", name)
            put_text(group, "instrument_id", name)
            put_text(group, "created_at", "2026-11-21T11:40:00.200Z")
            put_metadata(group, s["instrument_metadata"])
            schema = json.dumps({"fields": s["fields"], "metadata": [{"value": name, "key": "stream"},
                                                                     {"value": name, "key": "instrument_id"}]})
            for fld in s["fields"]:
                values = s["values"][fld["name"]]
                chunks = (16 if values.ndim == 1 else 1,) + values.shape[1:]
                if values.dtype.kind == "S":
                    ds = group.create_dataset(fld["name"], shape=values.shape, dtype=text_type(values.dtype.itemsize),
                                              chunks=chunks, **storage)
                    ds.id.write(h5py.h5s.ALL, h5py.h5s.ALL, values, mtype=ds.id.get_type())
                else:
                    ds = group.create_dataset(fld["name"], data=values, chunks=chunks, **storage)
                put_text(ds, "schema", schema)
                for key, value in check_h5.key_values(fld.get("metadata")).items():
                    if key == "unit":
                        put_text(ds, "units", value)
                    elif not key.startswith("ARROW:"):
                        ds.attrs[key] = float(value)


def text_type(size):
    """FORMAT.md's strings: fixed-length UTF-8, null-terminated."""
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    tid.set_cset(h5py.h5t.CSET_UTF8)
    return h5py.Datatype(tid)


def put_text(obj, name, text):
    encoded = text.encode("utf-8")
    obj.attrs.create(name, np.array(encoded), dtype=text_type(len(encoded) + 1))


def put_metadata(obj, metadata):
    """Metadata attributes with FORMAT.md's types: Long → int64, Double → float64, String → string."""
    for key, value in metadata.items():
        if isinstance(value, str):
            put_text(obj, key, value)
        else:
            obj.attrs[key] = np.int64(value) if isinstance(value, int) else value


def write_csv(directory, streams):
    """The CSV writer's files: one per stream (frames left out) with its JSON sidecar."""
    for name, s in streams.items():
        columns = [fld for fld in s["fields"] if fld["name"] in s["values"] and s["values"][fld["name"]].ndim == 1]
        base = os.path.join(directory, f"itest_2026-11-21_11-40-00_v1_{name}")
        with open(base + ".csv", "w", newline="", encoding="utf-8") as out:
            out.write(",".join(c["name"] for c in columns) + "\r\n")
            for row in range(ROWS):
                out.write(",".join(csv_text(s["values"][c["name"]][row]) for c in columns) + "\r\n")
        sidecar_columns = []
        for c in columns:
            entry = {"name": c["name"], "type": str(c["type"])}
            for key, value in check_h5.key_values(c.get("metadata")).items():
                entry[key] = value if key == "unit" else float(value)
            sidecar_columns.append(entry)
        with open(base + ".json", "w", encoding="utf-8") as out:
            json.dump({"stream": name, "segment": 1, "run": RUN, "instrument_id": name,
                       "instrument_metadata": s["instrument_metadata"], "columns": sidecar_columns}, out)


def csv_text(value):
    """As the CSV writer formats it: integers in decimal, doubles shortest round-trip, text as is."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return repr(float(value)) if isinstance(value, np.floating) else str(int(value))


class CheckH5Test(unittest.TestCase):

    def setUp(self):
        self.directory = tempfile.mkdtemp()
        self.h5 = os.path.join(self.directory, "itest_2026-11-21_11-40-00_v1.h5")
        self.streams = simulated_run()

    def check(self, change=None, **storage):
        """Writes the run (``change`` alters the .h5 afterwards) and runs the checker as a program."""
        write_h5(self.h5, self.streams, **storage)
        write_csv(self.directory, self.streams)
        if change:
            with h5py.File(self.h5, "r+") as f:
                change(f)
        report_path = os.path.join(self.directory, "report.json")
        with contextlib.redirect_stderr(io.StringIO()):
            status = check_h5.main([self.h5, "--csv-dir", self.directory, "--test-pattern", "camera0",
                                    "--report", report_path])
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        self.assertEqual(1 if report["problems"] else 0, status)
        return report

    def assertProblem(self, report, *fragments):
        """One problem contains every fragment."""
        self.assertTrue(any(all(x in p for x in fragments) for p in report["problems"]),
                        f"no problem mentions {fragments}: {report['problems']}")

    def test_a_file_laid_out_as_format_md_says_holds_the_csv_files_values(self):
        report = self.check()
        self.assertEqual([], report["problems"])
        self.assertEqual({"power_meter_01", "adc0", "camera0"}, set(report["groups"]))
        for name, group in report["groups"].items():
            self.assertEqual(ROWS, group["rows"], name)
            self.assertEqual(ROWS, group["csv"]["rows"], name)
            self.assertEqual(0, group["csv"]["mismatched_values"], name)
        frame = report["groups"]["camera0"]["datasets"]["frame"]
        self.assertEqual([ROWS, *FRAME_SHAPE], frame["shape"])
        self.assertEqual([1, *FRAME_SHAPE], frame["chunks"])
        self.assertEqual("<u2", frame["dtype"])
        pattern = report["groups"]["camera0"]["test_pattern"]
        self.assertTrue(pattern["frame_numbers_consecutive"])
        self.assertEqual({"frames": ROWS, "pixels_per_frame": 128, "frames_with_wrong_number": 0,
                          "frames_off_pattern": 0, "first_frame_number": 5}, pattern["frame"])
        self.assertEqual({"type": "uint64", "value": 1_795_261_200_123_456_789},
                         report["root"]["attrs"]["created_timestamp_ns"])
        self.assertEqual({"type": "string", "value": "V", "encoding": "utf-8", "storage": "fixed 2"},
                         report["groups"]["adc0"]["datasets"]["ch1"]["attrs"]["units"])
        self.assertEqual(0, report["h5dump"]["exit_code"])
        self.assertEqual({"datatype": "H5T_STD_U16LE", "dims": [ROWS, *FRAME_SHAPE], "chunks": [1, *FRAME_SHAPE],
                          "filters": []}, report["h5dump"]["datasets"]["/camera0/frame"])
        self.assertEqual("H5T_STRING", report["h5dump"]["datasets"]["/power_meter_01/channel"]["datatype"])

    def test_shuffle_and_lz4_are_read_through_debians_filter_plugin(self):
        report = self.check(compression=check_h5.LZ4, shuffle=True)
        self.assertEqual([], report["problems"])
        ch0 = report["groups"]["adc0"]["datasets"]["ch0"]
        self.assertEqual([check_h5.SHUFFLE, check_h5.LZ4], [f["id"] for f in ch0["filters"]])
        self.assertIn("32004", ch0["h5py_filters"])
        self.assertTrue(ch0["shuffle"])
        self.assertEqual([check_h5.SHUFFLE, check_h5.LZ4], report["h5dump"]["datasets"]["/adc0/ch0"]["filters"])

    def test_shuffle_and_deflate(self):
        report = self.check(compression="gzip", compression_opts=6, shuffle=True)
        self.assertEqual([], report["problems"])
        frame = report["groups"]["camera0"]["datasets"]["frame"]
        self.assertEqual(("gzip", 6, True), (frame["compression"], frame["compression_opts"], frame["shuffle"]))
        self.assertEqual([check_h5.SHUFFLE, check_h5.DEFLATE], report["h5dump"]["datasets"]["/camera0/frame"]["filters"])

    def test_a_double_one_ulp_off_the_csv_text(self):
        def nudge(f):
            ch1 = f["adc0/ch1"]
            ch1[7] = np.nextafter(ch1[7], np.inf)
        report = self.check(nudge)
        self.assertProblem(report, "/adc0/ch1", "1 of 50 values differ from the CSV file", "row 7")
        self.assertEqual(1, report["groups"]["adc0"]["csv"]["mismatched_values"])

    def test_a_timestamp_off_by_one_nanosecond(self):
        def shift(f):
            f["power_meter_01/timestamp_ns"][0] += 1
        self.assertProblem(self.check(shift), "/power_meter_01/timestamp_ns", "1 of 50 values differ")

    def test_a_string_that_differs(self):
        def rename(f):
            f["power_meter_01/channel"][2] = b"ch9"
        self.assertProblem(self.check(rename), "/power_meter_01/channel", "row 2")

    def test_strings_stored_otherwise_than_format_md_says(self):
        def spoil(f):
            f.attrs["run_name"] = RUN["name"]  # h5py's default for str: variable length
            recreate(f, "power_meter_01/channel", f["power_meter_01/channel"][...].astype("S7"), chunks=(16,))
        report = self.check(spoil)
        self.assertProblem(report, "/@run_name", "variable-length utf-8 string", "fixed-length UTF-8")
        self.assertProblem(report, "/power_meter_01/channel", "fixed-length UTF-8 string")
        self.assertProblem(report, "/power_meter_01/channel", "strings of 7 bytes; the longest value needs 6")

    def test_a_dataset_shorter_than_the_others_of_its_group(self):
        report = self.check(lambda f: recreate(f, "adc0/ch0", f["adc0/ch0"][:-1], chunks=(16,)))
        self.assertProblem(report, "/adc0", "datasets differ in length")

    def test_a_contiguous_dataset(self):
        self.assertProblem(self.check(lambda f: recreate(f, "adc0/ch0", f["adc0/ch0"][...])),
                           "/adc0/ch0", "not chunked")

    def test_wrong_units_and_ranges(self):
        def mislabel(f):
            f["adc0/ch0"].attrs["units"] = "mV"
            f["adc0/ch1"].attrs["range_max"] = "10.0"
        report = self.check(mislabel)
        self.assertProblem(report, "/adc0/ch0@units", "'mV'", "'unit' is 'V'")
        self.assertProblem(report, "/adc0/ch1@range_max", "type string, FORMAT.md says float64")

    def test_root_attributes_of_the_wrong_type_or_form(self):
        def spoil(f):
            f.attrs["created_timestamp_ns"] = np.int64(1_795_261_200_123_456_789)
            f.attrs["created_at"] = "2026-11-21 11:40:00"
            f.attrs["application"] = "jhdf"
            del f.attrs["segment"]
        report = self.check(spoil)
        self.assertProblem(report, "/@created_timestamp_ns", "type int64, FORMAT.md says uint64")
        self.assertProblem(report, "/@created_at", "not ISO 8601 UTC")
        self.assertProblem(report, "/@application", "'jhdf'")
        self.assertProblem(report, "/: attribute 'segment' is missing")

    def test_created_timestamp_ns_not_the_instant_of_created_at(self):
        def later(f):
            f.attrs["created_timestamp_ns"] = np.uint64(1_795_261_200_124_000_000)
        self.assertProblem(self.check(later), "/@created_timestamp_ns", "is not the instant of created_at")

    def test_metadata_that_differs_from_the_sidecars(self):
        def spoil(f):
            f.attrs["duration_s"] = 9.5
            f["camera0"].attrs["fps"] = np.int64(10)
            del f["adc0"].attrs["range_v"]
        report = self.check(spoil)
        self.assertProblem(report, "/@duration_s", "9.5", "run metadata")
        self.assertProblem(report, "/camera0@fps", "type int64, FORMAT.md says float64")
        self.assertProblem(report, "/adc0: attribute 'range_v' is missing")

    def test_frames_with_another_frame_number_or_off_the_test_pattern(self):
        def spoil(f):
            frame = f["camera0/frame"]
            frame[3, 0, 0] = 0  # low 16 bits of the burnt-in frame number 8
            frame[9, 7, 15] ^= 1  # the last pixel
        pattern = self.check(spoil)
        self.assertProblem(pattern, "/camera0/frame", "1 frames carry another frame number", "row 3: 0 vs frame_number 8")
        self.assertProblem(pattern, "/camera0/frame", "1 frames depart from the test pattern", "[9]")

    def test_a_schema_that_differs_between_datasets_and_a_column_without_dataset(self):
        def spoil(f):
            f["power_meter_01/power"].attrs["schema"] = "{}"
            del f["adc0/ch1"]
        report = self.check(spoil)
        self.assertProblem(report, "/power_meter_01", "'schema' differs between datasets")
        self.assertProblem(report, "/adc0", "no dataset for the schema's column 'ch1'")

    def test_a_file_h5py_cannot_open(self):
        path = os.path.join(self.directory, "not.h5")
        with open(path, "wb") as f:
            f.write(b"not HDF5")
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(2, check_h5.main([path]))
        self.assertIn("h5py cannot open it", err.getvalue())


def recreate(f, path, values, **storage):
    """Replaces a dataset by one with ``values`` and ``storage``, keeping its attributes."""
    attrs = dict(f[path].attrs)
    del f[path]
    ds = f.create_dataset(path, data=values, **storage)
    for key, value in attrs.items():
        ds.attrs[key] = value


if __name__ == "__main__":
    unittest.main()
