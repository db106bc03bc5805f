/**
 * The lock, rewrite and scan predictions of `plan` against what PostgreSQL really does: each statement runs in a
 * transaction that is rolled back, and `pg_locks` (relation locks of this backend, strongest per table),
 * `relfilenode` (rewrite) and `pg_stat_xact_user_tables.seq_scan` (scans) are read before the rollback. Server only (PGlite is single-session and PostgreSQL 18).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { HAS_SERVER, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import type { Database } from '../../src/db/database.js'
import { parseScript } from '../../src/sql/parse.js'
import { analyzeStatement } from '../../src/plan/analyze.js'
import { LOCK_MODES, strongest, type LockMode } from '../../src/plan/locks.js'
import { explainSeqScans, EXPLAINABLE } from '../../src/plan/explain.js'

const SETUP = `
CREATE TABLE parent (id int PRIMARY KEY, name text, code varchar(10), amount numeric(10,2), n int, t text, ts timestamp);
INSERT INTO parent SELECT g, 'n' || g, 'c', g, g, 't', now() FROM generate_series(1, 100) g;
CREATE TABLE child (id int PRIMARY KEY, parent_id int, v int);
INSERT INTO child SELECT g, g, g FROM generate_series(1, 100) g;
CREATE INDEX child_v ON child (v);
CREATE VIEW parent_names AS SELECT id, name FROM parent;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 (id int, at date);
ALTER TABLE child ADD CONSTRAINT child_v_pos CHECK (v > 0) NOT VALID;
`

/** Statements traced; each runs alone in a rolled-back transaction on the SETUP schema. */
const CASES = [
  'ALTER TABLE parent ADD COLUMN c1 text',
  'ALTER TABLE parent ADD COLUMN c2 int DEFAULT 0',
  'ALTER TABLE parent ADD COLUMN c3 timestamptz DEFAULT now()',
  'ALTER TABLE parent ADD COLUMN c4 uuid DEFAULT gen_random_uuid()',
  'ALTER TABLE parent ADD COLUMN c5 bigserial',
  'ALTER TABLE parent ADD COLUMN c6 int GENERATED ALWAYS AS IDENTITY',
  'ALTER TABLE parent ADD COLUMN c7 int GENERATED ALWAYS AS (n * 2) STORED',
  'ALTER TABLE parent DROP COLUMN t',
  'ALTER TABLE parent ALTER COLUMN name SET DEFAULT \'x\'',
  'ALTER TABLE parent ALTER COLUMN name DROP DEFAULT',
  'ALTER TABLE parent ALTER COLUMN name SET NOT NULL',
  'ALTER TABLE parent ALTER COLUMN name DROP NOT NULL',
  'ALTER TABLE parent ALTER COLUMN n TYPE bigint',
  'ALTER TABLE parent ALTER COLUMN code TYPE varchar(20)',
  'ALTER TABLE parent ALTER COLUMN code TYPE varchar(5)',
  'ALTER TABLE parent ALTER COLUMN code TYPE text',
  'ALTER TABLE parent ALTER COLUMN t TYPE varchar(100)',
  'ALTER TABLE parent ALTER COLUMN amount TYPE numeric(12,2)',
  'ALTER TABLE parent ALTER COLUMN amount TYPE numeric(12,3)',
  'ALTER TABLE parent ALTER COLUMN n TYPE text USING n::text',
  'ALTER TABLE parent ALTER COLUMN name SET STATISTICS 500',
  'ALTER TABLE parent SET (fillfactor = 70)',
  'ALTER TABLE parent SET UNLOGGED',
  'ALTER TABLE parent ADD CONSTRAINT amount_pos CHECK (amount >= 0)',
  'ALTER TABLE parent ADD CONSTRAINT amount_pos CHECK (amount >= 0) NOT VALID',
  'ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id)',
  'ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID',
  'ALTER TABLE child VALIDATE CONSTRAINT child_v_pos',
  'ALTER TABLE child DROP CONSTRAINT child_v_pos',
  'ALTER TABLE parent ADD CONSTRAINT parent_name_uq UNIQUE (name)',
  'ALTER TABLE parent RENAME COLUMN name TO full_name',
  'ALTER TABLE parent RENAME TO parents',
  'ALTER TABLE child DISABLE TRIGGER ALL',
  'ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\')',
  'CREATE INDEX parent_name_idx ON parent (name)',
  'CREATE UNIQUE INDEX parent_code_idx ON parent (code, id)',
  'CREATE TABLE fresh (id int PRIMARY KEY, parent_id int REFERENCES parent (id))',
  'CREATE VIEW child_view AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id',
  'DROP TABLE child',
  'DROP VIEW parent_names',
  'TRUNCATE child',
  'INSERT INTO child SELECT id + 1000, id, 1 FROM parent',
  'UPDATE parent SET n = n + 1',
  'UPDATE parent SET n = n + 1 WHERE id = 5',
  'DELETE FROM child WHERE v > 50',
  'LOCK TABLE parent IN SHARE MODE',
  'CREATE TRIGGER child_trg BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  'ANALYZE parent',
  'CLUSTER parent USING parent_pkey',
  'REINDEX TABLE child',
  'ALTER TYPE mood ADD VALUE \'happy\'',
  'SELECT count(*) FROM parent JOIN child ON child.parent_id = parent.id',
]

interface Trace {
  locks: Record<string, LockMode>
  rewrites: string[]
  scans: string[]
}

async function trace(db: Database, sql: string): Promise<Trace> {
  await db.exec('BEGIN')
  try {
    // Relations by OID as they are before the statement (it may rename or drop them).
    const before = await db.query<{ oid: number; t: string; f: number }>(
      `SELECT oid::int AS oid, relname AS t, relfilenode::int AS f FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')`,
    )
    const scanBefore = await db.query<{ oid: number; n: number }>(`SELECT relid::int AS oid, seq_scan::int AS n FROM pg_stat_xact_user_tables`)
    await db.exec(sql)
    const scanAfter = await db.query<{ oid: number; n: number }>(`SELECT relid::int AS oid, seq_scan::int AS n FROM pg_stat_xact_user_tables`)
    const locks = await db.query<{ oid: number; mode: LockMode }>(
      `SELECT l.relation::int AS oid, l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation'`,
    )
    const after = await db.query<{ oid: number; t: string; f: number; kind: string }>(
      `SELECT oid::int AS oid, relname AS t, relfilenode::int AS f, relkind::text AS kind FROM pg_class WHERE relnamespace = 'public'::regnamespace`,
    )
    const name = new Map(before.rows.map((r) => [r.oid, r.t]))
    for (const r of after.rows) if (!name.has(r.oid) && ['r', 'p', 'v', 'm'].includes(r.kind)) name.set(r.oid, r.t)
    const out: Record<string, LockMode> = {}
    for (const l of locks.rows) {
      const t = name.get(l.oid)
      if (t) out[t] = strongest(out[t], l.mode)
    }
    const rewrites = before.rows.filter((b) => after.rows.some((x) => x.oid === b.oid && x.f !== b.f)).map((b) => b.t)
    const scans = scanAfter.rows.filter((a) => a.n > (scanBefore.rows.find((b) => b.oid === a.oid)?.n ?? 0)).map((a) => name.get(a.oid) ?? '?')
    return { locks: out, rewrites, scans }
  } finally {
    await db.exec('ROLLBACK')
  }
}

describe.runIf(HAS_SERVER)('postgres: plan predictions equal traced locks and rewrites', () => {
  let t: TestDatabase
  let db: Database
  beforeAll(async () => {
    t = await createTestDatabase('postgres')
    db = await t.open()
    await db.exec(SETUP)
  })
  afterAll(async () => {
    await db?.close()
    await t?.destroy()
  })

  for (const sql of CASES) {
    it(sql, async () => {
      const real = await trace(db, sql)
      const stmt = (await parseScript(sql)).statements[0]!
      const types = await db.query<{ t: string; c: string; ty: string }>(
        `SELECT c.relname AS t, a.attname AS c, format_type(a.atttypid, a.atttypmod) AS ty FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped`,
      )
      const columnType = (table: string, column: string): string | undefined => types.rows.find((r) => r.t === table && r.c === column)?.ty
      const explained = EXPLAINABLE.has(stmt.kind) ? await explainSeqScans(db, stmt.text) : undefined
      const p = analyzeStatement(stmt, { pgVersion: db.serverVersion, created: new Set(), columnType, seqScans: () => explained })
      const predicted: Record<string, LockMode> = {}
      for (const l of p.locks) if (!p.creates.includes(l.table)) predicted[l.table] = l.mode
      const realTables: Record<string, LockMode> = {}
      for (const [k, v] of Object.entries(real.locks)) if (!p.creates.includes(k)) realTables[k] = v
      expect(predicted).toEqual(realTables)
      expect([...p.rewrites].sort()).toEqual(real.rewrites.filter((r) => !p.creates.includes(r)).sort())
      expect([...p.scans].sort()).toEqual(real.scans.filter((r) => !p.creates.includes(r)).sort())
    })
  }

  it('covers every lock mode PostgreSQL takes in this corpus', () => {
    expect(LOCK_MODES.length).toBe(8)
  })
})
