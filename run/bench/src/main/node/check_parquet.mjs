// Checks that a Parquet file holds a workload of ParquetWriteBench, with DuckDB: prints the row count
// and, per column, the sum of its values (lists summed element by element), so that the benchmark can
// compare the files of every contender after its warm-up round.
// usage: node check_parquet.mjs FILE.parquet
import { DuckDBInstance } from '@duckdb/node-api'

const [file] = process.argv.slice(2)
const quote = s => `'${s.replaceAll("'", "''")}'`
const connection = await (await DuckDBInstance.create(':memory:')).connect()
const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quote(file)})`)).getRowObjectsJS()
const sums = columns.map(c => {
  const name = `"${c.column_name}"`
  if (c.column_type.endsWith('[]')) return `sum(list_sum(${name})::HUGEINT)::VARCHAR AS ${name}`
  if (c.column_type.startsWith('TIMESTAMP')) return `sum(epoch_us(${name})::HUGEINT)::VARCHAR AS ${name}`
  if (c.column_type === 'DOUBLE' || c.column_type === 'FLOAT') return `sum(${name})::VARCHAR AS ${name}`
  return `sum(${name}::HUGEINT)::VARCHAR AS ${name}`
})
const row = (await connection.runAndReadAll(
  `SELECT count(*)::VARCHAR AS rows, ${sums.join(', ')} FROM read_parquet(${quote(file)})`)).getRowObjectsJS()[0]
console.log(JSON.stringify(row))
