import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { BACKENDS, HAS_SERVER, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import { backfill } from '../../src/actions/backfill.js'
import { isDataMigrateError } from '../../src/errors.js'
import { BIN } from '../helpers/cli.js'
import { createBatchSizer } from '../../src/backfill/batch-size.js'

const TIER = "CASE WHEN lifetime_total > 900 THEN 'platinum' WHEN lifetime_total > 600 THEN 'gold' ELSE 'bronze' END"

async function setup(t: TestDatabase, rows = 20_000): Promise<void> {
  const db = await t.open()
  try {
    await db.exec(`DROP TABLE IF EXISTS customers; CREATE TABLE customers (id int PRIMARY KEY, created_at date NOT NULL, lifetime_total numeric NOT NULL, tier text, note text);
      INSERT INTO customers SELECT g, date '2022-06-01' + (g % 700), g % 1000, NULL, '' FROM generate_series(1, ${rows}) g;`)
  } finally {
    await db.close()
  }
}

describe('backfill: batch-size controller', () => {
  it('grows towards the target, at most ×2 a step, halves on timeout, stays in bounds', () => {
    const s = createBatchSizer({ targetMs: 200, initial: 1000, min: 100, max: 50_000 })
    s.observe(1000, 10) // 100 rows/ms → wants 20,000
    expect(s.size).toBe(2000)
    for (let k = 0; k < 10; k++) s.observe(s.size, s.size / 100)
    expect(s.size).toBe(20_000)
    s.timedOut()
    expect(s.size).toBe(10_000)
    const fixed = createBatchSizer({ targetMs: 200, fixed: 500 })
    fixed.observe(500, 1)
    expect(fixed.size).toBe(500)
  })
})

for (const backend of BACKENDS) {
  describe(`${backend}: backfill`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      await setup(t)
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('fills the range in batches, validates, shows the distribution; a second run writes nothing', async () => {
      const r = await backfill({ table: 'customers', column: 'tier', set: TIER, range: '2023-01-01:2024-01-01', database: t.url })
      expect(r.status).toBe('done')
      expect(r.range).toEqual({ column: 'created_at', from: '2023-01-01', to: '2024-01-01' })
      expect(r.rowsUpdated).toBe(r.rowsInRange)
      expect(r.batches.length).toBeGreaterThan(1)
      expect(r.validation).toMatchObject({ remaining: 0, ok: true })
      expect(r.distribution.map((d) => d.value)).toEqual(['bronze', 'gold', 'platinum'])
      const db = await t.open()
      try {
        const outside = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE tier IS NOT NULL AND NOT (created_at >= '2023-01-01' AND created_at < '2024-01-01')`)
        expect(outside.rows[0]!.n).toBe(0)
      } finally {
        await db.close()
      }
      const again = await backfill({ table: 'customers', column: 'tier', set: TIER, range: '2023-01-01:2024-01-01', database: t.url })
      expect(again.rowsUpdated).toBe(0)
    })

    it('resumes from its checkpoint after an interruption, redoing no batch', async () => {
      const controller = new AbortController()
      const first = await backfill({
        table: 'customers', column: 'note', set: "'n' || id", batchSize: 1000, database: t.url, signal: controller.signal,
        onEvent: (e) => e.type === 'batch' && e.batch.index === 3 && controller.abort(),
      })
      expect(first.status).toBe('aborted')
      expect(first.batches).toHaveLength(3)
      const second = await backfill({ table: 'customers', column: 'note', set: "'n' || id", batchSize: 1000, database: t.url })
      expect(second.resumedFrom).toBe(3000)
      expect(second.status).toBe('done')
      expect(first.rowsUpdated + second.rowsUpdated).toBe(20_000)
      const restarted = await backfill({ table: 'customers', column: 'note', set: "'n' || id", batchSize: 5000, database: t.url, restart: true })
      expect(restarted).toMatchObject({ resumedFrom: null, rowsUpdated: 0 })
    })

    it('--set may read another table (a subquery on the customer\'s orders)', async () => {
      const db = await t.open()
      try {
        await db.exec('CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total int); INSERT INTO orders SELECT g, 1 + g % 100, g FROM generate_series(1, 1000) g; ALTER TABLE customers ADD COLUMN order_count int')
      } finally {
        await db.close()
      }
      const r = await backfill({ table: 'customers', column: 'order_count', set: '(SELECT count(*) FROM orders o WHERE o.customer_id = customers.id)', where: 'id <= 200', database: t.url })
      expect(r).toMatchObject({ status: 'done', rowsUpdated: 200, validation: { remaining: 0 } })
      expect(r.distribution).toEqual([{ value: '0', count: 100, percentage: 50 }, { value: '10', count: 100, percentage: 50 }])
    })

    it('a health gate pauses the job (never aborts it) and says why', async () => {
      const until = new Date(Date.now() + 1500).toISOString()
      const waits: string[] = []
      const r = await backfill({
        table: 'customers', column: 'note', set: "'gated'", batchSize: 10_000, database: t.url,
        throttleOn: `SELECT now() < '${until}'::timestamptz`,
        onEvent: (e) => e.type === 'waiting' && waits.push(e.reason),
      })
      expect(r.status).toBe('done')
      expect(waits[0]).toBe('--throttle-on holds')
      expect(r.health).toContain('paused: --throttle-on holds')
      expect(r.validation.remaining).toBe(0)
    })

    it('composite keys', async () => {
      const db = await t.open()
      try {
        await db.exec('CREATE TABLE pairs (a int, b int, v int, PRIMARY KEY (a, b)); INSERT INTO pairs SELECT g % 7, g, NULL FROM generate_series(1, 3000) g')
      } finally {
        await db.close()
      }
      const r = await backfill({ table: 'pairs', column: 'v', set: 'a + b', batchSize: 400, database: t.url })
      expect(r).toMatchObject({ status: 'done', rowsUpdated: 3000, validation: { remaining: 0 } })
      expect(r.batches[0]!.toKey).toEqual([0, 2800])
    })

    it('--dry-run shows the plan and writes nothing', async () => {
      const r = await backfill({ table: 'customers', column: 'tier', set: "'x'", database: t.url, dryRun: true })
      expect(r.status).toBe('dry-run')
      expect(r.dryRun!.estimatedBatches).toBeGreaterThan(0)
      const db = await t.open()
      try {
        expect((await db.query(`SELECT count(*)::int AS n FROM customers WHERE tier = 'x'`)).rows).toEqual([{ n: 0 }])
      } finally {
        await db.close()
      }
    })

    it('refuses bad input before any write', async () => {
      const bad: [Parameters<typeof backfill>[0], RegExp][] = [
        [{ table: 'nope', column: 'tier', set: "'x'" }, /table nope does not exist/],
        [{ table: 'customers', column: 'nope', set: "'x'" }, /column nope does not exist/],
        [{ table: 'customers', column: 'lifetime_total', set: 'true' }, /cannot run: .*boolean/],
        [{ table: 'customers', column: 'tier', set: "'x'", range: '2024-01-01:2023-01-01' }, /empty or inverted/],
        [{ table: 'customers', column: 'tier', set: "'x'", range: 'yesterday' }, /is not "from:to"/],
      ]
      for (const [o, msg] of bad) {
        const e = await backfill({ ...o, database: t.url }).catch((x: unknown) => x)
        expect(isDataMigrateError(e, 'BACKFILL_INVALID'), String(e)).toBe(true)
        expect((e as Error).message).toMatch(msg)
        expect((e as { exitCode: number }).exitCode).toBe(2)
      }
      const db = await t.open()
      try {
        await db.exec('CREATE TABLE nokey (a int, b text)')
      } finally {
        await db.close()
      }
      const e = await backfill({ table: 'nokey', column: 'b', set: "'x'", database: t.url }).catch((x: unknown) => x)
      expect((e as Error).message).toMatch(/no primary key/)
    })
  })
}

describe.runIf(HAS_SERVER)('postgres: backfill keeps other sessions working', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await createTestDatabase('postgres')
    await setup(t, 60_000)
  })
  afterAll(async () => {
    await t?.destroy()
  })

  it('a writer on the same rows never waits much longer than a batch; no lock beyond RowExclusiveLock', async () => {
    const writer = new pg.Client({ connectionString: t.url })
    const watcher = new pg.Client({ connectionString: t.url })
    await writer.connect()
    await watcher.connect()
    const latencies: number[] = []
    const modes = new Set<string>()
    let running = true
    const job = backfill({ table: 'customers', column: 'tier', set: TIER, batchSize: 3000, sleepMs: 20, database: t.url }).finally(() => {
      running = false
    })
    while (running) {
      const id = 1 + Math.floor(Math.random() * 60_000)
      const t0 = performance.now()
      await writer.query('UPDATE customers SET note = $1 WHERE id = $2', ['w', id])
      latencies.push(performance.now() - t0)
      // Table locks only: the relation *extension* lock (locktype 'extend', ExclusiveLock) of a growing table is not one.
      const l = await watcher.query<{ mode: string }>(`SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'data-migrate backfill' AND l.locktype = 'relation' AND l.relation = 'customers'::regclass`)
      for (const r of l.rows) modes.add(r.mode)
      await new Promise((r) => setTimeout(r, 10))
    }
    const r = await job
    await writer.end()
    await watcher.end()
    expect(r.status).toBe('done')
    expect(Math.max(...latencies)).toBeLessThan(1000)
    expect([...modes].filter((m) => m !== 'RowExclusiveLock' && m !== 'AccessShareLock')).toEqual([])
  })

  it('two backfills of the same job never run at once: the second exits 3', async () => {
    const running = backfill({ table: 'customers', column: 'note', set: "'z'", batchSize: 500, sleepMs: 30, database: t.url })
    await new Promise((r) => setTimeout(r, 400))
    const e = await backfill({ table: 'customers', column: 'note', set: "'z'", database: t.url }).catch((x: unknown) => x)
    expect(isDataMigrateError(e, 'LOCK_BUSY')).toBe(true)
    expect((await running).status).toBe('done')
  })

  it('after SIGKILL the next run resumes from the checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-bf-kill-'))
    const args = ['backfill', '--table', 'customers', '--column', 'tier', '--set', "upper(" + TIER + ")", '--batch-size', '2000', '--sleep-ms', '150', '--database', t.url, '--json']
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir })
    await new Promise((r) => setTimeout(r, 2000))
    child.kill('SIGKILL')
    await new Promise((r) => child.on('close', r))
    const r = await backfill({ table: 'customers', column: 'tier', set: 'upper(' + TIER + ')', batchSize: 2000, database: t.url })
    expect(r.resumedFrom).not.toBeNull()
    expect(r.status).toBe('done')
    expect(r.validation.remaining).toBe(0)
    expect(r.rowsUpdated).toBeLessThan(60_000)
  }, 60_000)
})
