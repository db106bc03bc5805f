import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CsvScanner } from '../../../src/csv/scanner.js'
import { scanCsv } from '../../../src/csv/read.js'
import { decodeField } from '../../../src/csv/encoding.js'
import type { CsvDialect, RecordSink } from '../../../src/csv/record.js'
import { isDataMigrateError } from '../../../src/errors.js'

const FIX = resolve(import.meta.dirname, '../../fixtures')

/** Scan bytes with the given dialect, pushed in the given chunk sizes; returns decoded rows. */
function scanBytes(bytes: Uint8Array, delimiter = ',', quote = '"', splits: number[] = []): string[][] {
  const rows: string[][] = []
  const sink: RecordSink = {
    record(buf, start, end, _q, count) {
      const r: string[] = []
      for (let i = 0; i < count; i++) r.push(decodeField(buf, start[i]!, end[i]!, 'utf-8'))
      rows.push(r)
    },
  }
  const s = new CsvScanner({ delimiter: delimiter.charCodeAt(0), quote: quote ? quote.charCodeAt(0) : -1, escape: (quote || '"').charCodeAt(0), file: 'mem.csv' }, sink)
  let at = 0
  for (const n of splits) {
    s.push(bytes.subarray(at, Math.min(bytes.length, at + n)))
    at = Math.min(bytes.length, at + n)
  }
  s.push(bytes.subarray(at))
  s.end()
  return rows
}

/** All rows of a file through the real entry point (dialect detection included). */
async function readAll(path: string, opts: Parameters<typeof scanCsv>[1] = {}): Promise<{ dialect: CsvDialect; header: string[]; rows: string[][] }> {
  const rows: string[][] = []
  let dialect: CsvDialect | undefined
  let header: string[] = []
  await scanCsv(path, opts, (d, h) => {
    dialect = d
    header = h
    return {
      record(buf, start, end, _q, count) {
        const r: string[] = []
        for (let i = 0; i < count; i++) r.push(decodeField(buf, start[i]!, end[i]!, d.encoding))
        rows.push(r)
      },
    }
  })
  return { dialect: dialect!, header, rows }
}

describe('csv scanner: csv-spectrum', () => {
  const dir = join(FIX, 'csv-spectrum/csvs')
  for (const f of readdirSync(dir)) {
    it(`${f} parses to exactly its JSON`, async () => {
      const expected = JSON.parse(readFileSync(join(FIX, 'csv-spectrum/json', f.replace(/\.csv$/, '.json')), 'utf8')) as Record<string, string>[]
      const { header, rows } = await readAll(join(dir, f), { header: true })
      expect(rows.map((r) => Object.fromEntries(r.map((v, i) => [header[i], v])))).toEqual(expected)
    })
  }
})

describe('csv scanner: awkward real files (csvkit examples)', () => {
  const f = (n: string): string => join(FIX, 'csvkit', n)
  it('UTF-8 BOM is stripped from the header', async () => {
    const r = await readAll(f('test_utf8_bom.csv'))
    expect(r.dialect).toMatchObject({ encoding: 'utf-8', bom: true, header: true })
    expect(r.header).toEqual(['foo', 'bar', 'baz'])
    expect(r.rows[1]![2]).toBe('ʤ')
  })
  it('UTF-16 LE and BE are transcoded', async () => {
    for (const n of ['test_utf16_little.csv', 'test_utf16_big.csv']) {
      const r = await readAll(f(n))
      expect(r.header).toEqual(['a', 'b', 'c'])
      expect(r.rows).toEqual([['1', '2', '3'], ['4', '5', 'ʤ']])
    }
  })
  it('a file that is not UTF-8 is read as Windows-1252', async () => {
    const r = await readAll(f('test_latin1.csv'))
    expect(r.dialect.encoding).toBe('windows-1252')
    expect(r.rows[1]![2]).toBe('©')
  })
  it('old Mac CR line endings, with a quoted CR inside a field', async () => {
    const r = await readAll(f('mac_newlines.csv'))
    expect(r.dialect.lineEnding).toBe('CR')
    expect(r.rows).toEqual([['1', '2', '3'], ['Once upon\ra time', '5', '6']])
  })
  it('tab-delimited and gzip-compressed files', async () => {
    expect((await readAll(f('dummy.tsv'))).dialect.delimiter).toBe('\t')
    expect((await readAll(f('dummy.csv.gz'))).rows).toEqual([['1', '2', '3']])
  })
  it('detects a missing header', async () => {
    const r = await readAll(f('no_header_row.csv'))
    expect(r.dialect.header).toBe(false)
    expect(r.header).toEqual(['column_1', 'column_2', 'column_3'])
    expect(r.rows).toEqual([['1', '2', '3']])
  })
  it('a NUL byte is binary data: CSV_BINARY with the line', async () => {
    const e = await readAll(f('null_byte.csv')).catch((x: unknown) => x)
    expect(isDataMigrateError(e, 'CSV_BINARY')).toBe(true)
    expect((e as { where: { line: number } }).where.line).toBe(2)
  })
  it('a ragged row is CSV_RAGGED_ROW naming the line', async () => {
    const e = await readAll(f('bad.csv')).catch((x: unknown) => x)
    expect(isDataMigrateError(e, 'CSV_RAGGED_ROW')).toBe(true)
    expect((e as { where: { line: number } }).where.line).toBe(2)
  })
})

describe('csv scanner: errors and PostgreSQL COPY agreement', () => {
  const bytes = (s: string): Uint8Array => Buffer.from(s)
  it('an empty line in a multi-column file is ragged (COPY would reject it)', () => {
    expect(() => scanBytes(bytes('a,b\n1,2\n\n3,4\n'))).toThrow(/the line is empty/)
  })
  it('mixed line endings are refused (COPY cannot load them)', () => {
    expect(() => scanBytes(bytes('a,b\r\n1,2\n'))).toThrow(/ends with LF but earlier lines end with CRLF/)
  })
  it('a quote inside an unquoted field is refused (COPY would read it as a quote)', () => {
    expect(() => scanBytes(bytes('a,b\n1,5"x\n'))).toThrow(/quote character inside the unquoted field 2/)
  })
  it('text after a closing quote is refused', () => {
    expect(() => scanBytes(bytes('a,b\n"x"y,1\n'))).toThrow(/after the closing quote/)
  })
  it('counts physical lines through quoted newlines', () => {
    const e = (() => {
      try {
        scanBytes(bytes('a,b\n"x\ny\nz",1\n2\n'))
      } catch (x) {
        return x
      }
    })()
    expect((e as { where: { line: number } }).where.line).toBe(5)
  })
})

/** RFC 4180 writer used as the reference for the property tests. */
function writeCsv(rows: string[][], d: string, eol: string): string {
  return rows.map((r) => r.map((v) => (v === '' || /[",\r\n;|\t]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v)).join(d)).join(eol) + eol
}

describe('csv scanner: properties', () => {
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '"', '""', ',', ';', '\t', '|', '\n', '\r\n', 'a"b', 'é€😀', ' x '))
  const table = fc.integer({ min: 1, max: 6 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 25 }))
  const dialect = fc.record({ d: fc.constantFrom(',', ';', '\t', '|'), eol: fc.constantFrom('\n', '\r\n') })
  const splits = fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 40 })

  it('any table written with proper quoting reads back exactly, whatever the chunk splits', () => {
    fc.assert(
      fc.property(table, dialect, splits, (rows, { d, eol }, cuts) => {
        // Every field is quoted when needed; quoting empty fields keeps them '' (not null) as COPY reads them.
        const text = writeCsv(rows, d, eol)
        expect(scanBytes(Buffer.from(text), d, '"', cuts)).toEqual(rows)
      }),
      { numRuns: 300 },
    )
  })

  it('agrees with papaparse (reference parser) on the same inputs', () => {
    fc.assert(
      fc.property(table, dialect, (rows, { d, eol }) => {
        const text = writeCsv(rows, d, eol)
        const ref = Papa.parse<string[]>(text, { delimiter: d, newline: eol as '\n' | '\r\n', quoteChar: '"' })
        const refRows = ref.data.filter((r, i) => !(i === ref.data.length - 1 && r.length === 1 && r[0] === ''))
        expect(scanBytes(Buffer.from(text), d)).toEqual(refRows)
      }),
      { numRuns: 300 },
    )
  })
})
