/**
 * One streaming pass over a CSV file: detect the encoding and dialect on the first MiB, then scan every record
 * into a sink. Memory is bounded by the sample and the longest record, never by the file size.
 */
import { openSource, isGzipFile } from './source.js'
import { CsvScanner } from './scanner.js'
import { detectBom, parseEncodingName, Utf8Validator, utf16ToUtf8 } from './encoding.js'
import { sniffDialect } from './dialect.js'
import type { CsvDialect, Encoding, RecordSink, ScanSummary } from './record.js'
import { DataMigrateError } from '../errors.js'

export { decodeField } from './encoding.js'

/** Dialect overrides; everything not given is detected. */
export interface ReadOptions {
  /** One ASCII character. */
  readonly delimiter?: string
  /** One ASCII character, or `''` for a file without quoting. */
  readonly quote?: string
  readonly header?: boolean
  /** `utf-8`, `windows-1252` (cp1252, latin1), `utf-16le`, `utf-16be`. */
  readonly encoding?: string
  /** The name errors give for the file (default: the path). */
  readonly displayName?: string
  /** Called with every byte chunk the scanner gets (after BOM stripping and transcoding); may ask to wait. */
  readonly onBytes?: (chunk: Uint8Array) => Promise<void> | undefined
}

const SAMPLE_BYTES = 1 << 20

/** Pull from an async iterator until `n` bytes (or the end). */
async function readSample(it: AsyncIterator<Uint8Array>, n: number): Promise<{ sample: Buffer; done: boolean }> {
  const parts: Uint8Array[] = []
  let size = 0
  while (size < n) {
    const r = await it.next()
    if (r.done) return { sample: Buffer.concat(parts, size), done: true }
    parts.push(r.value)
    size += r.value.length
  }
  return { sample: Buffer.concat(parts, size), done: false }
}

/**
 * Counts physical lines over consecutive chunks up to an absolute byte offset: LF, CRLF and lone CR each end a
 * line (a CRLF split across chunks counts once).
 */
class LineCounter {
  line = 1
  #seen = 0
  #prevCr = false

  /** Feed the next chunk; counting stops at absolute offset `stop`. */
  feed(chunk: Uint8Array, stop: number): void {
    const end = Math.min(chunk.length, stop - this.#seen)
    for (let i = 0; i < end; i++) {
      const c = chunk[i]
      if (c === 10) {
        if (!this.#prevCr) this.line++
        this.#prevCr = false
      } else if (c === 13) {
        this.line++
        this.#prevCr = true
      } else {
        this.#prevCr = false
      }
    }
    this.#seen += chunk.length
  }
}

/** 1-based line of an absolute byte offset of the raw (decompressed) file (error path only: re-reads it). */
async function lineAtOffset(path: string, offset: number): Promise<number> {
  const counter = new LineCounter()
  let seen = 0
  for await (const chunk of openSource(path)) {
    counter.feed(chunk, offset)
    seen += chunk.length
    if (seen >= offset) break
  }
  return counter.line
}

/**
 * Scan `path` in one streaming pass. `makeSink` is called when the dialect and header are known; the header
 * record is not passed to the sink, and `recordNo` counts it.
 *
 * Encoding: a byte-order mark or `options.encoding` decides; otherwise the whole file is validated as UTF-8
 * while it is scanned. When an invalid sequence shows up after records were already handed over, the file is
 * Windows-1252 and is scanned again from the start with that encoding, so `makeSink` is then called a second
 * time (the first sink must be dropped) and `onBytes` sees the bytes again; the summary's `encodingSwitch` and
 * `notes` say which byte forced it. A file declared (or marked) UTF-8 that is not valid UTF-8 is CSV_ENCODING.
 *
 * Errors (all `DataMigrateError`, exit 2): FILE_NOT_FOUND, FILE_UNREADABLE, CSV_EMPTY (0 bytes or only white
 * space; a header without rows is valid), CSV_BINARY (NUL byte), CSV_ENCODING, CSV_RAGGED_ROW,
 * CSV_UNTERMINATED_QUOTE, CSV_BAD_QUOTE, CSV_DIALECT (mixed line endings), INVALID_OPTION (bad override).
 */
export async function scanCsv(path: string, options: ReadOptions, makeSink: (dialect: CsvDialect, headerNames: string[]) => RecordSink): Promise<ScanSummary> {
  let forced: Encoding | undefined
  if (options.encoding !== undefined) {
    forced = parseEncodingName(options.encoding)
    if (!forced) {
      throw new DataMigrateError('INVALID_OPTION', `--encoding ${options.encoding} is not supported`, { hint: 'use utf-8, windows-1252, utf-16le or utf-16be' })
    }
  }
  for (const [name, v] of [['delimiter', options.delimiter], ['quote', options.quote]] as const) {
    if (v === undefined || (name === 'quote' && v === '')) continue
    if (v.length !== 1 || v.charCodeAt(0) > 127 || v === '\n' || v === '\r') {
      throw new DataMigrateError('INVALID_OPTION', `--${name} must be one ASCII character other than a line break, not ${JSON.stringify(v)}`, { hint: name === 'delimiter' ? 'for a tab, pass --delimiter $\'\\t\'' : 'pass --quote \'\' for a file without quoting' })
    }
  }
  if (options.delimiter !== undefined && options.delimiter === (options.quote ?? '"')) {
    throw new DataMigrateError('INVALID_OPTION', 'the delimiter and the quote must differ', { hint: 'check --delimiter and --quote' })
  }
  isGzipFile(path) // raises FILE_NOT_FOUND / FILE_UNREADABLE before anything else
  const first = await scanOnce(path, options, forced, -1, makeSink)
  if (first.kind === 'done') return first.summary
  const second = await scanOnce(path, options, 'windows-1252', first.invalidAt, makeSink)
  if (second.kind !== 'done') throw new DataMigrateError('INTERNAL', `could not settle the encoding of ${path}`)
  return second.summary
}

type ScanOutcome = { kind: 'done'; summary: ScanSummary } | { kind: 'retry'; invalidAt: number }

/**
 * One pass. `switchedAt` ≥ 0 when this is the Windows-1252 pass forced by an invalid UTF-8 byte at that offset
 * (its line is counted on the way, for the note).
 */
async function scanOnce(path: string, options: ReadOptions, forced: Encoding | undefined, switchedAt: number, makeSink: (d: CsvDialect, h: string[]) => RecordSink): Promise<ScanOutcome> {
  const name = options.displayName ?? path
  const raw = openSource(path)[Symbol.asyncIterator]()
  let { sample, done } = await readSample(raw, SAMPLE_BYTES)
  let bytes = sample.length
  const empty = (): DataMigrateError => new DataMigrateError('CSV_EMPTY', 'the file is empty', { where: { file: name }, hint: 'the file has no header and no rows' })
  if (sample.length === 0) throw empty()
  const bom = detectBom(sample)
  let encoding: Encoding = forced ?? bom?.encoding ?? 'utf-8'
  const hasBom = bom !== undefined && (forced === undefined || forced === bom.encoding)
  const bomLength = hasBom ? bom.length : 0
  if (hasBom) sample = sample.subarray(bomLength)
  const lines = switchedAt >= 0 ? new LineCounter() : undefined
  lines?.feed(sample, switchedAt - bomLength)

  // The byte stream the scanner sees: UTF-16 is transcoded to UTF-8 first.
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be'
  let stream: AsyncIterator<Uint8Array>
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => raw }
    const head = sample
    const wasDone = done
    const transcoded = utf16ToUtf8((async function* () {
      yield head
      if (!wasDone) yield* rest
    })(), encoding)[Symbol.asyncIterator]()
    const s = await readSample(transcoded, SAMPLE_BYTES)
    sample = s.sample
    done = s.done
    stream = transcoded
  } else {
    stream = raw
  }
  if (done && isBlank(sample)) throw empty()
  const nul = utf16 ? -1 : sample.indexOf(0)
  if (nul >= 0) throw await binaryError(path, name, nul + bomLength)

  // UTF-8 (by default, by BOM or by --encoding) is validated over the whole file, chunk by chunk.
  const validator = encoding === 'utf-8' ? new Utf8Validator() : undefined
  const autoEncoding = forced === undefined && !hasBom
  let switchLine: number | undefined
  if (validator && !validator.push(sample)) {
    if (!autoEncoding) throw await encodingError(path, name, validator.invalidAt + bomLength, forced !== undefined)
    // Nothing was handed to a sink yet: switch now, and count the line that forced it.
    switchedAt = validator.invalidAt
    const counter = new LineCounter()
    counter.feed(sample, switchedAt)
    switchLine = counter.line
    encoding = 'windows-1252'
  }
  const checking = validator !== undefined && encoding === 'utf-8'
  const sniff = sniffDialect(sample, done, encoding, {
    ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
    ...(options.quote !== undefined && { quote: options.quote }),
    ...(options.header !== undefined && { header: options.header }),
  })
  const width = sniff.rows[0]?.length ?? 1
  const headerNames = sniff.header ? [...(sniff.rows[0] ?? [])] : Array.from({ length: width }, (_, i) => `column_${i + 1}`)
  const dialectBase = { encoding, bom: hasBom, delimiter: sniff.delimiter, quote: sniff.quote, escape: sniff.escape, header: sniff.header }
  // The line ending is only known for sure after the scan; the sink gets the sniffed one.
  const sink = makeSink({ ...dialectBase, lineEnding: sniff.lineEnding }, headerNames)
  const scanner = new CsvScanner({ ...dialectBase, lineEnding: sniff.lineEnding }, sink, { file: name })

  scanner.push(sample)
  await options.onBytes?.(sample)
  let offset = sample.length + bomLength
  if (!done) {
    for (;;) {
      const r = await stream.next()
      if (r.done) break
      const chunk = r.value
      bytes += chunk.length
      if (!utf16) {
        const z = chunk.indexOf(0)
        if (z >= 0) throw await binaryError(path, name, offset + z)
      }
      if (checking && !validator.push(chunk)) {
        if (!autoEncoding) throw await encodingError(path, name, validator.invalidAt + bomLength, forced !== undefined)
        // Not UTF-8 after all: start again reading Windows-1252 from the first byte.
        return { kind: 'retry', invalidAt: validator.invalidAt }
      }
      lines?.feed(chunk, switchedAt - bomLength)
      scanner.push(chunk)
      const wait = options.onBytes?.(chunk)
      if (wait) await wait
      offset += chunk.length
    }
  }
  if (checking && !validator.end()) {
    if (!autoEncoding) throw await encodingError(path, name, validator.invalidAt + bomLength, forced !== undefined)
    return { kind: 'retry', invalidAt: validator.invalidAt }
  }
  const stats = scanner.end()
  if (stats.records === 0) throw empty()
  switchLine ??= lines?.line
  const encodingSwitch = switchedAt >= 0 && switchLine !== undefined ? { offset: switchedAt, line: switchLine } : undefined
  const notes = encodingSwitch ? [`not valid UTF-8 (byte ${encodingSwitch.offset}, line ${encodingSwitch.line}): read as Windows-1252`] : []
  return {
    kind: 'done',
    summary: {
      dialect: { ...dialectBase, lineEnding: stats.lineEnding },
      records: stats.records - (sniff.header ? 1 : 0),
      fieldCount: stats.fieldCount,
      headerNames,
      bytes,
      lines: stats.lines,
      ...(encodingSwitch && { encodingSwitch }),
      notes,
    },
  }
}

/** Only white space (or nothing): no header, no rows. */
function isBlank(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false
  }
  return true
}

async function binaryError(path: string, name: string, offset: number): Promise<DataMigrateError> {
  const line = await lineAtOffset(path, offset)
  return new DataMigrateError('CSV_BINARY', `NUL byte at byte ${offset}: this is not a text file`, {
    where: { file: name, line },
    hint: 'binary data (or UTF-16 without a byte-order mark) cannot be loaded as CSV; pass --encoding utf-16le if it is UTF-16',
  })
}

async function encodingError(path: string, name: string, offset: number, forced: boolean): Promise<DataMigrateError> {
  const line = await lineAtOffset(path, offset)
  return new DataMigrateError('CSV_ENCODING', `not valid UTF-8 at byte ${offset}${forced ? '' : ', although the file starts with a UTF-8 byte-order mark'}`, {
    where: { file: name, line },
    hint: forced ? 'the file is probably Windows-1252: pass --encoding windows-1252, or leave --encoding out to detect it' : 'fix the file, or pass --encoding windows-1252 if the rest of it is Windows-1252',
  })
}
