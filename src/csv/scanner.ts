/**
 * The hot path: a hand-written push scanner from CSV bytes to records. It reads exactly what PostgreSQL's
 * `COPY … (FORMAT csv)` reads, because the generated forward migration loads the very same file with `\copy`:
 * inference must see the fields the load will see, and a file the load would refuse must fail here, with a line.
 * Decisions (each checked against PostgreSQL 16's COPY):
 * - a field is quoted only when it starts with the quote byte. A quote inside an unquoted field (`5"x`) is
 *   CSV_BAD_QUOTE, not a literal: COPY would open a quoted section there (`1,5"x,y"z` is the value `5x,yz`) or
 *   fail with "unterminated CSV quoted field". Text after a closing quote (`"x"y`) is CSV_BAD_QUOTE too (COPY
 *   silently glues it: `xy`). Files that really hold bare quotes are read with quote `''` (none), which the
 *   sniffer picks when that is the only clean reading;
 * - inside quotes, the escape byte followed by a quote (or by itself) stands for that byte; delimiters and
 *   newlines (LF, CR, CRLF) are data and are kept byte for byte;
 * - a record ends at LF, CRLF or CR; every record must end the same way (COPY rejects mixed endings with
 *   "unquoted newline found in data"): CSV_DIALECT, unless `mixedLineEndings` (sniffing only);
 * - an empty line is a record with one empty field (COPY's reading: a NULL in a one-column table, "missing data
 *   for column" otherwise), so it is ragged in a multi-column file, also at the end of the file. The empty
 *   remainder after the final line break is not a record; a final record without line break is one.
 * Fields are handed to the sink as byte ranges of a buffer the scanner owns, unescaped in place. Bytes are
 * scanned as they are (UTF-8 or Windows-1252: every structural byte is ASCII and never part of a multi-byte
 * UTF-8 sequence).
 */
import { DataMigrateError } from '../errors.js'
import type { CsvDialect, RecordSink } from './record.js'

const LF = 10
const CR = 13

export interface ScannerOptions {
  /** Delimiter byte (ASCII). */
  readonly delimiter: number
  /** Quote byte, or -1 when the file has no quoting. */
  readonly quote: number
  /** Escape byte inside quotes (equal to `quote` for RFC 4180 doubling). */
  readonly escape: number
  /** File name for error messages. */
  readonly file: string
  /** Expected field count (from the first record when undefined). */
  readonly fieldCount?: number
  /** Accept records of any width (dialect sniffing compares widths itself). */
  readonly variableWidth?: boolean
  /** Accept records ending with different line ends (reported as `mixed`); dialect sniffing only. */
  readonly mixedLineEndings?: boolean
}

/** Per-scan settings when the scanner is built from a {@link CsvDialect}. */
export interface ScanContext {
  /** File name for error messages (default `input`). */
  readonly file?: string
  /** Records not handed to the sink (1 skips a header). Default: 1 when the dialect has a header, else 0. */
  readonly skip?: number
  /** Expected field count (from the first record when undefined). */
  readonly fieldCount?: number
  /** Accept records of any width. */
  readonly variableWidth?: boolean
  /** Accept mixed line endings instead of failing with CSV_DIALECT. */
  readonly mixedLineEndings?: boolean
}

/** What the scanner knows after `end()`. */
export interface ScannerStats {
  /** Records read, the header included. */
  readonly records: number
  readonly lines: number
  readonly fieldCount: number
  readonly lineEnding: 'LF' | 'CRLF' | 'CR' | 'mixed'
}

/** Byte-level scanner settings for a dialect (quote `''` → no quoting; escape defaults to the quote). */
export function scannerOptions(dialect: Pick<CsvDialect, 'delimiter' | 'quote' | 'escape'>, context: ScanContext = {}): ScannerOptions {
  const quote = dialect.quote ? dialect.quote.charCodeAt(0) : -1
  return {
    delimiter: dialect.delimiter.charCodeAt(0),
    quote,
    escape: dialect.escape && quote >= 0 ? dialect.escape.charCodeAt(0) : quote,
    file: context.file ?? 'input',
    ...(context.fieldCount !== undefined && { fieldCount: context.fieldCount }),
    ...(context.variableWidth !== undefined && { variableWidth: context.variableWidth }),
    ...(context.mixedLineEndings !== undefined && { mixedLineEndings: context.mixedLineEndings }),
  }
}

function isDialect(x: CsvDialect | ScannerOptions): x is CsvDialect {
  return typeof x.delimiter === 'string'
}

type Eol = 0 | 1 | 2 | 3 | 4 // unknown, LF, CRLF, CR, mixed

/**
 * Push bytes with {@link push}, finish with {@link end}. Records go to `sink.record` in order. Memory is the
 * size of the longest record plus one chunk.
 *
 * ```ts
 * const s = new CsvScanner(dialect, sink, { file: 'orders.csv' }) // skips the header when dialect.header
 * for await (const chunk of bytes) s.push(chunk)
 * const { records, lines } = s.end()
 * ```
 *
 * The byte-level form `new CsvScanner(scannerOptions, sink, skipRecords)` is accepted too.
 */
export class CsvScanner {
  readonly #sink: RecordSink
  readonly #d: number
  readonly #q: number
  readonly #e: number
  readonly #file: string
  readonly #variableWidth: boolean
  readonly #mixedOk: boolean
  #buf: Uint8Array = new Uint8Array(0)
  #len = 0
  #starts = new Int32Array(64)
  #ends = new Int32Array(64)
  #quoted = new Uint8Array(64)
  #fieldCount: number
  #records = 0
  /** 1-based physical line where the next record starts. */
  #line = 1
  #eol: Eol = 0
  /** Records are handed over from this one on (lets the caller skip a header). */
  readonly #skip: number
  /** The first record is a header (for messages: "the header has 5"). */
  readonly #header: boolean

  constructor(dialect: CsvDialect | ScannerOptions, sink: RecordSink, context: ScanContext | number = {}) {
    let options: ScannerOptions
    let skipRecords: number
    if (isDialect(dialect)) {
      const ctx = typeof context === 'number' ? { skip: context } : context
      options = scannerOptions(dialect, ctx)
      skipRecords = ctx.skip ?? (dialect.header ? 1 : 0)
    } else {
      options = dialect
      skipRecords = typeof context === 'number' ? context : (context.skip ?? 0)
    }
    this.#mixedOk = options.mixedLineEndings ?? false
    this.#header = skipRecords > 0
    this.#sink = sink
    this.#d = options.delimiter
    this.#q = options.quote
    this.#e = options.escape
    this.#file = options.file
    this.#fieldCount = options.fieldCount ?? -1
    this.#variableWidth = options.variableWidth ?? false
    this.#skip = skipRecords
  }

  /** Add bytes; every complete record in the buffer is scanned. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    const need = this.#len + chunk.length
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, this.#buf.length * 2, 1 << 16))
      grown.set(this.#buf.subarray(0, this.#len))
      this.#buf = grown
    }
    this.#buf.set(chunk, this.#len)
    this.#len = need
    const consumed = this.#scan(false)
    if (consumed > 0) {
      this.#buf.copyWithin(0, consumed, this.#len)
      this.#len -= consumed
    }
  }

  /** No more input: scan the last record (which may lack a final newline). */
  end(): ScannerStats {
    if (this.#len > 0) this.#scan(true)
    this.#len = 0
    return { records: this.#records, lines: this.#line - 1, fieldCount: Math.max(this.#fieldCount, 0), lineEnding: this.lineEnding }
  }

  /** The line ending of the records read so far (`LF` before the first line break). */
  get lineEnding(): ScannerStats['lineEnding'] {
    return this.#eol === 2 ? 'CRLF' : this.#eol === 3 ? 'CR' : this.#eol === 4 ? 'mixed' : 'LF'
  }

  /** An error about the record being scanned; the message starts with "the row"; the location (file:line, record) is in `where`. */
  #error(code: 'CSV_RAGGED_ROW' | 'CSV_UNTERMINATED_QUOTE' | 'CSV_BAD_QUOTE' | 'CSV_DIALECT', message: string, line: number, hint: string): DataMigrateError {
    const record = this.#records + 1
    return new DataMigrateError(code, `the row ${message}`, { where: { file: this.#file, line, record }, hint })
  }

  /** Record the line ending seen at a record end; all lines must agree, as COPY requires. */
  #sawEol(kind: Eol, line: number): void {
    if (this.#eol === kind || this.#eol === 4) return
    if (this.#eol === 0) {
      this.#eol = kind
      return
    }
    if (this.#mixedOk) {
      this.#eol = 4
      return
    }
    const name = (k: Eol): string => (k === 1 ? 'LF' : k === 2 ? 'CRLF' : 'CR')
    throw this.#error('CSV_DIALECT', `ends with ${name(kind)} but earlier lines end with ${name(this.#eol)}`, line,
      'PostgreSQL COPY cannot load a file with mixed line endings; normalise them (e.g. dos2unix) and run again')
  }

  #grow(): void {
    const n = this.#starts.length * 2
    const s = new Int32Array(n)
    s.set(this.#starts)
    const e = new Int32Array(n)
    e.set(this.#ends)
    const q = new Uint8Array(n)
    q.set(this.#quoted)
    this.#starts = s
    this.#ends = e
    this.#quoted = q
  }

  /**
   * Scan complete records from the start of the buffer. Returns the number of bytes consumed. When `final`,
   * the buffer's end also ends a record.
   */
  #scan(final: boolean): number {
    const buf = this.#buf
    const len = this.#len
    const d = this.#d
    const q = this.#q
    const e = this.#e
    let pos = 0
    for (;;) {
      if (pos >= len) return pos
      const recordStart = pos
      const recordLine = this.#line
      let lines = 0 // newlines inside quoted fields of this record
      let count = 0
      let p = pos
      let done = false
      let eolKind: Eol = 0
      let eolLine = recordLine
      let needsUnescape = false
      while (!done) {
        if (count === this.#starts.length) this.#grow()
        if (q >= 0 && p < len && buf[p] === q) {
          // Quoted field. Find the closing quote without modifying the buffer (the record may be incomplete
          // and rescanned after the next chunk); unescape in place only once the record is complete.
          const openLine = recordLine + lines
          const fieldStart = p + 1
          let k = fieldStart
          let closed = false
          let escaped = false
          let rawEnd = fieldStart
          for (;;) {
            const j = e === q ? buf.indexOf(q, k) : nextOf(buf, q, e, k, len)
            if (j < 0 || j >= len) break
            if (e !== q && buf[j] === e) {
              if (j + 1 >= len) break
              escaped = true
              k = j + 2
              continue
            }
            if (j + 1 >= len && !final) break // a doubled quote may straddle the chunk end
            // Bytes past `len` are stale (left by compaction): never look at them.
            if (e === q && j + 1 < len && buf[j + 1] === q) {
              escaped = true
              k = j + 2
              continue
            }
            closed = true
            rawEnd = j
            p = j + 1
            break
          }
          if (!closed) {
            if (!final) return recordStart
            throw this.#error('CSV_UNTERMINATED_QUOTE', `opens quoted field ${count + 1}, which is never closed`, openLine, 'a quote is missing; check that line for an unbalanced " character')
          }
          lines += countNl(buf, fieldStart, rawEnd)
          // Unescaping rewrites bytes, so it waits until the whole record is known to be complete.
          if (escaped) needsUnescape = true
          const fieldEnd = rawEnd
          this.#starts[count] = fieldStart
          this.#ends[count] = fieldEnd
          this.#quoted[count] = escaped ? 2 : 1
          count++
          // After the closing quote: a delimiter, a line end, or the end of input.
          if (p >= len) {
            if (!final) return recordStart
            done = true
            break
          }
          const c = buf[p]!
          if (c === d) {
            p++
            continue
          }
          if (c === LF || c === CR) {
            if (!readEol(buf, p, len, final)) return recordStart
            eolKind = EOL.kind
            p = EOL.next
            eolLine = recordLine + lines
            done = true
          } else {
            throw this.#error('CSV_BAD_QUOTE', `has text after the closing quote of field ${count}`, recordLine + lines, 'a quote inside a quoted field must be doubled ("")')
          }
        } else {
          // Unquoted field: up to the delimiter or the line end.
          const s = p
          let c = 0
          while (p < len) {
            c = buf[p]!
            if (c === d || c === LF || c === CR) break
            if (c === q) {
              throw this.#error('CSV_BAD_QUOTE', `has a quote character inside the unquoted field ${count + 1}`, recordLine + lines,
                'quote the whole field and double the quote inside it ("5"" tall"), or pass --quote with another character')
            }
            p++
          }
          if (p >= len) {
            if (!final) return recordStart
            this.#starts[count] = s
            this.#ends[count] = p
            this.#quoted[count] = 0
            count++
            done = true
            break
          }
          this.#starts[count] = s
          this.#ends[count] = p
          this.#quoted[count] = 0
          count++
          if (c === d) {
            p++
            continue
          }
          if (!readEol(buf, p, len, final)) return recordStart
          eolKind = EOL.kind
          p = EOL.next
          eolLine = recordLine + lines
          done = true
        }
      }
      if (eolKind !== 0) this.#sawEol(eolKind, eolLine)
      this.#line = recordLine + lines + (eolKind !== 0 ? 1 : 0)
      // A lone final empty "record" after the last newline is not a record.
      if (final && eolKind === 0 && count === 1 && this.#ends[0] === this.#starts[0] && this.#quoted[0] === 0 && p === recordStart) return p
      if (this.#fieldCount < 0) this.#fieldCount = count
      else if (count !== this.#fieldCount && !this.#variableWidth) {
        const what = count === 1 && this.#ends[0] === this.#starts[0] ? 'is empty' : `has ${count} field${count === 1 ? '' : 's'}`
        const ref = this.#header ? 'the header has' : 'the first record has'
        throw this.#error('CSV_RAGGED_ROW', `${what}, ${ref} ${this.#fieldCount}`, recordLine,
          count === 1 && this.#ends[0] === this.#starts[0] ? 'remove the empty line (COPY would read it as a row with missing values)' : 'check that line for an unquoted delimiter or a missing field')
      }
      if (needsUnescape) {
        for (let f = 0; f < count; f++) {
          if (this.#quoted[f] === 2) {
            this.#ends[f] = unescapeInPlace(buf, this.#starts[f]!, this.#ends[f]!, q, e)
            this.#quoted[f] = 1
          }
        }
      }
      this.#records++
      if (this.#records > this.#skip) {
        this.#sink.record(buf, this.#starts, this.#ends, this.#quoted, count, recordLine, this.#records)
      }
      pos = p
    }
  }
}

/** Result of {@link readEol}, reused (the scanner is the hot path: no allocation per record). */
const EOL: { kind: Eol; next: number } = { kind: 0, next: 0 }

/**
 * Read the line end at `p` (an LF or CR byte): LF, CRLF or CR. Returns false when a CR is the last byte of a
 * non-final buffer (the next byte decides between CR and CRLF).
 */
function readEol(buf: Uint8Array, p: number, len: number, final: boolean): boolean {
  if (buf[p] === LF) {
    EOL.kind = 1
    EOL.next = p + 1
    return true
  }
  if (p + 1 >= len && !final) return false
  if (p + 1 < len && buf[p + 1] === LF) {
    EOL.kind = 2
    EOL.next = p + 2
  } else {
    EOL.kind = 3
    EOL.next = p + 1
  }
  return true
}

/** Physical line breaks in `buf[from, to)`: LF, or CR not followed by LF (old Mac files). Bounded scan. */
function countNl(buf: Uint8Array, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const c = buf[i]
    if (c === LF) n++
    else if (c === CR && buf[i + 1] !== LF) n++
  }
  return n
}

/** The first quote or escape byte at or after `from`. */
function nextOf(buf: Uint8Array, q: number, e: number, from: number, len: number): number {
  for (let i = from; i < len; i++) {
    const c = buf[i]
    if (c === q || c === e) return i
  }
  return -1
}

/** Collapse escape sequences of a complete quoted field in place; returns the new end. */
function unescapeInPlace(buf: Uint8Array, start: number, end: number, q: number, e: number): number {
  let w = start
  for (let r = start; r < end; r++) {
    const c = buf[r]!
    if (c === e && r + 1 < end && (buf[r + 1] === q || buf[r + 1] === e)) {
      buf[w++] = buf[r + 1]!
      r++
      continue
    }
    buf[w++] = c
  }
  return w
}
