// Reads a Parquet file with hyparquet (and hyparquet-compressors for snappy, gzip, zstd, lz4_raw) and
// writes what it found as JSON: the footer (schema with logical types, key-value metadata, row groups
// and their column chunks), the ARROW:schema decoded with apache-arrow, and every column's values.
// usage: node read-hyparquet.mjs FILE.parquet OUT.json
import { writeFileSync } from 'node:fs'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { MessageReader } from 'apache-arrow'
import { jsonValue } from './summary.mjs'

const [file, out] = process.argv.slice(2)
const buffer = await asyncBufferFromFile(file)
const metadata = await parquetMetadataAsync(buffer)

const keyValues = Object.fromEntries((metadata.key_value_metadata ?? []).map(kv => [kv.key, kv.value]))
let arrowSchema = null
if (keyValues['ARROW:schema'] !== undefined) {
  // an encapsulated IPC message: continuation marker, length, Schema flatbuffer
  const bytes = Buffer.from(keyValues['ARROW:schema'], 'base64')
  const message = new MessageReader(bytes).readMessage()
  const schema = message.header()
  arrowSchema = {
    continuation: bytes.readUInt32LE(0) === 0xFFFFFFFF,
    headerType: message.headerType,
    metadata: Object.fromEntries(schema.metadata),
    fields: schema.fields.map(f => ({
      name: f.name,
      type: String(f.type),
      nullable: f.nullable,
      metadata: Object.fromEntries(f.metadata),
      children: (f.type.children ?? []).map(c => ({ name: c.name, type: String(c.type), nullable: c.nullable })),
    })),
  }
}

// raw values: timestamps as the integers stored, not Dates (which would drop nanoseconds)
const raw = x => x
const rows = await parquetReadObjects({
  file: buffer, metadata, compressors, utf8: true,
  parsers: { timestampFromMilliseconds: raw, timestampFromMicroseconds: raw, timestampFromNanoseconds: raw },
})
const columns = {}
for (const row of rows) {
  for (const [name, value] of Object.entries(row)) (columns[name] ??= []).push(jsonValue(value))
}

writeFileSync(out, JSON.stringify({
  reader: 'hyparquet',
  num_rows: jsonValue(metadata.num_rows),
  created_by: metadata.created_by,
  key_value: keyValues,
  schema: metadata.schema.map(e => jsonValue({
    name: e.name, type: e.type, type_length: e.type_length, repetition_type: e.repetition_type,
    num_children: e.num_children, converted_type: e.converted_type, logical_type: e.logical_type,
  })),
  row_groups: metadata.row_groups.map(g => ({
    num_rows: jsonValue(g.num_rows),
    columns: g.columns.map(c => ({
      path: c.meta_data.path_in_schema.join('.'),
      codec: c.meta_data.codec,
      encodings: c.meta_data.encodings,
      num_values: jsonValue(c.meta_data.num_values),
      statistics: jsonValue(c.meta_data.statistics),
      dictionary_page_offset: jsonValue(c.meta_data.dictionary_page_offset),
      data_page_offset: jsonValue(c.meta_data.data_page_offset),
    })),
  })),
  arrow_schema: arrowSchema,
  columns,
}))
