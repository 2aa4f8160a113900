// JSON-safe values: 64-bit integers and NaN/±Infinity as strings, bytes as hex, lists summarised
// (length, sum, first 16 values) so that frames stay small.
export function jsonValue(v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v)
  if (v instanceof Uint8Array && !Array.isArray(v)) return { hex: Buffer.from(v).toString('hex') }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    let sum = 0n
    for (const x of v) sum += BigInt(x)
    return { n: v.length, sum: sum.toString(), head: Array.from(v).slice(0, 16).map(jsonValue) }
  }
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]))
  return v
}
