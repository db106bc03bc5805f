import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import type { Database } from '../../src/db/database.js'
import { isDataMigrateError } from '../../src/errors.js'

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}

for (const backend of BACKENDS) {
  describe(`${backend}: database layer`, () => {
    let t: TestDatabase
    let db: Database
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      db = await t.open()
    })
    afterAll(async () => {
      await db?.close()
      await t?.destroy()
    })

    it('reports a server version and parses values the same way on both backends', async () => {
      expect(db.serverVersion).toBeGreaterThan(110000)
      const r = await db.query<Record<string, unknown>>(
        `SELECT 1::int AS i, 2::bigint AS b, 1.50::numeric(4,2) AS n, true AS t, DATE '2024-01-31' AS d,
                TIMESTAMP '2024-01-31 10:00:00' AS ts, '{"a":1}'::jsonb AS j, 'x'::text AS s, NULL::int AS z,
                99999999999999999999::numeric::text AS big`,
      )
      expect(r.rows[0]).toEqual({ i: 1, b: 2, n: '1.50', t: true, d: '2024-01-31', ts: '2024-01-31 10:00:00', j: { a: 1 }, s: 'x', z: null, big: '99999999999999999999' })
    })

    it('binds parameters and runs multi-statement scripts', async () => {
      await db.exec('CREATE TABLE t1 (id int PRIMARY KEY, name text); INSERT INTO t1 VALUES (1, $$a$$)')
      const r = await db.query<{ name: string }>('SELECT name FROM t1 WHERE id = $1', [1])
      expect(r.rows[0]?.name).toBe('a')
    })

    it('streams a CSV body through COPY, with quoted newlines across chunks', async () => {
      await db.exec('CREATE TABLE t2 (id int, note text)')
      const n = await db.copyFrom(
        { target: 't2', format: 'csv', header: true },
        chunks('id,note\n1,"multi\nline"\n2,', 'plain\n3,""\n4,\n'),
      )
      expect(n).toBe(4)
      const r = await db.query<{ id: number; note: string | null }>('SELECT id, note FROM t2 ORDER BY id')
      expect(r.rows).toEqual([
        { id: 1, note: 'multi\nline' }, { id: 2, note: 'plain' }, { id: 3, note: '' }, { id: 4, note: null },
      ])
    })

    it('converts Windows-1252 bytes with COPY ENCODING', async () => {
      await db.exec('CREATE TABLE t3 (name text)')
      await db.copyFrom({ target: 't3', format: 'csv', encoding: 'WIN1252' }, (async function* () {
        yield Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]) // "Müller" in Windows-1252
      })())
      const r = await db.query<{ name: string }>('SELECT name FROM t3')
      expect(r.rows[0]?.name).toBe('Müller')
    })

    it('a failed COPY inside a transaction rolls back with it', async () => {
      await db.exec('CREATE TABLE t4 (id int)')
      await db.exec('BEGIN')
      await expect(db.copyFrom({ target: 't4', format: 'csv' }, chunks('1\nnope\n'))).rejects.toSatisfy((e) => isDataMigrateError(e))
      await db.exec('ROLLBACK')
      const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t4')
      expect(r.rows[0]?.n).toBe(0)
    })

    it('wraps server errors with SQLSTATE and detail', async () => {
      const err = await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e)
      expect(isDataMigrateError(err, 'DATABASE_ERROR')).toBe(true)
      expect((err as { server?: { sqlstate?: string } }).server?.sqlstate).toBe('42P01')
    })
  })
}
