/**
 * One streaming pass over a CSV file: detect the encoding and dialect on the first MiB, then scan every record
 * into a sink. Memory is bounded by the sample and the longest record, never by the file size.
 */
import { openSource, isGzipFile } from './source.js'
import { CsvScanner } from './scanner.js'
import { detectBom, parseEncodingName, Utf8Validator, utf16ToUtf8, decodeField } from './encoding.js'
import { sniffDialect } from './dialect.js'
import type { CsvDialect, Encoding, RecordSink, ScanSummary } from './record.js'
import { DataMigrateError } from '../errors.js'

export { decodeField } from './encoding.js'

/** Dialect overrides; everything not given is detected. */
export interface ReadOptions {
  readonly delimiter?: string
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

/** 1-based line of an absolute byte offset (error path only: re-reads the file). */
async function lineAtOffset(path: string, offset: number): Promise<number> {
  let line = 1
  let seen = 0
  for await (const chunk of openSource(path)) {
    const stop = Math.min(chunk.length, offset - seen)
    for (let i = chunk.indexOf(10); i >= 0 && i < stop; i = chunk.indexOf(10, i + 1)) line++
    seen += chunk.length
    if (seen >= offset) break
  }
  return line
}

/**
 * Scan `path`. `makeSink` is called once, when the dialect and header are known. When an invalid UTF-8
 * sequence shows up after the sample, the file is Windows-1252 and is scanned again from the start with that
 * encoding (so no value is decoded with the wrong one).
 */
export async function scanCsv(path: string, options: ReadOptions, makeSink: (dialect: CsvDialect, headerNames: string[]) => RecordSink): Promise<ScanSummary> {
  let forced: Encoding | undefined
  if (options.encoding !== undefined) {
    forced = parseEncodingName(options.encoding)
    if (!forced) {
      throw new DataMigrateError('INVALID_OPTION', `--encoding ${options.encoding} is not supported`, { hint: 'use utf-8, windows-1252, utf-16le or utf-16be' })
    }
  }
  isGzipFile(path) // raises FILE_NOT_FOUND / FILE_UNREADABLE before anything else
  const first = await scanOnce(path, options, forced, makeSink)
  if (first.kind === 'done') return first.summary
  const second = await scanOnce(path, options, 'windows-1252', makeSink)
  if (second.kind !== 'done') throw new DataMigrateError('INTERNAL', `could not settle the encoding of ${path}`)
  return second.summary
}

type ScanOutcome = { kind: 'done'; summary: ScanSummary } | { kind: 'retry' }

async function scanOnce(path: string, options: ReadOptions, forced: Encoding | undefined, makeSink: (d: CsvDialect, h: string[]) => RecordSink): Promise<ScanOutcome> {
  const name = options.displayName ?? path
  const raw = openSource(path)[Symbol.asyncIterator]()
  let { sample, done } = await readSample(raw, SAMPLE_BYTES)
  let bytes = sample.length
  if (sample.length === 0 || (done && sample.toString('latin1').trim() === '')) {
    throw new DataMigrateError('CSV_EMPTY', 'the file is empty', { where: { file: name }, hint: 'the file has no header and no rows' })
  }
  const bom = detectBom(sample)
  let encoding: Encoding = forced ?? bom?.encoding ?? 'utf-8'
  const hasBom = bom !== undefined && (forced === undefined || forced === bom.encoding)
  if (hasBom) sample = sample.subarray(bom.length)

  // The byte stream the scanner sees: UTF-16 is transcoded to UTF-8 first.
  let stream: AsyncIterator<Uint8Array>
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => raw }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const transcoded = utf16ToUtf8((async function* () {
      yield sample
      if (!done) yield* rest
    })(), encoding)[Symbol.asyncIterator]()
    const s = await readSample(transcoded, SAMPLE_BYTES)
    sample = s.sample
    done = s.done
    stream = transcoded
  } else {
    stream = raw
  }
  const nul = encoding.startsWith('utf-16') ? -1 : sample.indexOf(0)
  if (nul >= 0) throw await binaryError(path, name, nul + (hasBom ? 3 : 0))

  // Encoding: without a BOM or --encoding, a sample that is not valid UTF-8 makes the file Windows-1252.
  const validator = forced === undefined && !hasBom ? new Utf8Validator() : undefined
  if (validator && !validator.push(sample)) {
    encoding = 'windows-1252'
  }
  const sniff = sniffDialect(sample, done, encoding, {
    ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
    ...(options.quote !== undefined && { quote: options.quote }),
    ...(options.header !== undefined && { header: options.header }),
  })
  const width = sniff.rows[0]?.length ?? 1
  const headerNames = sniff.header ? [...(sniff.rows[0] ?? [])] : Array.from({ length: width }, (_, i) => `column_${i + 1}`)
  const dialectBase = { encoding, bom: hasBom, delimiter: sniff.delimiter, quote: sniff.quote, escape: sniff.escape, header: sniff.header }
  // The line ending is only known for sure after the scan; the sink gets the sniffed one.
  const sniffedEol = /\r\n/.test(sample.subarray(0, 65536).toString('latin1')) ? 'CRLF' : /\r(?!\n)/.test(sample.subarray(0, 65536).toString('latin1')) ? 'CR' : 'LF'
  const sink = makeSink({ ...dialectBase, lineEnding: sniffedEol }, headerNames)
  const scanner = new CsvScanner({
    delimiter: sniff.delimiter.charCodeAt(0),
    quote: sniff.quote ? sniff.quote.charCodeAt(0) : -1,
    escape: (sniff.escape || sniff.quote || '"').charCodeAt(0),
    file: name,
  }, sink, sniff.header ? 1 : 0)

  let checking = validator !== undefined && encoding === 'utf-8'
  scanner.push(sample)
  await options.onBytes?.(sample)
  let offset = sample.length + (hasBom ? bom.length : 0)
  if (!done) {
    for (;;) {
      const r = await stream.next()
      if (r.done) break
      const chunk = r.value
      bytes += chunk.length
      if (!encoding.startsWith('utf-16')) {
        const z = chunk.indexOf(0)
        if (z >= 0) throw await binaryError(path, name, offset + z)
      }
      if (checking && !validator!.push(chunk)) {
        // Not UTF-8 after all: start again reading Windows-1252 from the first byte.
        return { kind: 'retry' }
      }
      scanner.push(chunk)
      const wait = options.onBytes?.(chunk)
      if (wait) await wait
      offset += chunk.length
    }
  }
  if (checking && !validator!.end()) return { kind: 'retry' }
  checking = false
  const stats = scanner.end()
  if (sniff.header && stats.records === 0) {
    throw new DataMigrateError('CSV_EMPTY', 'the file has a header but no rows', { where: { file: name }, hint: 'there is nothing to load' })
  }
  return {
    kind: 'done',
    summary: {
      dialect: { ...dialectBase, lineEnding: stats.lineEnding },
      records: stats.records - (sniff.header ? 1 : 0),
      fieldCount: stats.fieldCount,
      headerNames,
      bytes,
      lines: stats.lines,
    },
  }
}

async function binaryError(path: string, name: string, offset: number): Promise<DataMigrateError> {
  const line = await lineAtOffset(path, offset)
  return new DataMigrateError('CSV_BINARY', `NUL byte at byte ${offset}: this is not a text file`, {
    where: { file: name, line },
    hint: 'binary data (or UTF-16 without a byte-order mark) cannot be loaded as CSV; pass --encoding utf-16le if it is UTF-16',
  })
}
