/**
 * `run` on both backends (and the server-only cases: locks seen from a second session, advisory locks).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { BACKENDS, HAS_SERVER, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import { run } from '../../src/actions/run.js'
import { status } from '../../src/actions/status.js'
import { isDataMigrateError } from '../../src/errors.js'

/** Write a migration trio into `dir`. */
function migration(dir: string, name: string, forward: string, opts: { rollback?: string | null; validate?: string } = {}): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.sql`), forward)
  if (opts.rollback !== null) writeFileSync(join(dir, `${name}_rollback.sql`), opts.rollback ?? '-- nothing to undo\n')
  if (opts.validate !== undefined) writeFileSync(join(dir, `${name}_validate.sql`), opts.validate)
  return join(dir, `${name}.sql`)
}

for (const backend of BACKENDS) {
  describe(`${backend}: run`, () => {
    let t: TestDatabase
    let dir: string
    const q = async <R>(sql: string): Promise<R[]> => {
      const db = await t.open()
      try {
        return (await db.query<R>(sql)).rows
      } finally {
        await db.close()
      }
    }
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      dir = mkdtempSync(join(tmpdir(), 'dm-run-'))
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('applies a psql script (BEGIN/COMMIT, \\set, \\copy, DO block) in one transaction, with history', async () => {
      writeFileSync(join(dir, 'people.csv'), 'id,name\n1,Ann\n2,"Bo, Jr."\n')
      const f = migration(dir, '001_people', [
        '\\set ON_ERROR_STOP on',
        'BEGIN;',
        'CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL);',
        "\\copy people (id, name) FROM 'people.csv' WITH (FORMAT csv, HEADER true)",
        "DO $$ BEGIN RAISE NOTICE 'loaded; ok'; END $$;",
        'COMMIT;',
      ].join('\n'), { rollback: 'DROP TABLE IF EXISTS people;\n', validate: "SELECT 'two rows' AS \"check\", '2' AS expected, count(*)::text AS actual, count(*) = 2 AS ok FROM people;\n" })
      const r = await run({ migration: f, database: t.url, cwd: dir })
      const m = r.migrations[0]!
      expect(m.error).toBeUndefined()
      expect(m.status).toBe('applied')
      expect(m.rowsLoaded).toBe(2)
      expect(m.validation).toEqual([{ check: 'two rows', expected: '2', actual: '2', ok: true }])
      expect(m.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['Pre-check: table people does not exist', 'Load people (\\copy, line 4)', 'Post-validation']))
      expect(m.historyId).toBeGreaterThan(0)
      const h = await q<{ name: string; status: string; steps: unknown[] }>('SELECT name, status, steps FROM data_migrate.history')
      expect(h).toMatchObject([{ name: '001_people', status: 'applied' }])
      expect(h[0]!.steps.length).toBe(m.steps.length)
    })

    it('refuses a migration already applied, and reports drift when its file changed', async () => {
      const f = join(dir, '001_people.sql')
      await expect(run({ migration: f, database: t.url, cwd: dir })).rejects.toSatisfy((e) => isDataMigrateError(e, 'ALREADY_APPLIED'))
      writeFileSync(f, 'CREATE TABLE people (id int);\n')
      await expect(run({ migration: f, database: t.url, cwd: dir })).rejects.toSatisfy((e) => isDataMigrateError(e, 'CHECKSUM_DRIFT'))
      const s = await status({ dir, database: t.url, cwd: dir })
      expect(s.migrations.map((x) => [x.name, x.state])).toEqual([['001_people', 'changed']])
    })

    it('refuses to run without a rollback script unless asked', async () => {
      const d2 = join(dir, 'norollback')
      const f = migration(d2, '002_x', 'CREATE TABLE x (a int);\n', { rollback: null })
      await expect(run({ migration: f, database: t.url, cwd: d2 })).rejects.toSatisfy((e) => isDataMigrateError(e, 'MISSING_ROLLBACK') && e.exitCode === 2)
      const r = await run({ migration: f, database: t.url, cwd: d2, allowNoRollback: true })
      expect(r.status).toBe('success')
    })

    it('a failing statement rolls everything back and is recorded as failed', async () => {
      const d3 = join(dir, 'fail')
      const f = migration(d3, '003_fail', 'CREATE TABLE will_vanish (a int);\nINSERT INTO will_vanish VALUES (1);\nSELECT 1/0;\n')
      const r = await run({ migration: f, database: t.url, cwd: d3 })
      expect(r.status).toBe('failed')
      expect(r.migrations[0]).toMatchObject({ status: 'failed', error: { line: 3 } })
      expect(await q(`SELECT to_regclass('will_vanish')::text AS t`)).toEqual([{ t: null }])
      expect(await q(`SELECT status FROM data_migrate.history WHERE name = '003_fail'`)).toEqual([{ status: 'failed' }])
    })

    it('a failing validation rolls back the migration', async () => {
      const d4 = join(dir, 'badcheck')
      const f = migration(d4, '004_check', 'CREATE TABLE checked (a int);\nINSERT INTO checked VALUES (1);\n', {
        validate: "SELECT 'two rows' AS \"check\", '2' AS expected, count(*)::text AS actual, count(*) = 2 AS ok FROM checked;\nDO $$ BEGIN IF (SELECT count(*) FROM checked) <> 2 THEN RAISE EXCEPTION 'validation failed: two rows'; END IF; END $$;\n",
      })
      const r = await run({ migration: f, database: t.url, cwd: d4 })
      expect(r.migrations[0]).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } })
      expect(r.migrations[0]!.validation).toEqual([{ check: 'two rows', expected: '2', actual: '1', ok: false }])
      expect(await q(`SELECT to_regclass('checked')::text AS t`)).toEqual([{ t: null }])
    })

    it('preconditions are checked before anything runs', async () => {
      const d5 = join(dir, 'pre')
      const f = migration(d5, '005_pre', 'CREATE TABLE fresh (a int);\nALTER TABLE missing_table ADD COLUMN b int;\n')
      await expect(run({ migration: f, database: t.url, cwd: d5 })).rejects.toSatisfy((e) => isDataMigrateError(e, 'PRECONDITION_FAILED') && /missing_table does not exist/.test(e.message))
      expect(await q(`SELECT to_regclass('fresh')::text AS t`)).toEqual([{ t: null }])
    })

    it('--dry-run runs everything with validation, then rolls back and writes no history', async () => {
      const d6 = join(dir, 'dry')
      const f = migration(d6, '006_dry', 'CREATE TABLE dry (a int);\nINSERT INTO dry SELECT generate_series(1, 10);\n', {
        validate: "SELECT 'ten' AS \"check\", '10' AS expected, count(*)::text AS actual, count(*) = 10 AS ok FROM dry;\n",
      })
      const r = await run({ migration: f, database: t.url, cwd: d6, dryRun: true })
      expect(r.migrations[0]).toMatchObject({ status: 'dry-run', historyId: null, validation: [{ ok: true, actual: '10' }] })
      expect(await q(`SELECT to_regclass('dry')::text AS t`)).toEqual([{ t: null }])
      expect(await q(`SELECT count(*)::int AS n FROM data_migrate.history WHERE name = '006_dry'`)).toEqual([{ n: 0 }])
    })

    it('statements PostgreSQL refuses in a transaction run as their own steps; --dir runs pending in order', async () => {
      const d7 = join(dir, 'dirrun')
      migration(d7, '010_table', 'CREATE TABLE idx_me (a int);\nINSERT INTO idx_me SELECT generate_series(1, 100);\n', { rollback: 'DROP TABLE IF EXISTS idx_me;\n' })
      migration(d7, '011_index', 'CREATE INDEX CONCURRENTLY idx_me_a ON idx_me (a);\n', { rollback: 'DROP INDEX CONCURRENTLY IF EXISTS idx_me_a;\n' })
      expect((await status({ dir: d7, database: t.url, cwd: d7 })).counts).toMatchObject({ pending: 2 })
      const r = await run({ dir: d7, database: t.url, cwd: d7 })
      expect(r.status).toBe('success')
      expect(r.migrations.map((m) => m.name)).toEqual(['010_table', '011_index'])
      expect(r.migrations[1]!.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['CREATE INDEX CONCURRENTLY idx_me_a ON idx_me (line 1)', 'Post-check: index idx_me_a is valid']))
      expect(await q(`SELECT indisvalid AS v FROM pg_index WHERE indexrelid = 'idx_me_a'::regclass`)).toEqual([{ v: true }])
      const again = await run({ dir: d7, database: t.url, cwd: d7 })
      expect(again.status).toBe('nothing-to-do')
    })

    it('refuses meta-commands it cannot honour before running anything, naming the line', async () => {
      const d8 = join(dir, 'meta')
      const f = migration(d8, '012_meta', 'CREATE TABLE never (a int);\n\\i other.sql\n')
      await expect(run({ migration: f, database: t.url, cwd: d8 })).rejects.toSatisfy((e) => isDataMigrateError(e, 'SQL_UNSUPPORTED') && e.where.line === 2)
      expect(await q(`SELECT to_regclass('never')::text AS t`)).toEqual([{ t: null }])
    })

    it('runs a backfill step declared in the file between two transactions (the seed\'s add-tier flow)', async () => {
      const dB = join(dir, 'bf')
      const setup = await t.open()
      try {
        await setup.exec("CREATE TABLE cust (id int PRIMARY KEY, created_at date NOT NULL, lifetime_total int NOT NULL); INSERT INTO cust SELECT g, date '2023-01-01' + (g % 300), g % 1000 FROM generate_series(1, 5000) g")
      } finally {
        await setup.close()
      }
      const f = migration(dB, '050_add_tier', [
        'ALTER TABLE cust ADD COLUMN tier varchar(20);',
        '-- data-migrate:backfill --table cust --column tier --set "CASE WHEN lifetime_total > 900 THEN \'platinum\' ELSE \'bronze\' END" --batch-size 1000',
        "ALTER TABLE cust ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;",
      ].join('\n'), { rollback: 'ALTER TABLE cust DROP COLUMN IF EXISTS tier;\n' })
      const r = await run({ migration: f, database: t.url, cwd: dB })
      const m = r.migrations[0]!
      expect(m.error).toBeUndefined()
      expect(m.status).toBe('applied')
      expect(m.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['Backfill batch 1/5', 'Backfill batch 5/5']))
      expect(m.validation).toContainEqual({ check: 'cust.tier filled (rows left to fill)', expected: '0', actual: '0', ok: true })
      expect(m.distributions[0]).toMatchObject({ table: 'cust', column: 'tier', rows: [{ value: 'bronze', count: 4505 }, { value: 'platinum', count: 495 }] })
    })

    it('a failure after a committed non-transactional step is partial; the re-run after a fix resumes after it', async () => {
      const d = join(dir, 'partial')
      const f = migration(d, '060_partial', 'CREATE TABLE part_t (a int);\nCREATE INDEX CONCURRENTLY part_t_a ON part_t (a);\nCREATE INDEX CONCURRENTLY part_t_b ON part_t (b);\n')
      const r1 = await run({ migration: f, database: t.url, cwd: d })
      expect(r1.migrations[0]).toMatchObject({ status: 'partial', error: { line: 3 } })
      writeFileSync(f, 'CREATE TABLE part_t (a int);\nCREATE INDEX CONCURRENTLY part_t_a ON part_t (a);\nCREATE INDEX CONCURRENTLY part_t_b ON part_t (a, a);\n')
      const r2 = await run({ migration: f, database: t.url, cwd: d })
      expect(r2.migrations[0]!.error).toBeUndefined()
      expect(r2.migrations[0]!.status).toBe('applied')
      const skipped = r2.migrations[0]!.steps.filter((s) => s.status === 'skipped').map((s) => s.name)
      expect(skipped).toEqual(['CREATE TABLE part_t (line 1)', 'CREATE INDEX CONCURRENTLY part_t_a ON part_t (line 2)'])
    })

    it('shows the distribution of a column the migration filled', async () => {
      const d9 = join(dir, 'fill')
      const f = migration(d9, '013_fill', "CREATE TABLE tiers (id int, tier text);\nINSERT INTO tiers SELECT g, NULL FROM generate_series(1, 10) g;\nUPDATE tiers SET tier = CASE WHEN id <= 6 THEN 'bronze' ELSE 'gold' END;\n")
      const r = await run({ migration: f, database: t.url, cwd: d9 })
      expect(r.migrations[0]!.distributions).toEqual([{ table: 'tiers', column: 'tier', rows: [{ value: 'bronze', count: 6, percentage: 60 }, { value: 'gold', count: 4, percentage: 40 }] }])
    })
  })
}

describe.runIf(HAS_SERVER)('postgres: run never queues behind a long transaction', () => {
  let t: TestDatabase
  let dir: string
  beforeAll(async () => {
    t = await createTestDatabase('postgres')
    dir = mkdtempSync(join(tmpdir(), 'dm-run-lock-'))
    const db = await t.open()
    await db.exec('CREATE TABLE hot (id int PRIMARY KEY, v int); INSERT INTO hot SELECT g, g FROM generate_series(1, 1000) g')
    await db.close()
  })
  afterAll(async () => {
    await t?.destroy()
  })

  it('lock_timeout + retries: readers are never stalled longer than the lock timeout; exit 3 after the retries', async () => {
    const holder = new pg.Client({ connectionString: t.url })
    const reader = new pg.Client({ connectionString: t.url })
    await holder.connect()
    await reader.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT * FROM hot LIMIT 1') // AccessShareLock held: ALTER must wait
      const f = migration(dir, '020_alter', 'ALTER TABLE hot ADD COLUMN note text;\n')
      const running = run({ migration: f, database: t.url, cwd: dir, lockTimeoutMs: 300, retries: 2 })
      // While the migration tries, other sessions' reads must not stall longer than the lock timeout.
      const latencies: number[] = []
      for (let k = 0; k < 8; k++) {
        const t0 = performance.now()
        await reader.query('SELECT count(*) FROM hot')
        latencies.push(performance.now() - t0)
        await new Promise((r) => setTimeout(r, 100))
      }
      const r = await running
      // Without lock_timeout a read would wait for the whole holding transaction (well over 2 s here).
      expect(Math.max(...latencies)).toBeLessThan(900)
      expect(r.migrations[0]).toMatchObject({ status: 'failed', error: { code: 'LOCK_TIMEOUT' } })
      expect(r.migrations[0]!.steps.filter((s) => s.name.startsWith('Retry')).length).toBe(2)
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined)
      await holder.end()
      await reader.end()
    }
    // Once the long transaction is gone, the same migration applies.
    const r2 = await run({ migration: join(dir, '020_alter.sql'), database: t.url, cwd: dir, lockTimeoutMs: 300 })
    expect(r2.status).toBe('success')
  })

  it('checks that constraints it validated are validated, and reports server-side progress of an index build', async () => {
    const d = join(dir, 'progress')
    const db = await t.open()
    await db.exec('CREATE TABLE big (id int, v int); INSERT INTO big SELECT g, g % 1000 FROM generate_series(1, 3000000) g')
    await db.close()
    const f = migration(d, '040_index', 'ALTER TABLE big ADD CONSTRAINT big_v_nonneg CHECK (v >= 0) NOT VALID;\nALTER TABLE big VALIDATE CONSTRAINT big_v_nonneg;\nCREATE INDEX big_v ON big (v, id);\n')
    const seen: string[] = []
    const r = await run({ migration: f, database: t.url, cwd: d, onEvent: (e) => e.type === 'server-progress' && seen.push(e.progress.kind) })
    expect(r.status).toBe('success')
    expect(r.migrations[0]!.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['Post-check: constraint big_v_nonneg is validated', 'Post-check: index big_v is valid']))
    expect(seen).toContain('create-index')
  }, 60_000)

  it('a second run waits for the advisory lock, says who holds it, then exits 3', async () => {
    const other = new pg.Client({ connectionString: t.url, application_name: 'other-runner' })
    await other.connect()
    try {
      await other.query('SELECT pg_advisory_lock(7212016358341137)')
      const f = migration(join(dir, 'adv'), '030_x', 'CREATE TABLE adv (a int);\n')
      const heard: string[] = []
      const err = await run({ migration: f, database: t.url, cwd: dir, lockWaitMs: 500, onEvent: (e) => e.type === 'lock-wait' && heard.push(...e.holders.map((h) => h.application)) }).catch((e: unknown) => e)
      expect(isDataMigrateError(err, 'LOCK_BUSY')).toBe(true)
      expect((err as { exitCode: number }).exitCode).toBe(3)
      expect((err as Error).message).toMatch(/other-runner/)
      expect(heard).toContain('other-runner')
    } finally {
      await other.end()
    }
  })
})
