import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { createInference } from '../../../src/schema/infer.js'
import { columnNames, validateTableName } from '../../../src/schema/identifiers.js'
import { renderType, type InferOptions, type InferredSchema } from '../../../src/schema/model.js'
import type { CsvDialect } from '../../../src/csv/record.js'
import { isDataMigrateError } from '../../../src/errors.js'

const DIALECT: CsvDialect = { encoding: 'utf-8', bom: false, delimiter: ',', quote: '"', escape: '"', header: true, lineEnding: 'LF' }

/** Feed string records (a value `null` is an unquoted empty field; `''` a quoted empty one). */
export function infer(header: string[], rows: (string | null)[][], options: InferOptions = {}, dialect: Partial<CsvDialect> = {}): InferredSchema {
  const inf = createInference({ ...DIALECT, ...dialect }, header, options)
  const start = new Int32Array(header.length)
  const end = new Int32Array(header.length)
  const quoted = new Uint8Array(header.length)
  rows.forEach((r, k) => {
    const parts: Buffer[] = []
    let at = 0
    r.forEach((v, i) => {
      const b = Buffer.from(v ?? '', 'utf8')
      start[i] = at
      end[i] = at + b.length
      quoted[i] = v === '' ? 1 : 0
      at += b.length
      parts.push(b)
    })
    inf.record(Buffer.concat(parts), start, end, quoted, r.length, k + 2, k + 2)
  })
  return inf.finish({ records: rows.length, bytes: 0 })
}

function typeOf(values: (string | null)[], options: InferOptions = {}, dialect: Partial<CsvDialect> = {}): string {
  const s = infer(['v'], values.map((v) => [v]), options, dialect)
  return renderType(s.columns[0]!.type)
}

describe('inference: types from every row', () => {
  it('a decimal at row 180,000 makes an integer column numeric', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => String(i))
    values[179_999] = '12.5'
    expect(typeOf(values)).toBe('numeric(7,1)')
  })
  it('a text value at the end makes the column text', () => {
    const values = Array.from({ length: 5000 }, (_, i) => String(i))
    values.push('D1000263')
    const s = infer(['v'], values.map((v) => [v]))
    expect(renderType(s.columns[0]!.type)).toBe('text')
    expect(s.columns[0]!.notes.join()).toMatch(/5000 value\(s\) looked typed until record 5002/)
  })
  it('integer widths from the observed range, beyond bigint → numeric', () => {
    expect(typeOf(['1', '-32768', '32767'])).toBe('smallint')
    expect(typeOf(['1', '40000'])).toBe('integer')
    expect(typeOf(['1', '3000000000'])).toBe('bigint')
    expect(typeOf(['9223372036854775807', '-9223372036854775808'])).toBe('bigint')
    expect(typeOf(['9223372036854775808'])).toBe('numeric(19,0)')
  })
  it('leading zeros keep codes as text (lone 0 and 0.5 are numbers)', () => {
    expect(typeOf(['02134', '12345'])).toBe('text')
    expect(typeOf(['007', '1'])).toBe('text')
    expect(typeOf(['007.1'])).toBe('text')
    expect(typeOf(['0', '5'])).toBe('smallint')
    expect(typeOf(['0.5', '10.25'])).toBe('numeric(4,2)')
  })
  it('numeric(p,s) counts trailing zeros in the scale', () => {
    expect(typeOf(['7.10', '123.4'])).toBe('numeric(5,2)')
  })
  it('exponent notation → double precision', () => {
    expect(typeOf(['1.5e3', '2E-2', '7'])).toBe('double precision')
  })
  it('decimal comma with thousands dots, consistent in the column', () => {
    const s = infer(['v'], [['1.234,56'], ['12,5'], ['7']])
    expect(renderType(s.columns[0]!.type)).toBe('numeric(6,2)')
    expect(s.columns[0]!.format).toEqual({ kind: 'number', decimal: ',', group: '.' })
    expect(s.columns[0]!.stats).toMatchObject({ min: '7', max: '1234.56' })
  })
  it('thousands commas with a decimal point', () => {
    const s = infer(['v'], [['1,234.56'], ['12.5']])
    expect(s.columns[0]!.format).toEqual({ kind: 'number', decimal: '.', group: ',' })
    expect(s.columns[0]!.stats.max).toBe('1234.56')
  })
  it('1,234 alone is ambiguous: text, unless the file is ;-delimited', () => {
    expect(typeOf(['1,234', '5,678'])).toBe('text')
    expect(typeOf(['1,234', '5,678'], {}, { delimiter: ';' })).toBe('numeric(4,3)')
  })
  it('booleans only from words, one spelling per column; 1/0 stays integer', () => {
    expect(typeOf(['true', 'FALSE', 'True'])).toBe('boolean')
    expect(typeOf(['yes', 'No'])).toBe('boolean')
    expect(typeOf(['t', 'f'])).toBe('boolean')
    expect(typeOf(['1', '0'])).toBe('smallint')
    expect(typeOf(['yes', 'f'])).toBe('text')
  })
  it('uuid and jsonb (objects/arrays only)', () => {
    expect(typeOf(['0b0e4a5c-1f6e-4d0a-9a7e-3c1d2b4a5e6f', '7C9E6679-7425-40DE-944B-E07FC1F90AE7'])).toBe('uuid')
    expect(typeOf(['{"a":1}', '[1,2]', '{}'])).toBe('jsonb')
    expect(typeOf(['{"a":1}', '{bad'])).toBe('text')
  })
})

describe('inference: dates and times', () => {
  it('ISO dates', () => {
    const s = infer(['d'], [['2024-01-31'], ['2023-12-01']])
    expect(renderType(s.columns[0]!.type)).toBe('date')
    expect(s.columns[0]!.format).toEqual({ kind: 'native' })
    expect(s.columns[0]!.stats).toMatchObject({ min: '2023-12-01', max: '2024-01-31' })
  })
  it('D.M.Y decided by a day > 12 anywhere in the column', () => {
    const s = infer(['d'], [['01.02.2024'], ['05.06.2024'], ['31.01.2024']])
    expect(s.columns[0]!.format).toEqual({ kind: 'date-order', order: 'DMY', twoDigitYear: false })
    expect(s.columns[0]!.stats).toMatchObject({ min: '2024-01-31', max: '2024-06-05' })
  })
  it('M/D/Y decided the same way', () => {
    const s = infer(['d'], [['01/02/2024'], ['12/31/2023']])
    expect(s.columns[0]!.format).toEqual({ kind: 'date-order', order: 'MDY', twoDigitYear: false })
    expect(s.columns[0]!.stats).toMatchObject({ min: '2023-12-31', max: '2024-01-02' })
  })
  it('ambiguous columns: text with a hint, --date-order, or evidence from another column', () => {
    const amb = infer(['d'], [['01/02/2024'], ['03/04/2024']])
    expect(renderType(amb.columns[0]!.type)).toBe('text')
    expect(amb.columns[0]!.notes.join()).toMatch(/--date-order/)
    expect(infer(['d'], [['01/02/2024']], { dateOrder: 'DMY' }).columns[0]!.stats.min).toBe('2024-02-01')
    const other = infer(['a', 'b'], [['01/02/2024', '25/12/2023'], ['03/04/2024', '01/01/2024']])
    expect(other.columns[0]!.format).toEqual({ kind: 'date-order', order: 'DMY', twoDigitYear: false })
  })
  it('two-digit years as PostgreSQL reads them (00–69 → 20xx, 70–99 → 19xx)', () => {
    const s = infer(['d'], [['31/12/69'], ['01/01/70']])
    expect(s.columns[0]!.stats).toMatchObject({ min: '1970-01-01', max: '2069-12-31' })
  })
  it('invalid calendar dates are not dates', () => {
    expect(typeOf(['2023-02-29'])).toBe('text')
    expect(typeOf(['2024-02-29'])).toBe('date')
  })
  it('timestamps, with offsets → timestamptz compared as instants', () => {
    expect(typeOf(['2024-01-31 10:00:00', '2024-01-31T11:30'])).toBe('timestamp without time zone')
    const s = infer(['t'], [['2024-01-31T10:00:00+02:00'], ['2024-01-31T09:00:00Z'], ['2024-01-31 03:00:00.5-05']])
    expect(renderType(s.columns[0]!.type)).toBe('timestamp with time zone')
    expect(s.columns[0]!.stats).toMatchObject({ min: '2024-01-31 08:00:00+00', max: '2024-01-31 09:00:00+00' })
  })
  it('values with and without offsets mixed → text with a note', () => {
    const s = infer(['t'], [['2024-01-31T10:00:00+02:00'], ['2024-01-31 10:00:00']])
    expect(renderType(s.columns[0]!.type)).toBe('text')
    expect(s.columns[0]!.notes.join()).toMatch(/offset/)
  })
  it('times', () => {
    expect(typeOf(['10:00', '23:59:59.5'])).toBe('time without time zone')
  })
})

describe('inference: nulls, stats, keys and names', () => {
  it('empty, NULL and \\N are null; extra tokens with --null; NA is not null by default', () => {
    const s = infer(['a', 'b'], [['1', 'NA'], [null, 'x'], ['NULL', 'y'], ['\\N', 'NA']], { nullTokens: ['NA'] })
    expect(s.columns[0]!.stats).toMatchObject({ nulls: 3, nullTokensSeen: ['NULL', '\\N'] })
    expect(s.columns[1]!.stats.nulls).toBe(2)
    expect(infer(['b'], [['NA'], ['x']]).columns[0]!.stats.nulls).toBe(0)
  })
  it('a quoted empty string is a value in a text column and null in others', () => {
    const s = infer(['t', 'n'], [['', ''], ['x', '5']])
    expect(s.columns[0]!.stats.nulls).toBe(0)
    expect(s.columns[1]!.stats.nulls).toBe(1)
    expect(renderType(s.columns[1]!.type)).toBe('smallint')
  })
  it('an all-null column is nullable text', () => {
    const s = infer(['x'], [[null], ['NULL']])
    expect(s.columns[0]).toMatchObject({ type: { kind: 'text' }, nullable: true })
  })
  it('distinct counts are exact up to 10,000 values, then estimated within a few percent', () => {
    const few = infer(['x'], Array.from({ length: 100 }, (_, i) => [String(i % 7)]))
    expect(few.columns[0]!.stats).toMatchObject({ distinct: 7, distinctExact: true })
    const many = infer(['x'], Array.from({ length: 50_000 }, (_, i) => [`v${i}`]))
    expect(many.columns[0]!.stats.distinctExact).toBe(false)
    expect(Math.abs(many.columns[0]!.stats.distinct - 50_000) / 50_000).toBeLessThan(0.05)
  })
  it('allowed sets for columns with few distinct values', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [['paid', 'shipped', 'pending'][i % 3]!])
    expect(infer(['status'], rows).columns[0]!.allowedValues).toEqual(['paid', 'pending', 'shipped'])
  })
  it('primary key: never null, unique, key-like name preferred', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [String(1000 - i), String(i), `c${i % 5}`])
    expect(infer(['n', 'order_id', 'c'], rows, { table: 'orders' }).primaryKey).toBe('order_id')
    const dup = rows.map((r, i) => [r[0]!, i === 10 ? '3' : r[1]!, r[2]!])
    expect(infer(['n', 'order_id', 'c'], dup).primaryKey).toBe('n')
    expect(infer(['n', 'order_id', 'c'], rows, { primaryKey: 'none' }).primaryKey).toBeUndefined()
    expect(() => infer(['n', 'order_id', 'c'], dup, { primaryKey: 'order_id' })).toThrow(/repeated values/)
  })
  it('a repeat far from its twin in a key column is found', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`k${(i * 7919) % 20_000}`])
    rows.push(['k5'])
    expect(infer(['id'], rows).columns[0]!.stats.unique).toBe(false)
  })
})

describe('identifiers', () => {
  it('messy headers become unique snake_case names', () => {
    expect(columnNames(['Order ID', 'order-id', 'ORDER_ID', 'select', '123abc', '', 'Müller Straße', 'orderId', 'Rabatt %'])).toEqual([
      'order_id', 'order_id_2', 'order_id_3', 'select_', '_123abc', 'column_6', 'muller_strasse', 'order_id_4', 'rabatt_pct',
    ])
  })
  it('names are at most 63 bytes and stay unique after truncation', () => {
    const long = 'ü'.repeat(100)
    const names = columnNames([long, long])
    expect(names.every((n) => Buffer.byteLength(n) <= 63)).toBe(true)
    expect(new Set(names).size).toBe(2)
  })
  it('table names must already be identifiers (INVALID_IDENTIFIER, exit 2, with a suggestion)', () => {
    expect(validateTableName('orders')).toBe('orders')
    const e = (() => {
      try {
        validateTableName('Order Lines')
      } catch (x) {
        return x
      }
    })()
    expect(isDataMigrateError(e, 'INVALID_IDENTIFIER')).toBe(true)
    expect((e as { hint: string }).hint).toMatch(/order_lines/)
  })
  it('property: any header row gives unique, non-empty, valid, ≤ 63-byte names', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 20 }), (headers) => {
        const names = columnNames(headers)
        expect(new Set(names).size).toBe(names.length)
        for (const n of names) expect(n).toMatch(/^[a-z_][a-z0-9_]{0,62}$/)
      }),
    )
  })
})

describe('inference: properties', () => {
  it('integers of any width infer the narrowest type that holds them', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), { minLength: 1, maxLength: 30 }), (xs) => {
        const t = typeOf(xs.map(String))
        const lo = xs.reduce((a, b) => (a < b ? a : b))
        const hi = xs.reduce((a, b) => (a > b ? a : b))
        const want = lo >= -32768n && hi <= 32767n ? 'smallint' : lo >= -(2n ** 31n) && hi < 2n ** 31n ? 'integer' : lo >= -(2n ** 63n) && hi < 2n ** 63n ? 'bigint' : 'numeric'
        expect(t.startsWith(want)).toBe(true)
      }),
    )
  })
  it('decimals: scale = the longest fraction, precision holds every value', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(99999), fc.nat(9999), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 20 }), (xs) => {
        const values = xs.map(([i, f, s]) => `${i}.${String(f).padStart(4, '0').slice(0, s)}`)
        const s = infer(['v'], values.map((v) => [v])).columns[0]!.type
        const scale = Math.max(...xs.map(([, , sc]) => sc))
        const intDigits = Math.max(...xs.map(([i]) => (i === 0 ? 0 : String(i).length)))
        expect(s).toEqual({ kind: 'numeric', precision: Math.max(intDigits + scale, 1), scale })
      }),
    )
  })
})
