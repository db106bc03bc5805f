import { describe, it, expect } from 'vitest'
import { sniffDialect, looksLikeHeader } from '../../../src/csv/dialect.js'

const sniff = (s: string, o: Parameters<typeof sniffDialect>[3] = {}): ReturnType<typeof sniffDialect> => sniffDialect(Buffer.from(s), true, 'utf-8', o)
const pick = (r: ReturnType<typeof sniffDialect>): object => ({ delimiter: r.delimiter, quote: r.quote, escape: r.escape, header: r.header, lineEnding: r.lineEnding })

describe('sniffDialect', () => {
  it('delimiters , ; tab | by field-count consistency, quote-aware', () => {
    expect(sniff('a,b,c\n1,2,3\n').delimiter).toBe(',')
    expect(sniff('name;price;day\r\nAnna;1.234,56;31.01.2024\r\nBen;12,00;05.02.2024\r\n')).toMatchObject({ delimiter: ';', lineEnding: 'CRLF', header: true })
    expect(sniff('a\tb\n"x,y"\t2\n').delimiter).toBe('\t')
    expect(sniff('id|name|note\n1|Anna|a, b; c\n2|Ben|"quoted | pipe"\n').delimiter).toBe('|')
  })
  it('ties go to more columns, then the order , tab ; |', () => {
    expect(sniff('a;b,c\n1;2,3\n').delimiter).toBe(',')
    expect(sniff('a;b|c;d\n1;2|3;4\n').delimiter).toBe(';') // 3 columns beat 2
    expect(sniff('single\nvalue\n').delimiter).toBe(',')
  })
  it('escape: backslash when \\" appears inside quoted fields, doubled quote otherwise', () => {
    expect(pick(sniff('id,t\n1,"say \\"hi\\", go"\n2,x\n'))).toEqual({ delimiter: ',', quote: '"', escape: '\\', header: true, lineEnding: 'LF' })
    expect(sniff('id,t\n1,"say ""hi"""\n').escape).toBe('"')
  })
  it('quote: none when bare quotes only appear inside fields', () => {
    expect(pick(sniff('id,height,label\n1,5" 10,short\n2,6",tall\n'))).toEqual({ delimiter: ',', quote: '', escape: '', header: true, lineEnding: 'LF' })
  })
  it('line endings LF, CRLF, CR, mixed; quoted breaks do not count', () => {
    expect(sniff('a,b\n1,"x\r\ny"\n').lineEnding).toBe('LF')
    expect(sniff('a,b\r1,2\r').lineEnding).toBe('CR')
    expect(sniff('a,b\r\n1,2\n3,4\n').lineEnding).toBe('mixed')
  })
  it('overrides win', () => {
    expect(pick(sniff('a;b,c\n1;2,3\n', { delimiter: ';', header: false, quote: '' }))).toEqual({ delimiter: ';', quote: '', escape: '', header: false, lineEnding: 'LF' })
  })
  it('a sample cut mid-record ignores the partial last line', () => {
    const r = sniffDialect(Buffer.from('a;b\n1;2\n3;"unfinish'), false, 'utf-8')
    expect([r.delimiter, r.rows]).toEqual([';', [['a', 'b'], ['1', '2']]])
  })
})

describe('looksLikeHeader', () => {
  it('yes when a typed column (number, date, boolean) has a text first cell', () => {
    expect(looksLikeHeader([['id', 'name'], ['1', 'x'], ['2', 'y']])).toBe(true)
    expect(looksLikeHeader([['day', 'n'], ['2024-01-31', 'a'], ['2024-02-01', 'b']])).toBe(true)
    expect(looksLikeHeader([['gift', 'who'], ['true', 'a'], ['false', 'a']])).toBe(true)
  })
  it('no when the first row is of the same type as the body', () => {
    expect(looksLikeHeader([['1', 'x'], ['2', 'y']])).toBe(false)
    expect(looksLikeHeader([['2024-01-01', 'x'], ['2024-02-01', 'y']])).toBe(false)
  })
  it('all text: yes when first-row cells are non-empty, distinct and never recur in their column', () => {
    expect(looksLikeHeader([['name', 'city'], ['Anna', 'Oslo'], ['Ben', 'Rome']])).toBe(true)
    expect(looksLikeHeader([['Anna', 'Oslo'], ['Anna', 'Rome']])).toBe(false) // recurs
    expect(looksLikeHeader([['x', 'x'], ['a', 'b']])).toBe(false) // not distinct
    expect(looksLikeHeader([['x', ''], ['a', 'b']])).toBe(false) // empty cell
  })
  it('a single row: a header when its cells are names', () => {
    expect(looksLikeHeader([['id', 'name']])).toBe(true)
    expect(looksLikeHeader([['4', '5']])).toBe(false)
  })
})
