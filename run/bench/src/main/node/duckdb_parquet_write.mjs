// The DuckDB baseline of ParquetWriteBench: loads INPUT.parquet into a table (not timed), then times
// COPY table TO OUTPUT (FORMAT parquet, COMPRESSION codec) plus an fsync of OUTPUT, and prints
// "seconds=… cpu=… size=… rows=…" (cpu: this process's user + system time over the same span, all
// threads). usage: node duckdb_parquet_write.mjs INPUT.parquet OUTPUT.parquet zstd|uncompressed
import { closeSync, fsyncSync, openSync, statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'

const [input, output, codec] = process.argv.slice(2)
const quote = s => `'${s.replaceAll("'", "''")}'`
const db = await DuckDBInstance.create(':memory:')
const connection = await db.connect()
await connection.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${quote(input)})`)
const rows = (await connection.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjectsJS()[0].n

const cpu = process.cpuUsage()
const start = process.hrtime.bigint()
await connection.run(`COPY t TO ${quote(output)} (FORMAT parquet, COMPRESSION ${codec})`)
const fd = openSync(output, 'r+')
fsyncSync(fd)
closeSync(fd)
const seconds = Number(process.hrtime.bigint() - start) / 1e9
const used = process.cpuUsage(cpu)
console.log(`seconds=${seconds.toFixed(4)} cpu=${((used.user + used.system) / 1e6).toFixed(4)} size=${statSync(output).size} rows=${rows}`)
