/**
 * Dialect sniffing on a sample (the first ≤ 1 MiB): delimiter, quote, escape, line ending and header. Each
 * candidate delimiter is tried with the real scanner; the one giving the most consistent field count wins (ties:
 * more columns, then the order , tab ; |). Pure.
 */
import { CsvScanner, scannerOptions } from './scanner.js'
import type { RecordSink } from './record.js'
import { decodeField } from './encoding.js'
import type { Encoding } from './record.js'

/** Delimiters tried, in order of preference for ties. */
export const DELIMITER_CANDIDATES = [',', '\t', ';', '|'] as const

/** User overrides; whatever is given is not sniffed. */
export interface SniffOptions {
  readonly delimiter?: string
  /** `"`, another single character, or `''` for no quoting. */
  readonly quote?: string
  readonly header?: boolean
}

/** What the sample says about the file's dialect. */
export interface SniffResult {
  readonly delimiter: string
  readonly quote: string
  readonly escape: string
  readonly header: boolean
  /** Line ending of the sample's records (quoted line breaks do not count). */
  readonly lineEnding: 'LF' | 'CRLF' | 'CR' | 'mixed'
  /** Sample rows (decoded), header included, for the header decision and messages. */
  readonly rows: readonly string[][]
}

const MAX_SAMPLE_RECORDS = 1000

interface Trial {
  rows: string[][]
  clean: boolean
  /** The error code of an unclean parse. */
  error?: string
  lineEnding: SniffResult['lineEnding']
}

/** Parse the sample with one dialect: the rows read, and whether the whole sample parsed cleanly. */
function trial(sample: Uint8Array, complete: boolean, delimiter: string, quote: string, escape: string, encoding: Encoding): Trial {
  const rows: string[][] = []
  const sink: RecordSink = {
    record(buf, start, end, _quoted, count) {
      if (rows.length >= MAX_SAMPLE_RECORDS) return
      const r: string[] = []
      for (let i = 0; i < count; i++) r.push(decodeField(buf, start[i]!, end[i]!, encoding))
      rows.push(r)
    },
  }
  // A sample cut mid-file ends mid-record: keep what precedes the last line break.
  let body = sample
  if (!complete) {
    const lastNl = Math.max(sample.lastIndexOf(10), sample.lastIndexOf(13))
    if (lastNl > 0) body = sample.subarray(0, lastNl + 1)
  }
  const scanner = new CsvScanner(scannerOptions({ delimiter, quote, escape }, { file: 'sample', variableWidth: true, mixedLineEndings: true }), sink)
  try {
    scanner.push(body)
    const stats = scanner.end()
    return { rows, clean: true, lineEnding: stats.lineEnding }
  } catch (e) {
    // Keep the rows read before the error: the real scan will report it with its line.
    return { rows, clean: false, error: (e as { code?: string }).code ?? 'INTERNAL', lineEnding: scanner.lineEnding }
  }
}

/** Every non-blank row has the same number of fields. */
function uniformWidth(rows: readonly (readonly string[])[]): boolean {
  const widths = new Set(rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => r.length))
  return widths.size <= 1
}

function modeOf(xs: number[]): { value: number; share: number } {
  const counts = new Map<number, number>()
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1)
  let best = 0
  let bestN = 0
  for (const [v, n] of counts) if (n > bestN || (n === bestN && v > best)) [best, bestN] = [v, n]
  return { value: best, share: xs.length ? bestN / xs.length : 0 }
}

const NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)*|\d*[.,]\d+)(?:[eE][+-]?\d+)?$/
const DATE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T].*)?$/
const BOOL = /^(?:true|false|t|f|yes|no|y|n)$/i
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The value family a cell looks like, for header detection only. */
function family(v: string): 'number' | 'date' | 'bool' | 'uuid' | 'text' {
  if (NUMBER.test(v)) return 'number'
  if (DATE.test(v)) return 'date'
  if (BOOL.test(v)) return 'bool'
  if (UUID.test(v)) return 'uuid'
  return 'text'
}

/**
 * Header decision on sample rows (first row = candidate header): every column whose body values share one
 * non-text family votes "header" when the first cell is of another family, "no header" when it is of the same.
 * With no typed column, a header has non-empty, distinct cells that do not recur in their column.
 */
export function looksLikeHeader(rows: readonly (readonly string[])[]): boolean {
  if (rows.length === 0) return false
  const head = rows[0]!
  const body = rows.slice(1)
  let yes = 0
  let no = 0
  for (let c = 0; c < head.length; c++) {
    const values = body.map((r) => r[c] ?? '').filter((v) => v !== '' && v !== 'NULL' && v !== '\\N')
    if (values.length === 0) continue
    const f = family(values[0]!)
    if (f === 'text' || !values.every((v) => family(v) === f)) continue
    if (family(head[c] ?? '') === f) no++
    else if ((head[c] ?? '') !== '') yes++
  }
  if (yes + no > 0) return yes > no
  const cells = head.map((h) => h.trim())
  if (cells.some((h) => h === '')) return false
  if (new Set(cells.map((h) => h.toLowerCase())).size !== cells.length) return false
  for (let c = 0; c < head.length; c++) {
    if (body.some((r) => r[c] === head[c])) return false
  }
  return body.length > 0 || cells.every((h) => /[A-Za-z_]/.test(h))
}

/**
 * Sniff the dialect of a sample (the first ≤ 1 MiB of the file, already BOM-stripped and, for UTF-16,
 * transcoded). `complete` tells whether the sample is the whole file. For each delimiter the quoting is tried in
 * the order: `"` with doubled quotes, `"` with backslash escapes (`\"`), no quoting; the first reading that parses
 * the sample cleanly is that delimiter's. Delimiters are then ranked by field-count consistency, more than one
 * column, a clean parse, more columns, and the preference order `,` tab `;` `|`.
 */
export function sniffDialect(sample: Uint8Array, complete: boolean, encoding: Encoding, options: SniffOptions = {}): SniffResult {
  const quotings: readonly (readonly [string, string])[] =
    options.quote === undefined ? [['"', '"'], ['"', '\\'], ['', '']] : options.quote === '' ? [['', '']] : [[options.quote, options.quote], [options.quote, '\\']]
  const candidates = options.delimiter !== undefined ? [options.delimiter] : [...DELIMITER_CANDIDATES]
  let best: { d: string; t: Trial; score: number; quote: string; escape: string } | undefined
  candidates.forEach((d, rank) => {
    let chosen: { t: Trial; quote: string; escape: string } | undefined
    for (const [quote, escape] of quotings) {
      // No quoting only explains quotes in the middle of fields (CSV_BAD_QUOTE), not an unclosed quoted field.
      if (quote === '' && chosen && chosen.t.error !== 'CSV_BAD_QUOTE') break
      const t = trial(sample, complete, d, quote, escape, encoding)
      if (!chosen) chosen = { t, quote, escape }
      if (t.clean && (quote !== '' || !chosen.t.error || uniformWidth(t.rows))) {
        chosen = { t, quote, escape }
        break
      }
    }
    const t = chosen!.t
    if (t.rows.length === 0) return
    // Blank lines read as one empty field under every delimiter: they do not vote.
    const voters = t.rows.filter((r) => r.length > 1 || r[0] !== '')
    const { value: width, share } = modeOf((voters.length > 0 ? voters : t.rows).map((r) => r.length))
    // Consistency first; a single-column reading is a fallback only; a clean parse beats one that fails.
    const score = (width > 1 ? 1 : 0) * 10 + share * 5 + (t.clean ? 1 : 0) + Math.min(width, 50) / 100 - rank / 1000
    if (!best || score > best.score) best = { d, t, score, quote: chosen!.quote, escape: chosen!.escape }
  })
  if (!best) {
    const quote = options.quote ?? '"'
    return { delimiter: options.delimiter ?? ',', quote, escape: quote, header: options.header ?? false, lineEnding: 'LF', rows: [] }
  }
  const b: { d: string; t: Trial; quote: string; escape: string } = best
  const header = options.header ?? looksLikeHeader(b.t.rows)
  return { delimiter: b.d, quote: b.quote, escape: b.escape, header, lineEnding: b.t.lineEnding, rows: b.t.rows }
}
