// Counts the rows per stream of the Soak's Arrow IPC, Parquet and Zarr files with readers independent of
// the writers (apache-arrow, DuckDB, zarrita), without holding a file's values in memory: Arrow record
// batches are read one at a time and only their lengths kept; Parquet rows come from DuckDB's count(*);
// a Zarr store's rows are the length of each stream group's timestamp_ns array.
//
//   node soak_count.mjs OUT_JSON STREAMS FILE...
//
// STREAMS is a comma-separated list of the streams a Zarr store may hold. OUT_JSON gets
// {"files": [{"file", "streams": {stream: rows}} or {"file", "error"}]}; a .arrows/.arrow/.parquet
// file holds one stream, whose name the caller knows from the file name, reported under "".
import { createReadStream, writeFileSync } from 'node:fs';
import { CompressionType, RecordBatchReader, compressionRegistry } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import lz4 from 'lz4js';
import { DuckDBInstance } from '@duckdb/node-api';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';

// apache-arrow lays typed arrays over the decoded bytes, which must start at a multiple of 8 (as in
// the Arrow writer's read-arrow.mjs)
const aligned = (bytes) => (bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => aligned(zstdDecompress(data)) });
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => aligned(lz4.decompress(data)) });

const [outFile, streamList, ...files] = process.argv.slice(2);
if (!outFile || streamList === undefined) {
  console.error('usage: node soak_count.mjs OUT_JSON STREAMS FILE...');
  process.exit(2);
}
const streams = streamList.split(',').filter((s) => s.length > 0);
let duckdb;

async function arrowRows(file) {
  let rows = 0;
  for await (const reader of RecordBatchReader.readAll(createReadStream(file))) {
    for await (const batch of reader) rows += batch.numRows;
  }
  return { '': rows };
}

async function parquetRows(file) {
  duckdb ??= await (await DuckDBInstance.create(':memory:')).connect();
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const row = (await duckdb.runAndReadAll(`SELECT count(*)::VARCHAR AS rows FROM read_parquet(${quoted})`)).getRowObjectsJS()[0];
  return { '': Number(row.rows) };
}

async function zarrRows(store) {
  const root = zarr.root(new FileSystemStore(store));
  const out = {};
  for (const stream of streams) {
    try {
      const array = await zarr.open(root.resolve(`${stream}/timestamp_ns`), { kind: 'array' });
      out[stream] = array.shape[0];
    } catch (e) {
      if (!/not found|NodeNotFound|ENOENT/i.test(String(e))) throw e; // a stream absent from this store
    }
  }
  return out;
}

const results = [];
for (const file of files) {
  try {
    const counted = file.endsWith('.parquet') ? await parquetRows(file)
      : file.endsWith('.zarr') ? await zarrRows(file)
        : await arrowRows(file);
    results.push({ file, streams: counted });
  } catch (e) {
    results.push({ file, error: String(e && e.stack ? e.stack.split('\n')[0] : e) });
  }
}
writeFileSync(outFile, JSON.stringify({ files: results }));
