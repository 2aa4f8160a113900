// Reads Arrow IPC files (stream or file format) with the apache-arrow npm package, an Arrow
// implementation independent of the writer's Arrow Java, and prints what it found as JSON, so that
// a Java test can compare it with what was written:
//
//   node read-arrow.mjs OUT_JSON FILE...
//
// OUT_JSON gets {"files": [...]}, one entry per FILE: "format" ("stream" or "file" as the reader
// recognised it), "schema_metadata", "footer_metadata" (the file format's custom footer metadata,
// else null), "fields" (name, type as apache-arrow prints it, nullable, metadata, children), and
// "batches", each with "rows" and "columns" (name -> one value per row). Values are strings so that
// nothing is rounded on the way: integers in decimal (timestamps from their raw int64, which
// apache-arrow's getter rounds to milliseconds), floats in JavaScript's shortest round-trip form,
// booleans as true/false, null as null; a fixed-size list (a frame) as {length, sum, weighted, first,
// last}, weighted being the sum of (i + 1) * value[i], so that moved pixels show. If reading a file
// fails, its entry keeps the batches read before and "error" has the message.
//
// Body compression: apache-arrow decodes compressed bodies with the codecs registered in its
// compressionRegistry; ZSTD with fzstd and LZ4_FRAME with lz4js (the decoder apache-arrow's own
// tests use). apache-arrow 21 lays its typed arrays (BigInt64Array, Float64Array) directly over what
// a decoder returns, so that must start at a multiple of 8 bytes: fzstd may return a view into a
// larger buffer at any offset, which is copied then. For the same reason each file is read into a
// buffer of its own (Node's readFileSync may hand out a slice of a shared pool).
import { readFileSync, writeFileSync } from 'node:fs';
import { CompressionType, RecordBatchReader, Type, compressionRegistry } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import lz4 from 'lz4js';

const aligned = (bytes) => (bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => aligned(zstdDecompress(data)) });
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => aligned(lz4.decompress(data)) });

const [outFile, ...files] = process.argv.slice(2);
if (!outFile || files.length === 0) {
  console.error('usage: node read-arrow.mjs OUT_JSON FILE...');
  process.exit(2);
}

function metadataObject(map) {
  return map ? Object.fromEntries(map) : {};
}

function describeField(field) {
  return {
    name: field.name,
    type: String(field.type),
    nullable: field.nullable,
    metadata: metadataObject(field.metadata),
    children: (field.type.children || []).map(describeField),
  };
}

// The footer's custom metadata: apache-arrow parses the footer but does not surface this part, so
// it is read from the footer's flatbuffer, which the reader keeps (an internal of 21.1.0).
function footerMetadata(reader) {
  const footer = reader.footer;
  if (!footer || !footer._footer) return null;
  const fb = footer._footer;
  const out = {};
  for (let i = 0; i < fb.customMetadataLength(); i++) {
    const kv = fb.customMetadata(i);
    out[kv.key()] = kv.value();
  }
  return out;
}

function cell(vector, type, row) {
  if (!vector.isValid(row)) return null;
  if (type.typeId === Type.Timestamp) {
    const data = vector.data[0];
    return data.values[data.offset + row].toString();
  }
  const value = vector.get(row);
  if (type.typeId === Type.FixedSizeList) {
    const elements = value.toArray();
    let sum = 0n;
    let weighted = 0n;
    for (let i = 0; i < elements.length; i++) {
      const v = BigInt(elements[i]);
      sum += v;
      weighted += BigInt(i + 1) * v;
    }
    return {
      length: elements.length,
      sum: sum.toString(),
      weighted: weighted.toString(),
      first: String(elements[0]),
      last: String(elements[elements.length - 1]),
    };
  }
  return String(value);
}

function readFile(path) {
  const entry = { path, format: null, schema_metadata: null, footer_metadata: null, fields: null, batches: [], error: null };
  try {
    const reader = RecordBatchReader.from(new Uint8Array(readFileSync(path)));
    reader.open();
    entry.format = reader.isFile() ? 'file' : 'stream';
    entry.schema_metadata = metadataObject(reader.schema.metadata);
    entry.footer_metadata = reader.isFile() ? footerMetadata(reader) : null;
    entry.fields = reader.schema.fields.map(describeField);
    for (const batch of reader) {
      const columns = {};
      batch.schema.fields.forEach((field, c) => {
        const vector = batch.getChildAt(c);
        const values = new Array(batch.numRows);
        for (let row = 0; row < batch.numRows; row++) {
          values[row] = cell(vector, field.type, row);
        }
        columns[field.name] = values;
      });
      entry.batches.push({ rows: batch.numRows, columns });
    }
  } catch (e) {
    entry.error = String(e && e.stack ? e.stack : e);
  }
  return entry;
}

writeFileSync(outFile, JSON.stringify({ files: files.map(readFile) }));
