/**
 * Property: for random tables written the way real exports write them (ISO or day-first or month-first dates,
 * decimal point or decimal comma, offsets, booleans, quoted text with newlines, nulls), `generate` infers types
 * such that every value casts in PostgreSQL, and what is stored means what the CSV meant.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import fc from 'fast-check'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import { generate } from '../../src/actions/generate.js'
import { run } from '../../src/actions/run.js'

interface Row {
  n: bigint
  amount: [number, number] // integer part, cents
  day: [number, number, number] // y, m, d
  at: [number, number, number, number] // day offset, hh, mm, offset hours
  flag: boolean
  note: string | null
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

const rowArb = fc.record({
  n: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  amount: fc.tuple(fc.integer({ min: -99999, max: 999999 }), fc.integer({ min: 0, max: 99 })),
  day: fc.tuple(fc.integer({ min: 1950, max: 2040 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })),
  at: fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: -11, max: 12 })),
  flag: fc.boolean(),
  // Free text (prefixed so that a tiny sample cannot legitimately look like numbers or booleans).
  note: fc.option(fc.oneof(fc.string({ maxLength: 10 }).map((x) => `x${x}`), fc.constantFrom('multi\nline', 'say "hi"', 'a,b;c', 'Müller')), { nil: null }),
})

const styleArb = fc.record({
  dates: fc.constantFrom('iso', 'dmy', 'mdy'),
  decimalComma: fc.boolean(),
  bools: fc.constantFrom(['true', 'false'], ['yes', 'no'], ['t', 'f'], ['Y', 'N']),
  nullToken: fc.constantFrom('', 'NULL', '\\N'),
})

function csvOf(rows: Row[], style: { dates: string; decimalComma: boolean; bools: readonly string[]; nullToken: string }): string {
  const d = style.decimalComma ? ';' : ','
  const q = (s: string): string => (/[",;\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = ['n,amount,day,at,flag,note'.replace(/,/g, d)]
  // Day > 12 somewhere decides the date order: the first row is pinned to the 25th.
  for (const r of rows) {
    const [y, m, dd] = r.day
    const day = style.dates === 'iso' ? `${y}-${pad(m)}-${pad(dd)}` : style.dates === 'dmy' ? `${pad(dd)}.${pad(m)}.${y}` : `${pad(m)}/${pad(dd)}/${y}`
    const [off, hh, mm, tz] = r.at
    const t = new Date(Date.UTC(2020, 0, 1) + off * 86400e3)
    const at = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(hh)}:${pad(mm)}:00${tz < 0 ? '-' : '+'}${pad(Math.abs(tz))}:00`
    const amount = `${r.amount[0] < 0 ? '-' : ''}${Math.abs(r.amount[0])}${style.decimalComma ? ',' : '.'}${pad(r.amount[1])}`
    const note = r.note === null ? style.nullToken : q(r.note)
    lines.push([String(r.n), amount, day, at, style.bools[r.flag ? 0 : 1]!, note].join(d))
  }
  return lines.join('\n') + '\n'
}

for (const backend of BACKENDS) {
  describe(`${backend}: inference round trip (property)`, () => {
    let t: TestDatabase
    let dir: string
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      dir = mkdtempSync(join(tmpdir(), 'dm-roundtrip-'))
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('every value casts and means what the CSV meant', async () => {
      let k = 0
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 30 }), styleArb, async (rows, style) => {
          rows[0] = { ...rows[0]!, day: [rows[0]!.day[0], rows[0]!.day[1], 25] }
          const table = `rt_${k++}`
          const file = `${table}.csv`
          writeFileSync(join(dir, file), csvOf(rows, style))
          const g = await generate({ source: file, table, cwd: dir, out: `m_${table}`, primaryKey: 'none' })
          const types = Object.fromEntries(g.columns.map((c) => [c.name, c.type]))
          expect(types.day).toBe('date')
          expect(types.at).toBe('timestamp with time zone')
          expect(types.flag).toBe('boolean')
          expect(types.amount).toMatch(/^numeric\(\d+,2\)$/)
          const r = await run({ migration: g.files.forward, database: t.url, cwd: dir })
          expect(r.migrations[0]?.error).toBeUndefined()
          const db = await t.open()
          try {
            const got = await db.query<{ n: string; amount: string; day: string; at: string; flag: boolean; note: string | null }>(
              `SELECT n::text AS n, amount::text AS amount, day::text AS day, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at, flag, note FROM ${table} ORDER BY ctid`,
            )
            const want = rows.map((x) => {
              const [off, hh, mm, tz] = x.at
              const utc = new Date(Date.UTC(2020, 0, 1) + off * 86400e3 + (hh * 60 + mm - tz * 60) * 60e3)
              return {
                n: String(x.n),
                amount: `${x.amount[0] < 0 ? '-' : ''}${Math.abs(x.amount[0])}.${pad(x.amount[1])}`.replace(/^-0\.00$/, '0.00'),
                day: `${x.day[0]}-${pad(x.day[1])}-${pad(x.day[2])}`,
                at: utc.toISOString().slice(0, 16).replace('T', ' '),
                flag: x.flag,
                // A quoted empty string stays '' in text; the null token is NULL.
                note: x.note,
              }
            })
            expect(got.rows).toEqual(want)
          } finally {
            await db.close()
          }
        }),
        { numRuns: backend === 'pglite' ? 8 : 15 },
      )
    })
  })
}
