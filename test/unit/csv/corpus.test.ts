import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIX, readAll, errorOf, formatError } from './helpers.js'

describe('csv-spectrum: every file parses to exactly its JSON', () => {
  const dir = join(FIX, 'csv-spectrum/csvs')
  const files = readdirSync(dir)
  it('has all 11 files', () => expect(files).toHaveLength(11))
  for (const f of files) {
    it(f, async () => {
      const expected = JSON.parse(readFileSync(join(FIX, 'csv-spectrum/json', f.replace(/\.csv$/, '.json')), 'utf8')) as Record<string, string>[]
      // Detected, not forced: every spectrum file has a header (all-text columns, distinct names).
      const { header, rows, dialect } = await readAll(join(dir, f))
      expect(dialect.header).toBe(true)
      expect(dialect.delimiter).toBe(',')
      expect(rows.map((r) => Object.fromEntries(r.map((v, i) => [header[i], v])))).toEqual(expected)
    })
  }
  it('line endings are detected', async () => {
    expect((await readAll(join(dir, 'simple_crlf.csv'))).dialect.lineEnding).toBe('CRLF')
    expect((await readAll(join(dir, 'simple.csv'))).dialect.lineEnding).toBe('LF')
    // CRLF between records, LF inside a quoted field: still CRLF (quoted breaks are data).
    const nl = await readAll(join(dir, 'newlines_crlf.csv'))
    expect(nl.dialect.lineEnding).toBe('CRLF')
    expect(nl.rows[1]![0]).toBe('Once upon \r\na time')
    expect(nl.recs.map((r) => r.line)).toEqual([2, 3, 5])
  })
})

describe('csvkit examples', () => {
  const f = (n: string): string => join(FIX, 'csvkit', n)

  it('dummy.csv: header and one row', async () => {
    const r = await readAll(f('dummy.csv'))
    expect(r.dialect).toEqual({ encoding: 'utf-8', bom: false, delimiter: ',', quote: '"', escape: '"', header: true, lineEnding: 'LF' })
    expect(r.header).toEqual(['a', 'b', 'c'])
    expect(r.rows).toEqual([['1', '2', '3']])
    expect(r.summary).toMatchObject({ records: 1, fieldCount: 3, lines: 2, bytes: 12 })
  })
  it('UTF-8 BOM: stripped from the first header cell', async () => {
    const r = await readAll(f('test_utf8_bom.csv'))
    expect(r.dialect).toMatchObject({ encoding: 'utf-8', bom: true, header: true })
    expect(r.header).toEqual(['foo', 'bar', 'baz'])
    expect(r.rows).toEqual([['1', '2', '3'], ['4', '5', 'ʤ']])
  })
  it('UTF-16 LE and BE (with BOM) are transcoded to UTF-8 before scanning', async () => {
    for (const [n, enc] of [['test_utf16_little.csv', 'utf-16le'], ['test_utf16_big.csv', 'utf-16be']] as const) {
      const r = await readAll(f(n))
      expect(r.dialect).toMatchObject({ encoding: enc, bom: true, header: true })
      expect(r.header).toEqual(['a', 'b', 'c'])
      expect(r.rows).toEqual([['1', '2', '3'], ['4', '5', 'ʤ']])
    }
  })
  it('latin1: not valid UTF-8, read as Windows-1252, the switch is reported', async () => {
    const r = await readAll(f('test_latin1.csv'))
    expect(r.dialect.encoding).toBe('windows-1252')
    expect(r.rows).toEqual([['1', '2', '3'], ['4', '5', '©']])
    expect(r.summary.encodingSwitch).toEqual({ offset: 16, line: 3 })
    expect(r.summary.notes).toEqual(['not valid UTF-8 (byte 16, line 3): read as Windows-1252'])
    expect(r.sinks).toBe(1) // decided in the sample: no second pass
  })
  it('latin1 with --encoding utf-8 is CSV_ENCODING naming the line', async () => {
    const e = await errorOf(() => readAll(f('test_latin1.csv'), { encoding: 'utf-8' }))
    expect(e.code).toBe('CSV_ENCODING')
    expect(e.where).toEqual({ file: f('test_latin1.csv'), line: 3 })
  })
  it('mac_newlines: CR-only line ends, a quoted CR inside a field', async () => {
    const r = await readAll(f('mac_newlines.csv'))
    expect(r.dialect.lineEnding).toBe('CR')
    expect(r.rows).toEqual([['1', '2', '3'], ['Once upon\ra time', '5', '6']])
    expect(r.recs.map((x) => [x.line, x.recordNo])).toEqual([[2, 2], [3, 3]])
    expect(r.summary.lines).toBe(4)
  })
  it('null_byte: CSV_BINARY naming file and line', async () => {
    const e = await errorOf(() => readAll(f('null_byte.csv')))
    expect(e.code).toBe('CSV_BINARY')
    expect(e.where).toEqual({ file: f('null_byte.csv'), line: 2 })
    expect(e.message).toMatch(/^NUL byte at byte \d+/)
    expect(formatError(e)).toContain(`${f('null_byte.csv')}:2`)
  })
  it('bad.csv: the row with 4 fields is CSV_RAGGED_ROW at line 2 (record 2)', async () => {
    const e = await errorOf(() => readAll(f('bad.csv'), { displayName: 'bad.csv' }))
    expect(e.code).toBe('CSV_RAGGED_ROW')
    expect(e.message).toBe('the row has 4 fields, the header has 3')
    expect(e.where).toEqual({ file: 'bad.csv', line: 2, record: 2 })
    expect(formatError(e)).toMatch(/^error CSV_RAGGED_ROW: bad\.csv:2 \(record 2\): the row has 4 fields/)
  })
  it('no_header_row*: all-numeric first rows are data', async () => {
    for (const [n, rows] of [['no_header_row.csv', [['1', '2', '3']]], ['no_header_row2.csv', [['4', '5', '6']]], ['no_header_row3.csv', [['1', '2', '3'], ['4', '5', '6']]]] as const) {
      const r = await readAll(f(n))
      expect(r.dialect.header).toBe(false)
      expect(r.header).toEqual(['column_1', 'column_2', 'column_3'])
      expect(r.rows).toEqual(rows)
      expect(r.recs[0]!.recordNo).toBe(1)
    }
  })
  it('--header forces a header on a numeric first row', async () => {
    const r = await readAll(f('no_header_row3.csv'), { header: true })
    expect(r.header).toEqual(['1', '2', '3'])
    expect(r.rows).toEqual([['4', '5', '6']])
  })
  it('optional_quote_characters: every field quoted, flagged quoted', async () => {
    const r = await readAll(f('optional_quote_characters.csv'))
    expect(r.header).toEqual(['a', 'b', 'c'])
    expect(r.recs).toEqual([{ values: ['1', '2', '3'], quoted: [1, 1, 1], line: 2, recordNo: 2 }])
  })
  it('dummy.csv.gz: gunzipped by its magic bytes', async () => {
    const r = await readAll(f('dummy.csv.gz'))
    expect(r.header).toEqual(['a', 'b', 'c'])
    expect(r.rows).toEqual([['1', '2', '3']])
  })
  it('dummy.tsv: tab; sniff_limit.csv: semicolon', async () => {
    const t = await readAll(f('dummy.tsv'))
    expect([t.dialect.delimiter, t.header, t.rows]).toEqual(['\t', ['a', 'b', 'c'], [['1', '2', '3']]])
    const s = await readAll(f('sniff_limit.csv'))
    expect([s.dialect.delimiter, s.header, s.rows]).toEqual([';', ['a', 'b', 'c'], [['1', '2', '3']]])
  })
  it('test_header_newline: control characters and line breaks inside a quoted header cell', async () => {
    const r = await readAll(f('test_header_newline.csv'))
    expect(r.header).toEqual(['\t\n\v\f\r start \t\n\v\f\r end \t\n\v\f\r', 'b', 'c'])
    expect(r.rows).toEqual([['d', 'e', 'f']])
    // The header holds 6 physical line breaks (3 LF, 3 lone CR), so the data row starts on line 8.
    expect(r.recs[0]!.line).toBe(8)
  })
  it('empty.csv (a lone line break) is CSV_EMPTY', async () => {
    const e = await errorOf(() => readAll(f('empty.csv')))
    expect(e.code).toBe('CSV_EMPTY')
    expect(e.where.file).toBe(f('empty.csv'))
  })
  it('test_skip_lines: leading blank lines are an empty first record, so the header row is ragged', async () => {
    // COPY would read the blank lines as rows too; we refuse rather than guess a preamble (duckdb#25827).
    const e = await errorOf(() => readAll(f('test_skip_lines.csv')))
    expect(e.code).toBe('CSV_RAGGED_ROW')
    expect(e.message).toBe('the row has 3 fields, the first record has 1')
  })
})
