// Reads a Parquet file with DuckDB and writes what it found as JSON: the column types DuckDB gives
// it, its key-value metadata, and every column's values (timestamps as epoch nanoseconds, lists
// summarised as in summary.mjs).
// usage: node read-duckdb.mjs FILE.parquet OUT.json
import { writeFileSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { jsonValue } from './summary.mjs'

const [file, out] = process.argv.slice(2)
const db = await DuckDBInstance.create(':memory:')
const connection = await db.connect()
const quoted = `'${file.replaceAll("'", "''")}'`
const ident = name => `"${name.replaceAll('"', '""')}"`

const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`)).getRowObjectsJS()
const types = Object.fromEntries(described.map(d => [d.column_name, d.column_type]))
const select = described.map(d => {
  const c = ident(d.column_name)
  if (d.column_type.startsWith('TIMESTAMP')) return `epoch_ns(${c}) AS ${c}`
  return c
})
const result = await connection.runAndReadAll(`SELECT ${select.join(', ')} FROM read_parquet(${quoted})`)
const columns = {}
for (const row of result.getRowObjectsJS()) {
  for (const [name, value] of Object.entries(row)) (columns[name] ??= []).push(jsonValue(value))
}
const kv = (await connection.runAndReadAll(
  `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${quoted})`)).getRowObjectsJS()

writeFileSync(out, JSON.stringify({
  reader: 'duckdb',
  version: (await connection.runAndReadAll('SELECT version() AS v')).getRowObjectsJS()[0].v,
  types,
  key_value: Object.fromEntries(kv.map(r => [r.key, r.value])),
  num_rows: Object.values(columns)[0]?.length ?? 0,
  columns,
}))
