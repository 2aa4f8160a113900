// Decodes a dump of clients/python/daqlab_ring.py with the apache-arrow npm package, an Arrow
// implementation independent of the platform's Arrow Java, as LAYOUT.md §4 says any Arrow library
// can: a DESCRIPTOR payload, the BATCH payloads of that stream and the end-of-stream marker form an
// Arrow IPC stream.
//
//   node decode-ring-dump.mjs DUMP_DIR OUT_JSON
//
// OUT_JSON gets {"streams": [...], "batches_without_schema": n}: one entry per descriptor that
// decodes batches, with the stream's name and metadata, its fields, the ring index and row count of
// each batch, and every row. Values are strings so that nothing is rounded on the way: int64 in
// decimal, float64 in JavaScript's shortest round-trip form; a tensor (frame) cell is summarised as
// {length, bits, first_u64, last}: element count, bits per element, its first 8 bytes read as a
// little-endian uint64, and its last element.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';

const [dumpDir, outFile] = process.argv.slice(2);
if (!dumpDir || !outFile) {
  console.error('usage: node decode-ring-dump.mjs DUMP_DIR OUT_JSON');
  process.exit(2);
}

const END_OF_STREAM = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);

const records = readFileSync(join(dumpDir, 'records.jsonl'), 'utf8')
  .split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));

// Batches grouped by the descriptor that decodes them, in ring order.
const groups = new Map();
let batchesWithoutSchema = 0;
for (const record of records) {
  if (record.type !== 'BATCH') continue;
  if (record.descriptor_file === null) {
    batchesWithoutSchema++;
    continue;
  }
  if (!groups.has(record.descriptor_file)) {
    groups.set(record.descriptor_file, { streamId: record.stream_id, batches: [] });
  }
  groups.get(record.descriptor_file).batches.push(record);
}

function cell(vector, row) {
  const value = vector.get(row);
  if (value === null) return null;
  if (typeof value === 'object' && typeof value.toArray === 'function') {
    const elements = value.toArray();
    const bytes = new DataView(elements.buffer, elements.byteOffset, elements.byteLength);
    return {
      length: elements.length,
      bits: elements.BYTES_PER_ELEMENT * 8,
      first_u64: bytes.byteLength >= 8 ? bytes.getBigUint64(0, true).toString() : null,
      last: String(elements[elements.length - 1]),
    };
  }
  return String(value);
}

const streams = [];
for (const [descriptorFile, group] of groups) {
  const parts = [readFileSync(join(dumpDir, descriptorFile))];
  for (const batch of group.batches) parts.push(readFileSync(join(dumpDir, batch.payload_file)));
  parts.push(END_OF_STREAM);
  let table;
  try {
    table = tableFromIPC(Buffer.concat(parts));
  } catch (e) {
    throw new Error(`stream id ${group.streamId}: descriptor ${descriptorFile} and ${group.batches.length} batches `
      + `(ring indices ${group.batches[0].index}..${group.batches.at(-1).index}) are not a readable Arrow IPC stream: ${e.message}`);
  }
  if (table.batches.length !== group.batches.length) {
    throw new Error(`stream id ${group.streamId}: ${group.batches.length} BATCH payloads decoded to `
      + `${table.batches.length} record batches`);
  }
  const rows = [];
  for (const batch of table.batches) {
    const columns = table.schema.fields.map((_, i) => batch.getChildAt(i));
    for (let row = 0; row < batch.numRows; row++) rows.push(columns.map((column) => cell(column, row)));
  }
  streams.push({
    stream_id: group.streamId,
    stream: table.schema.metadata.get('stream'),
    descriptor_file: descriptorFile,
    metadata: Object.fromEntries(table.schema.metadata),
    fields: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type), metadata: Object.fromEntries(f.metadata) })),
    batches: group.batches.map((b, i) => ({ index: b.index, rows: table.batches[i].numRows })),
    rows,
  });
}

writeFileSync(outFile, JSON.stringify({ streams, batches_without_schema: batchesWithoutSchema }));
