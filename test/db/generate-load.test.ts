/**
 * The generated files load what the CSV meant, on the real server through psql exactly as a user runs them, and
 * on PGlite through data-migrate's own executor. Then the validation file passes, and fails when the data is
 * tampered with.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import { generate, type GenerateResult } from '../../src/actions/generate.js'
import type { Database } from '../../src/db/database.js'
import { executeScriptFile } from '../helpers/execute-script.js'
import { run } from '../../src/actions/run.js'

const ROOT = resolve(import.meta.dirname, '../..')

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dm-gen-db-'))
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true })
  cpSync(join(ROOT, 'test/fixtures/generate'), join(dir, 'fx'), { recursive: true })
  return dir
}

function psqlFile(url: string, file: string, cwd: string): { code: number | null; out: string; err: string } {
  const r = spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], { cwd, encoding: 'utf8' })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

for (const backend of BACKENDS) {
  describe(`${backend}: generated migrations load what the CSV meant`, () => {
    let t: TestDatabase
    let dir: string
    const results: Record<string, GenerateResult> = {}

    beforeAll(async () => {
      t = await createTestDatabase(backend)
      dir = workdir()
      const sources: [string, string][] = [
        ['orders', 'examples/orders.csv'],
        ['eu_customers', 'examples/eu_customers.csv'],
        ['mixed', 'fx/mixed.csv'],
        ['dayfirst', 'fx/dayfirst_decimal_comma.csv'],
        ['mixed_orders', 'fx/mixed_orders.csv'],
      ]
      for (const [table, source] of sources) results[table] = await generate({ source, table, cwd: dir, out: 'migrations' })
    })
    afterAll(async () => {
      await t?.destroy()
    })

    /** Apply forward then validate, the way a user would on this backend. */
    async function apply(table: string): Promise<void> {
      const r = results[table]!
      if (backend === 'postgres') {
        const f = psqlFile(t.url, r.files.forward, dir)
        expect(f.err).toBe('')
        expect(f.code).toBe(0)
        const v = psqlFile(t.url, r.files.validate, dir)
        expect(v.code, v.err).toBe(0)
        expect(v.out).not.toMatch(/\| f\s*$/m)
      } else {
        // The embedded database has no psql: data-migrate run applies the forward file with its validation.
        const res = await run({ migration: r.files.forward, database: t.url, cwd: dir })
        expect(res.migrations[0]?.error).toBeUndefined()
        expect(res.status).toBe('success')
        const v = res.migrations[0]!.validation
        expect(v.length).toBeGreaterThan(3)
        expect(v.filter((x) => !x.ok)).toEqual([])
      }
    }

    async function query<R>(sql: string): Promise<R[]> {
      const db: Database = await t.open()
      try {
        return (await db.query<R>(sql)).rows
      } finally {
        await db.close()
      }
    }

    it('orders.csv: direct load, every row, typed values', async () => {
      expect(results.orders!.load.strategy).toBe('direct')
      await apply('orders')
      const [row] = await query<{ n: number; zip: string; gifts: number; multi: number }>(
        `SELECT count(*)::int AS n, min(zip_code) AS zip, count(*) FILTER (WHERE is_gift)::int AS gifts,
                count(*) FILTER (WHERE note LIKE '%' || chr(10) || '%')::int AS multi FROM orders`,
      )
      expect(row!.n).toBe(500)
      expect(row!.zip).toMatch(/^0\d{4}$/) // leading zeros kept
      expect(row!.gifts).toBeGreaterThan(0)
      expect(row!.multi).toBeGreaterThan(0)
      const [first] = await query<{ created_at: string; total: string; note: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS created_at, total::text AS total, note FROM orders WHERE order_id = 1003`,
      )
      expect(first).toEqual({ created_at: '2024-07-17 22:46', total: '293.93', note: 'Call "before" delivery' })
    })

    it('eu_customers.csv (Windows-1252, ";", D.M.Y, decimal comma, NULL): values mean what the CSV meant', async () => {
      const r = results.eu_customers!
      expect(r.dialect).toMatchObject({ encoding: 'windows-1252', delimiter: ';', lineEnding: 'CRLF' })
      await apply('eu_customers')
      const rows = await query<{ name: string; stadt: string; geburtstag: string; umsatz: string; last: string | null }>(
        `SELECT name, stadt, geburtstag::text AS geburtstag, umsatz::text AS umsatz, letzte_bestellung::text AS last FROM eu_customers WHERE kunde_nr IN (1, 2) ORDER BY kunde_nr`,
      )
      expect(rows).toEqual([
        { name: 'Øberg', stadt: 'Wien', geburtstag: '1963-08-12', umsatz: '917475.21', last: null },
        { name: 'Kowalski', stadt: 'Kraków', geburtstag: '1970-05-28', umsatz: '1120270.64', last: '2023-08-16 11:17:00' },
      ])
    })

    it('mixed.csv (CRLF, quoted newlines, \\N and NULL, big numbers, exponents, JSON, UUID, offsets, yes/no)', async () => {
      await apply('mixed')
      const types = Object.fromEntries(results.mixed!.columns.map((c) => [c.name, c.type]))
      expect(types).toMatchObject({ code: 'text', ratio: 'double precision', payload: 'jsonb', uid: 'uuid', seen_at: 'timestamp with time zone', flag: 'boolean', comment: 'text' })
      expect(types.big).toMatch(/^numeric/)
      expect(types.amount).toBe('numeric(6,2)')
      const rows = await query<Record<string, unknown>>(
        `SELECT id, code, amount::text AS amount, ratio, big::text AS big, payload, uid::text AS uid,
                to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS seen, flag, comment
         FROM mixed ORDER BY id`,
      )
      expect(rows).toEqual([
        { id: 1, code: '02134', amount: '12.50', ratio: 1500, big: '99999999999999999999', payload: { a: 1 }, uid: '0b0e4a5c-1f6e-4d0a-9a7e-3c1d2b4a5e6f', seen: '2024-01-31 10:00:00.000', flag: true, comment: 'multi\r\nline, with comma' },
        { id: 2, code: '00701', amount: '-3.25', ratio: 0.02, big: '12', payload: [1, 2], uid: '7c9e6679-7425-40de-944b-e07fc1f90ae7', seen: '2024-02-01 06:30:00.000', flag: false, comment: null },
        { id: 3, code: '12345', amount: '1000.00', ratio: 0.5, big: '-5', payload: {}, uid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', seen: '2024-03-16 04:59:59.123', flag: true, comment: null },
        { id: 4, code: null, amount: '0.10', ratio: 1, big: '0', payload: { nested: { x: [true, null] } }, uid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', seen: '2024-12-31 00:00:00.000', flag: false, comment: 'says "hi"' },
      ])
    })

    it('day-first dates and decimal comma: 31.01.2024 is 2024-01-31, 1.234,56 is 1234.56', async () => {
      await apply('dayfirst')
      const rows = await query<{ name: string; day: string | null; price: string }>('SELECT name, day::text AS day, price::text AS price FROM dayfirst ORDER BY name')
      expect(rows).toEqual([
        { name: 'Anna', day: '2024-01-31', price: '1234.56' },
        { name: 'Ben', day: '2024-02-05', price: '12.00' },
        { name: 'Cleo', day: null, price: '7.50' },
      ])
    })

    it('columns with different day/month orders in one file are each converted explicitly', async () => {
      expect(results.mixed_orders!.load).toMatchObject({ strategy: 'staging' })
      await apply('mixed_orders')
      const rows = await query<{ eu: string; us: string; yy: string }>('SELECT eu_day::text AS eu, us_day::text AS us, yy::text AS yy FROM mixed_orders ORDER BY id')
      expect(rows).toEqual([
        { eu: '2023-12-25', us: '2023-12-25 13:45:00', yy: '2069-12-31' },
        { eu: '2024-02-01', us: '2024-02-01 08:00:00', yy: '1970-01-01' },
      ])
    })

    it('the validation file fails when the data no longer matches, and the rollback is idempotent', async () => {
      const db = await t.open()
      try {
        await db.exec('DELETE FROM orders WHERE order_id = 1001')
      } finally {
        await db.close()
      }
      const r = results.orders!
      if (backend === 'postgres') {
        const v = psqlFile(t.url, r.files.validate, dir)
        expect(v.code).not.toBe(0)
        expect(v.err).toMatch(/data-migrate validation failed: row count \(expected 500, got 499\)/)
        for (let k = 0; k < 2; k++) expect(psqlFile(t.url, r.files.rollback, dir).code).toBe(0)
      } else {
        const db2 = await t.open()
        try {
          await expect(executeScriptFile(db2, r.files.validate, dir)).rejects.toThrow(/validation failed: row count \(expected 500, got 499\)/)
          for (let k = 0; k < 2; k++) await executeScriptFile(db2, r.files.rollback, dir)
        } finally {
          await db2.close()
        }
      }
      expect(await query<{ t: string | null }>(`SELECT to_regclass('public.orders')::text AS t`)).toEqual([{ t: null }])
    })
  })
}

