// Checks that a Zarr store (v3 or v2) holds a workload of ZarrWriteBench, with zarrita: every column
// of the manifest is an array <stream>/<column> with the exported values (the raw little-endian
// column files), shape, data type and chunk shape; read in slices of whole chunks so that the
// frames never sit in memory at once. Prints one line per array; exits 1 at the first difference.
// usage: node check_zarr.mjs MANIFEST.json STORE
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { open, readFile } from "node:fs/promises";
import path from "node:path";

const [manifestPath, storePath] = process.argv.slice(2);
const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
const base = path.dirname(path.resolve(manifestPath));
const store = new FileSystemStore(storePath);
const dtypes = { "<u2": "uint16", "<i8": "int64", "<f8": "float64" };

function fail(message) {
  console.error(`${storePath}: ${message}`);
  process.exit(1);
}

for (const column of manifest.columns) {
  const array = await zarr.open(zarr.root(store).resolve(`${manifest.stream}/${column.name}`), { kind: "array" });
  const rowShape = column.shape;
  const expectedShape = [manifest.rows, ...rowShape];
  if (JSON.stringify(array.shape) !== JSON.stringify(expectedShape)) fail(`${column.name} has shape ${array.shape}, not ${expectedShape}`);
  if (array.dtype !== dtypes[column.dtype]) fail(`${column.name} is ${array.dtype}, not ${dtypes[column.dtype]}`);
  if (array.chunks[0] !== column.chunk_rows) fail(`${column.name} has chunks ${array.chunks}, not ${column.chunk_rows} rows`);
  const rowBytes = rowShape.reduce((a, b) => a * b, 1) * Number(column.dtype.slice(2));
  const file = await open(path.join(base, column.file), "r");
  const step = Math.max(column.chunk_rows, Math.floor((64 << 20) / rowBytes / column.chunk_rows) * column.chunk_rows);
  for (let first = 0; first < manifest.rows; first += step) {
    const last = Math.min(manifest.rows, first + step);
    const { data } = await zarr.get(array, [zarr.slice(first, last), ...rowShape.map(() => null)]);
    const expected = Buffer.alloc((last - first) * rowBytes);
    await file.read(expected, 0, expected.length, first * rowBytes);
    if (!Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(expected)) {
      fail(`${column.name} holds other values than exported in rows ${first}…${last - 1}`);
    }
  }
  await file.close();
  console.log(`  ${column.name}: ${array.dtype} [${array.shape}] chunks [${array.chunks}]: same values`);
}
