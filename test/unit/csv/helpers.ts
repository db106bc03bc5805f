/** Shared helpers of the CSV layer's tests. */
import { CsvScanner } from '../../../src/csv/scanner.js'
import { scanCsv, decodeField } from '../../../src/csv/read.js'
import type { CsvDialect, RecordSink, ScanSummary } from '../../../src/csv/record.js'
import { DataMigrateError, formatError } from '../../../src/errors.js'
import { resolve } from 'node:path'

export const FIX = resolve(import.meta.dirname, '../../fixtures')

export interface Row {
  readonly values: string[]
  readonly quoted: number[]
  readonly line: number
  readonly recordNo: number
}

/** A sink that decodes every record. */
export function collect(encoding: CsvDialect['encoding'] = 'utf-8'): { sink: RecordSink; rows: Row[] } {
  const rows: Row[] = []
  const sink: RecordSink = {
    record(buf, start, end, quoted, count, line, recordNo) {
      const values: string[] = []
      const q: number[] = []
      for (let i = 0; i < count; i++) {
        values.push(decodeField(buf, start[i]!, end[i]!, encoding))
        q.push(quoted[i]!)
      }
      rows.push({ values, quoted: q, line, recordNo })
    },
  }
  return { sink, rows }
}

/** A dialect for direct scanner tests. */
export function dialect(d: Partial<CsvDialect> = {}): CsvDialect {
  const quote = d.quote ?? '"'
  return { encoding: 'utf-8', bom: false, delimiter: ',', quote, escape: d.escape ?? quote, header: false, lineEnding: 'LF', ...d }
}

/** Scan bytes pushed in the given chunk sizes (the rest in one chunk); returns the decoded values. */
export function scanBytes(bytes: Uint8Array | string, d: Partial<CsvDialect> = {}, splits: readonly number[] = []): string[][] {
  return scanRows(bytes, d, splits).map((r) => r.values)
}

/** Like {@link scanBytes}, with quoted flags, lines and record numbers. */
export function scanRows(bytes: Uint8Array | string, d: Partial<CsvDialect> = {}, splits: readonly number[] = []): Row[] {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes
  const { sink, rows } = collect()
  const s = new CsvScanner(dialect(d), sink, { file: 'mem.csv' })
  let at = 0
  for (const n of splits) {
    const to = Math.min(data.length, at + n)
    s.push(data.subarray(at, to))
    at = to
  }
  s.push(data.subarray(at))
  s.end()
  return rows
}

/** All rows of a file through the real entry point (dialect detection included). */
export async function readAll(path: string, opts: Parameters<typeof scanCsv>[1] = {}): Promise<{ dialect: CsvDialect; header: string[]; rows: string[][]; recs: Row[]; summary: ScanSummary; sinks: number }> {
  let dialect: CsvDialect | undefined
  let header: string[] = []
  let recs: Row[] = []
  let sinks = 0
  const summary = await scanCsv(path, opts, (d, h) => {
    dialect = d
    header = h
    sinks++
    const c = collect(d.encoding)
    recs = c.rows
    return c.sink
  })
  return { dialect: dialect!, header, rows: recs.map((r) => r.values), recs, summary, sinks }
}

/** The DataMigrateError thrown by `f` (sync or async); fails the test when none is thrown. */
export async function errorOf(f: () => unknown): Promise<DataMigrateError> {
  try {
    await f()
  } catch (e) {
    if (e instanceof DataMigrateError) return e
    throw e
  }
  throw new Error('expected a DataMigrateError, nothing was thrown')
}

/** What the CLI prints for an error (location + message + hint). */
export { formatError }
