import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtempSync, writeFileSync, rmSync, chmodSync, mkdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { FIX, readAll, errorOf, formatError } from './helpers.js'
import { decodeField } from '../../../src/csv/read.js'
import { Utf8Validator, parseEncodingName } from '../../../src/csv/encoding.js'

const fx = (n: string): string => join(FIX, 'csv', n)
let tmp = ''
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dm-csv-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('scanCsv: files', () => {
  it('pipe and semicolon/CRLF files', async () => {
    const p = await readAll(fx('pipe.csv'))
    expect([p.dialect.delimiter, p.header, p.rows]).toEqual(['|', ['id', 'name', 'note'], [['1', 'Anna', 'a, b; c'], ['2', 'Ben', 'quoted | pipe']]])
    const s = await readAll(fx('semicolon-crlf.csv'))
    expect(s.dialect).toMatchObject({ delimiter: ';', lineEnding: 'CRLF', header: true })
    expect(s.rows).toEqual([['Anna', '1.234,56', '31.01.2024'], ['Ben', '12,00', '05.02.2024']])
  })
  it('backslash escapes and bare quotes', async () => {
    const b = await readAll(fx('backslash-escape.csv'))
    expect(b.dialect.escape).toBe('\\')
    expect(b.rows).toEqual([['1', 'say "hi", then go'], ['2', 'back\\slash'], ['3', 'plain']])
    const q = await readAll(fx('bare-quotes.csv'))
    expect(q.dialect.quote).toBe('')
    expect(q.rows).toEqual([['1', '5" 10', 'short'], ['2', '6"', 'tall']])
  })
  it('CR-only file', async () => {
    const r = await readAll(fx('cr-only.csv'))
    expect([r.dialect.lineEnding, r.rows, r.summary.lines]).toEqual(['CR', [['1', '2'], ['3', '4']], 3])
  })
  it('a header-only file is valid with 0 rows', async () => {
    const r = await readAll(fx('header-only.csv'))
    expect([r.header, r.rows, r.summary.records]).toEqual([['id', 'name'], [], 0])
  })
  it('gzip is recognised by its magic bytes, not the name', async () => {
    const p = join(tmp, 'plain-name.csv')
    writeFileSync(p, gzipSync('a,b\n1,2\n'))
    expect((await readAll(p)).rows).toEqual([['1', '2']])
  })
  it('an invalid UTF-8 byte after the 1 MiB sample: Windows-1252, scanned again, the switch reported', async () => {
    const p = join(tmp, 'late-latin1.csv')
    const row = 'abcdefghij,0123456789\n' // 22 bytes
    const n = 60_000 // 1.32 MB of ASCII, then one Windows-1252 byte
    writeFileSync(p, Buffer.concat([Buffer.from('name,code\n' + row.repeat(n)), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x0a])]))
    const r = await readAll(p)
    expect(r.dialect.encoding).toBe('windows-1252')
    expect(r.rows).toHaveLength(n + 1)
    expect(r.rows[n]).toEqual(['Café', '€'])
    expect(r.summary.encodingSwitch).toEqual({ offset: 10 + 22 * n + 3, line: n + 2 })
    expect(r.sinks).toBe(2) // the first sink saw UTF-8 decoding and was replaced
  })
  it('--encoding overrides: latin1 alias, utf-16 names', async () => {
    expect(parseEncodingName('latin1')).toBe('windows-1252')
    expect(parseEncodingName('CP1252')).toBe('windows-1252')
    expect(parseEncodingName('UTF-16BE')).toBe('utf-16be')
    expect(parseEncodingName('ebcdic')).toBeUndefined()
    const r = await readAll(join(FIX, 'csvkit/test_latin1.csv'), { encoding: 'latin1' })
    expect([r.dialect.encoding, r.rows[1]![2], r.summary.encodingSwitch]).toEqual(['windows-1252', '©', undefined])
    const p = join(tmp, 'u16.csv')
    writeFileSync(p, Buffer.from('a,b\n1,é\n', 'utf16le')) // no BOM
    expect((await readAll(p, { encoding: 'utf-16le' })).rows).toEqual([['1', 'é']])
  })
})

describe('scanCsv: errors', () => {
  it('missing file: FILE_NOT_FOUND with the file', async () => {
    const e = await errorOf(() => readAll(join(tmp, 'nope.csv')))
    expect(e.code).toBe('FILE_NOT_FOUND')
    expect(e.where.file).toBe(join(tmp, 'nope.csv'))
    expect(e.hint).toBeTruthy()
  })
  it('a directory or an unreadable file: FILE_UNREADABLE', async () => {
    const d = join(tmp, 'dir.csv')
    mkdirSync(d)
    expect((await errorOf(() => readAll(d))).code).toBe('FILE_UNREADABLE')
    if (process.getuid?.() !== 0) {
      const p = join(tmp, 'locked.csv')
      writeFileSync(p, 'a\n1\n')
      chmodSync(p, 0)
      expect((await errorOf(() => readAll(p))).code).toBe('FILE_UNREADABLE')
    }
  })
  it('0-byte and white-space-only files: CSV_EMPTY', async () => {
    for (const n of ['zero.csv', 'whitespace.csv']) {
      const e = await errorOf(() => readAll(fx(n), { displayName: n }))
      expect(e.code).toBe('CSV_EMPTY')
      expect(formatError(e)).toContain(n)
    }
  })
  it('ragged row after a multi-line field: physical line 6, record 4', async () => {
    const e = await errorOf(() => readAll(fx('ragged-after-multiline.csv'), { displayName: 'r.csv' }))
    expect(e.code).toBe('CSV_RAGGED_ROW')
    expect(e.message).toBe('the row has 2 fields, the header has 3')
    expect(formatError(e)).toMatch(/^error CSV_RAGGED_ROW: r\.csv:6 \(record 4\): /)
  })
  it('unterminated quote names the line where it opened', async () => {
    const e = await errorOf(() => readAll(fx('unterminated.csv'), { displayName: 'u.csv' }))
    expect(e.code).toBe('CSV_UNTERMINATED_QUOTE')
    expect(e.where).toEqual({ file: 'u.csv', line: 2, record: 2 })
  })
  it('a trailing empty line and mixed line endings are refused (COPY would fail on them)', async () => {
    const t = await errorOf(() => readAll(fx('trailing-empty-line.csv')))
    expect([t.code, t.where.line]).toEqual(['CSV_RAGGED_ROW', 3])
    const m = await errorOf(() => readAll(fx('mixed-eol.csv')))
    expect([m.code, m.where.line]).toEqual(['CSV_DIALECT', 2])
  })
  it('a NUL byte after the sample: CSV_BINARY with the right line', async () => {
    const p = join(tmp, 'late-nul.csv')
    writeFileSync(p, Buffer.concat([Buffer.from('a,b\n' + '1,2\n'.repeat(300_000)), Buffer.from([0x33, 0x00, 0x0a])]))
    const e = await errorOf(() => readAll(p, { displayName: 'n.csv' }))
    expect([e.code, e.where]).toEqual(['CSV_BINARY', { file: 'n.csv', line: 300_002 }])
  })
  it('bad overrides: INVALID_OPTION', async () => {
    expect((await errorOf(() => readAll(fx('pipe.csv'), { encoding: 'ebcdic' }))).code).toBe('INVALID_OPTION')
    expect((await errorOf(() => readAll(fx('pipe.csv'), { delimiter: '||' }))).code).toBe('INVALID_OPTION')
    expect((await errorOf(() => readAll(fx('pipe.csv'), { delimiter: '"' }))).code).toBe('INVALID_OPTION')
  })
})

describe('encoding helpers', () => {
  it('decodeField: ASCII, UTF-8, Windows-1252 (0x80-0x9F table)', () => {
    const b = Buffer.from([0x41, 0x80, 0x93, 0x94, 0xe9, 0x9f])
    expect(decodeField(b, 0, 1, 'utf-8')).toBe('A')
    expect(decodeField(b, 0, 6, 'windows-1252')).toBe('A€“”éŸ')
    const u = Buffer.from('x€😀')
    expect(decodeField(u, 1, u.length, 'utf-8')).toBe('€😀')
  })
  it('Utf8Validator: sequences straddling chunks, the offset of the first invalid byte', () => {
    const euro = Buffer.from('ab€cd') // € = e2 82 ac at offset 2
    for (let cut = 0; cut <= euro.length; cut++) {
      const v = new Utf8Validator()
      expect(v.push(euro.subarray(0, cut)) && v.push(euro.subarray(cut)) && v.end()).toBe(true)
    }
    const v = new Utf8Validator()
    expect(v.push(Buffer.from('abc'))).toBe(true)
    expect(v.push(Buffer.from([0x64, 0xe9, 0x2c]))).toBe(false)
    expect(v.invalidAt).toBe(4)
    const t = new Utf8Validator()
    t.push(Buffer.from([0x61, 0xe2, 0x82]))
    expect(t.end()).toBe(false) // truncated sequence at the end
    expect(t.invalidAt).toBe(1)
  })
})
