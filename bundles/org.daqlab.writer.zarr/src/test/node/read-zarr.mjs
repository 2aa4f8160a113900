// Reads Zarr v3 stores with zarrita and writes what it found as JSON, for the Java tests to compare
// with what was published.
//
// usage: node read-zarr.mjs OUT.json STORE...
//
// Per store: the root group's attributes and, per group (the root's subdirectories with a group
// zarr.json), its attributes and per array: shape, data type, dimension names, chunk shape (inner
// chunks when sharded), codec names, fill value, attributes, and the values (scalars: each as text;
// frames: a summary per row, see frameSummary) or the error zarrita raised. Where the codecs include
// crc32c, every chunk (and shard index) checksum is checked with the crc-32 package.
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import CRC32C from "crc-32/crc32c.js";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const [out, ...stores] = process.argv.slice(2);

function text(value) {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}

/** Pixel count, sum, sum of (i + 1) * pixel, first and last pixel: enough to tell frames apart. */
function frameSummary(data, offset, length) {
  let sum = 0n;
  let weighted = 0n;
  for (let i = 0; i < length; i++) {
    const v = BigInt(data[offset + i]);
    sum += v;
    weighted += BigInt(i + 1) * v;
  }
  return { length, sum: sum.toString(), weighted: weighted.toString(), first: text(data[offset]),
           last: text(data[offset + length - 1]) };
}

async function groupNames(root) {
  const names = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      const meta = JSON.parse(await readFile(path.join(root, entry.name, "zarr.json"), "utf8"));
      if (meta.node_type === "group") names.push(entry.name);
    } catch {
      // not a node
    }
  }
  return names.sort();
}

async function arrayNames(dir) {
  const names = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      const meta = JSON.parse(await readFile(path.join(dir, entry.name, "zarr.json"), "utf8"));
      if (meta.node_type === "array") names.push(entry.name);
    } catch {
      // not a node
    }
  }
  return names.sort();
}

function crcOk(bytes) {
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = Buffer.from(bytes.subarray(bytes.length - 4)).readUInt32LE(0);
  return (CRC32C.buf(body) >>> 0) === stored;
}

/** Checks the CRC-32C of every chunk within the shape (and of every shard index). */
async function checksums(dir, meta) {
  const result = { checked: 0, bad: [] };
  const sharding = meta.codecs.find((c) => c.name === "sharding_indexed");
  const inner = sharding ? sharding.configuration.codecs : meta.codecs;
  const chunkCrc = inner.some((c) => c.name === "crc32c");
  const indexCrc = sharding && sharding.configuration.index_codecs.some((c) => c.name === "crc32c");
  if (!chunkCrc && !indexCrc) return null;
  const fileRows = meta.chunk_grid.configuration.chunk_shape[0];
  const files = Math.ceil(meta.shape[0] / fileRows);
  const sep = meta.chunk_key_encoding.configuration.separator;
  for (let i = 0; i < files; i++) {
    const key = ["c", i, ...meta.shape.slice(1).map(() => 0)].join(sep);
    const bytes = new Uint8Array(await readFile(path.join(dir, key)));
    if (!sharding) {
      result.checked++;
      if (!crcOk(bytes)) result.bad.push(key);
      continue;
    }
    const n = fileRows / sharding.configuration.chunk_shape[0];
    const indexLength = 16 * n + (indexCrc ? 4 : 0);
    const index = bytes.subarray(bytes.length - indexLength);
    if (indexCrc) {
      result.checked++;
      if (!crcOk(index)) result.bad.push(key + " index");
    }
    const view = Buffer.from(index);
    for (let c = 0; c < n; c++) {
      const offset = view.readBigUInt64LE(16 * c);
      const length = view.readBigUInt64LE(16 * c + 8);
      if (offset === 0xffffffffffffffffn) continue;
      if (chunkCrc) {
        result.checked++;
        if (!crcOk(bytes.subarray(Number(offset), Number(offset + length)))) result.bad.push(key + " chunk " + c);
      }
    }
  }
  return result;
}

async function readArray(store, root, group, name) {
  const dir = path.join(root, group, name);
  const meta = JSON.parse(await readFile(path.join(dir, "zarr.json"), "utf8"));
  const entry = { shape: null, dtype: null, dimension_names: null, chunks: null, codecs: null, fill_value: null,
                  attributes: null, values: null, frames: null, checksums: null, error: null };
  try {
    const array = await zarr.open.v3(zarr.root(store).resolve(`${group}/${name}`), { kind: "array" });
    entry.shape = array.shape;
    entry.dtype = array.dtype;
    entry.dimension_names = array.dimensionNames ?? null;
    entry.chunks = array.chunks;
    entry.codecs = meta.codecs.map((c) => c.name === "sharding_indexed"
        ? "sharding_indexed[" + c.configuration.codecs.map((i) => i.name).join(",") + "|"
          + c.configuration.index_codecs.map((i) => i.name).join(",") + "]"
        : c.name);
    entry.fill_value = text(array.fillValue);
    entry.attributes = array.attrs;
    entry.checksums = await checksums(dir, meta);
    const { data, shape } = await zarr.get(array);
    if (shape.length === 1) {
      entry.values = [];
      for (let i = 0; i < shape[0]; i++) entry.values.push(text(data instanceof zarr.BoolArray ? data.get(i) : data[i]));
    } else {
      const length = shape.slice(1).reduce((a, b) => a * b, 1);
      entry.frames = [];
      for (let i = 0; i < shape[0]; i++) entry.frames.push(frameSummary(data, i * length, length));
    }
  } catch (e) {
    entry.error = String(e && e.stack ? e.stack : e);
  }
  return entry;
}

const result = { float16: typeof globalThis.Float16Array !== "undefined", stores: [] };
for (const root of stores) {
  const entry = { path: root, error: null, attributes: null, groups: {} };
  try {
    const store = new FileSystemStore(root);
    const rootGroup = await zarr.open.v3(zarr.root(store), { kind: "group" });
    entry.attributes = rootGroup.attrs;
    for (const g of await groupNames(root)) {
      const group = await zarr.open.v3(zarr.root(store).resolve(g), { kind: "group" });
      const arrays = {};
      for (const a of await arrayNames(path.join(root, g))) arrays[a] = await readArray(store, root, g, a);
      entry.groups[g] = { attributes: group.attrs, arrays };
    }
  } catch (e) {
    entry.error = String(e && e.stack ? e.stack : e);
  }
  result.stores.push(entry);
}
await writeFile(out, JSON.stringify(result));
