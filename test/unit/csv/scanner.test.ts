import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import { CsvScanner } from '../../../src/csv/scanner.js'
import { scanBytes, scanRows, collect, dialect, errorOf } from './helpers.js'

/** Every split of `text` into two and three chunks gives the same rows as one chunk. */
function splitInvariant(text: string, d: Parameters<typeof scanBytes>[1] = {}): string[][] {
  const whole = scanBytes(text, d)
  const n = Buffer.byteLength(text)
  for (let i = 0; i <= n; i++) {
    expect(scanBytes(text, d, [i])).toEqual(whole)
    for (let j = 1; j + i <= n; j += 3) expect(scanBytes(text, d, [i, j])).toEqual(whole)
  }
  return whole
}

describe('CsvScanner: records', () => {
  it('quoted delimiters, doubled quotes, quoted CRLF kept as-is, final record without line break', () => {
    expect(splitInvariant('a,"b,c","say ""hi""","x\r\ny"\r\n1,,"",\r\nlast,"",z,"\n"')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['1', '', '', ''],
      ['last', '', 'z', '\n'],
    ])
  })
  it('quoted flags: unquoted empty (null candidate) vs quoted empty', () => {
    expect(scanRows('a,"",b\n').map((r) => r.quoted)).toEqual([[0, 1, 0]])
  })
  it('CR-only line ends, CR split from LF across chunks is still CRLF', () => {
    expect(splitInvariant('a,b\r1,2\r"x\ry",3\r')).toEqual([['a', 'b'], ['1', '2'], ['x\ry', '3']])
    expect(splitInvariant('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']])
  })
  it('the empty remainder after the last line break is not a record; one-column blank lines are', () => {
    expect(scanBytes('a\n1\n')).toEqual([['a'], ['1']])
    expect(scanBytes('a\n\n2\n')).toEqual([['a'], [''], ['2']])
  })
  it('backslash escape: \\" and \\\\ inside quotes', () => {
    expect(splitInvariant('id,t\n1,"say \\"hi\\", go"\n2,"back\\\\slash"\n3,"a\\b"\n', { escape: '\\' })).toEqual([
      ['id', 't'], ['1', 'say "hi", go'], ['2', 'back\\slash'], ['3', 'a\\b'],
    ])
  })
  it('no quoting: quotes are literal bytes', () => {
    expect(scanBytes('a,b\n5" 10,"x\n', { quote: '', escape: '' })).toEqual([['a', 'b'], ['5" 10', '"x']])
  })
  it('other delimiters; UTF-8 and Windows-1252 bytes pass through untouched', () => {
    expect(scanBytes('a;b|c\tD\n', { delimiter: '|' })).toEqual([['a;b', 'c\tD']])
    expect(scanBytes('é;€😀\n', { delimiter: ';' })).toEqual([['é', '€😀']])
  })
  it('physical line and record numbers, header skipped but counted', () => {
    const { sink, rows } = collect()
    const s = new CsvScanner(dialect({ header: true }), sink, { file: 'f.csv' })
    s.push(Buffer.from('h1,h2\n1,"a\nb"\n2,c\n'))
    const stats = s.end()
    expect(rows.map((r) => [r.values, r.line, r.recordNo])).toEqual([[['1', 'a\nb'], 2, 2], [['2', 'c'], 4, 3]])
    expect(stats).toEqual({ records: 3, lines: 4, fieldCount: 2, lineEnding: 'LF' })
  })
  it('byte-level constructor (used by the inference worker) still works', () => {
    const { sink, rows } = collect()
    const s = new CsvScanner({ delimiter: 59, quote: 34, escape: 34, file: 'w' }, sink, 1)
    s.push(Buffer.from('a;b\n1;2\n'))
    s.end()
    expect(rows.map((r) => r.values)).toEqual([['1', '2']])
  })
  it('typed arrays are reused and grow for wide records', () => {
    const wide = Array.from({ length: 300 }, (_, i) => `c${i}`).join(',')
    expect(scanBytes(`${wide}\n${wide}\n`)[1]).toHaveLength(300)
  })
  it('a record larger than a chunk, split every byte', () => {
    const big = 'x'.repeat(5000)
    expect(scanBytes(`a,"${big}\n${big}"\n`, {}, Array(12000).fill(1))).toEqual([['a', `${big}\n${big}`]])
  })
})

describe('CsvScanner: errors name the file, the physical line and the record', () => {
  const header = { header: true }
  it('ragged row', async () => {
    const e = await errorOf(() => scanBytes('a,b,c\n1,2,3\n4,5\n', header))
    expect(e.code).toBe('CSV_RAGGED_ROW')
    expect(e.message).toBe('the row has 2 fields, the header has 3')
    expect(e.where).toEqual({ file: 'mem.csv', line: 3, record: 3 })
    expect(e.exitCode).toBe(2)
  })
  it('ragged row after a multi-line field: line and record differ', async () => {
    const e = await errorOf(() => scanBytes('id,note,n\n1,"multi\nline\nnote",1\n2,x,2\n3,y\n', header))
    expect(e.message).toBe('the row has 2 fields, the header has 3')
  })
  it('an empty line (also the last one) in a multi-column file: COPY reads it as a short row', async () => {
    const e = await errorOf(() => scanBytes('a,b\n1,2\n\n', header))
    expect(e.message).toBe('the row is empty, the header has 2')
    expect(e.hint).toMatch(/remove the empty line/)
  })
  it('unterminated quote names the line where the quote opened', async () => {
    const e = await errorOf(() => scanBytes('id,note\n1,"never\nclosed\n2,x\n', header))
    expect(e.code).toBe('CSV_UNTERMINATED_QUOTE')
    expect(e.message).toBe('the row opens quoted field 2, which is never closed')
    expect(e.where).toEqual({ file: 'mem.csv', line: 2, record: 2 })
  })
  it('a quote inside an unquoted field is CSV_BAD_QUOTE (COPY would open a quoted section there)', async () => {
    const e = await errorOf(() => scanBytes('a,b\n1,5"x\n'))
    expect(e.code).toBe('CSV_BAD_QUOTE')
    expect(e.message).toBe('the row has a quote character inside the unquoted field 2')
  })
  it('text after a closing quote is CSV_BAD_QUOTE (COPY would glue it on)', async () => {
    const e = await errorOf(() => scanBytes('a,b\n"x"y,1\n'))
    expect(e.code).toBe('CSV_BAD_QUOTE')
    expect(e.message).toBe('the row has text after the closing quote of field 1')
  })
  it('mixed line endings are CSV_DIALECT (COPY: "unquoted newline found in data")', async () => {
    const e = await errorOf(() => scanBytes('a,b\r\n1,2\n'))
    expect(e.code).toBe('CSV_DIALECT')
    expect(e.message).toBe('the row ends with LF but earlier lines end with CRLF')
  })
})

/** RFC 4180 writer: quotes a field when needed; empty fields are quoted too (so they read back as '' not null). */
function writeCsv(rows: readonly (readonly string[])[], d: string, eol: string): string {
  return rows.map((r) => r.map((v) => (v === '' || /["\r\n]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v)).join(d)).join(eol) + eol
}

describe('CsvScanner: properties', () => {
  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom('', '"', '""', ',', ';', '\t', '|', '\n', '\r', '\r\n', 'a"b', 'é€😀', ' x ', '\\', '\\"'),
  )
  const table = fc.integer({ min: 1, max: 6 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 25 }))
  const dia = fc.record({ d: fc.constantFrom(',', ';', '\t', '|'), eol: fc.constantFrom('\n', '\r\n') })
  const splits = fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 40 })

  it('any table written with proper quoting reads back exactly, whatever the chunk splits', () => {
    fc.assert(
      fc.property(table, dia, splits, (rows, { d, eol }, cuts) => {
        const text = writeCsv(rows, d, eol)
        expect(scanBytes(text, { delimiter: d }, cuts)).toEqual(rows)
      }),
      { numRuns: 500 },
    )
  })

  it('agrees with papaparse (reference parser) on the same inputs', () => {
    fc.assert(
      fc.property(table, dia, (rows, { d, eol }) => {
        const text = writeCsv(rows, d, eol)
        const ref = Papa.parse<string[]>(text, { delimiter: d, newline: eol as '\n' | '\r\n', quoteChar: '"' })
        expect(ref.errors).toEqual([])
        // papaparse reports the empty remainder after the final line break as a row; we do not.
        const refRows = ref.data.filter((r, i) => !(i === ref.data.length - 1 && r.length === 1 && r[0] === ''))
        expect(scanBytes(text, { delimiter: d })).toEqual(refRows)
      }),
      { numRuns: 500 },
    )
  })

  it('physical line numbers equal the line breaks before each record', () => {
    fc.assert(
      fc.property(table, dia, (rows, { d, eol }) => {
        const text = writeCsv(rows, d, eol)
        let line = 1
        const expected = rows.map((r) => {
          const at = line
          line += r.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0) + 1
          return at
        })
        expect(scanRows(text, { delimiter: d }).map((r) => r.line)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })
})
