/**
 * The contract between the CSV scanner (bytes → records) and its consumers (inference, validation). It is
 * byte-oriented on purpose: the inference pass must run at >100 MB/s, so fields are handed over as byte ranges
 * into a buffer the scanner owns, not as strings. A consumer decodes only what it needs.
 */

/** The dialect of a file, as detected or as given on the command line. */
export interface CsvDialect {
  /** Source encoding: the bytes the scanner sees are always UTF-8 after {@link Encoding} handling, except that
   * `windows-1252` input is scanned as-is (ASCII-compatible) and decoded per field. */
  readonly encoding: Encoding
  /** True when the file starts with a byte-order mark (stripped before scanning). */
  readonly bom: boolean
  /** One ASCII character: `,` `;` `\t` `|` (or another single byte given by the user). */
  readonly delimiter: string
  /** Quote character, usually `"`; `''` (empty) when the file uses no quoting. */
  readonly quote: string
  /** Escape inside quotes: equal to `quote` for the RFC 4180 doubled quote, or `\\`. */
  readonly escape: string
  readonly header: boolean
  readonly lineEnding: 'LF' | 'CRLF' | 'CR' | 'mixed'
}

export type Encoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be'

/**
 * Receives every record of a file, in order. The arrays and `buf` are reused between calls: copy what you keep.
 * Field `i` is `buf[start[i] .. end[i])`, already unescaped (doubled quotes collapsed, surrounding quotes
 * removed); `quoted[i]` is 1 when the field was quoted in the file (a quoted empty field is an empty string,
 * an unquoted one is a null candidate).
 */
export interface RecordSink {
  record(
    buf: Uint8Array,
    start: Int32Array,
    end: Int32Array,
    quoted: Uint8Array,
    count: number,
    /** 1-based physical line where the record starts. */
    line: number,
    /** 1-based record number, counting the header when there is one. */
    recordNo: number,
  ): void
}

/** What the scanner learned about the file once it has read all of it. */
export interface ScanSummary {
  readonly dialect: CsvDialect
  /** Data records (the header not counted). */
  readonly records: number
  /** Fields per record (all records must agree; a ragged row is an error). */
  readonly fieldCount: number
  /** Header names as written in the file (decoded), or `column_1…` when there is no header. */
  readonly headerNames: readonly string[]
  readonly bytes: number
  /** Physical lines read. */
  readonly lines: number
  /** Where an invalid UTF-8 sequence made the file Windows-1252 (absolute byte offset, 1-based line). */
  readonly encodingSwitch?: { readonly offset: number; readonly line: number }
  /** Whole-file remarks for the report, e.g. why the encoding is Windows-1252. */
  readonly notes?: readonly string[]
}
