/**
 * Live facts for a plan, read from a database without changing it: column types, row estimates and sizes of the
 * tables a migration touches, views and foreign keys that depend on them, triggers, and transactions that hold
 * locks on them right now. Read-only queries only.
 */
import type { Database } from '../db/database.js'

export interface TableFacts {
  readonly table: string
  readonly exists: boolean
  readonly rows: number
  /** Table + indexes + TOAST. */
  readonly bytes: number
  /** The table's main fork alone (what a scan or a rewrite reads). */
  readonly heapBytes: number
  readonly columns: ReadonlyMap<string, string>
  readonly dependentViews: readonly string[]
  readonly referencedBy: readonly string[]
  readonly triggers: readonly string[]
  readonly lockHolders: readonly string[]
  /** Columns a validated `CHECK (col IS NOT NULL)` proves. */
  readonly notNullChecked: ReadonlySet<string>
}

/** Read the facts of `tables` (names as written in the migration: `t` or `schema.t`). */
export async function readFacts(db: Database, tables: readonly string[]): Promise<Map<string, TableFacts>> {
  const out = new Map<string, TableFacts>()
  for (const t of tables) {
    const q = t.includes('.') ? t.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.') : `"${t.replace(/"/g, '""')}"`
    const rel = await db.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [q])
    const oid = rel.rows[0]?.oid ?? null
    if (oid === null) {
      out.set(t, { table: t, exists: false, rows: 0, bytes: 0, heapBytes: 0, columns: new Map(), dependentViews: [], referencedBy: [], triggers: [], lockHolders: [], notNullChecked: new Set() })
      continue
    }
    const size = await db.query<{ rows: number; bytes: number; heap: number }>(
      `SELECT GREATEST(c.reltuples, 0)::bigint AS rows, pg_total_relation_size(c.oid)::bigint AS bytes, pg_relation_size(c.oid)::bigint AS heap FROM pg_class c WHERE c.oid = $1`, [oid],
    )
    const cols = await db.query<{ name: string; type: string }>(
      'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped', [oid],
    )
    const views = await db.query<{ v: string }>(
      `SELECT DISTINCT r.ev_class::regclass::text AS v FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.refobjid = $1 AND d.classid = 'pg_rewrite'::regclass AND r.ev_class <> $1`, [oid],
    )
    const fks = await db.query<{ t: string }>(`SELECT conrelid::regclass::text || ' (' || conname || ')' AS t FROM pg_constraint WHERE confrelid = $1 AND contype = 'f'`, [oid])
    const trg = await db.query<{ n: string }>('SELECT tgname AS n FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal', [oid])
    const checks = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1 AND contype = 'c' AND convalidated`, [oid])
    const notNullChecked = new Set(checks.rows.flatMap((c) => {
      const m = /^CHECK \(\("?([^"()]+)"? IS NOT NULL\)\)$/.exec(c.def)
      return m ? [m[1]!] : []
    }))
    const holders = db.kind === 'postgres'
      ? await db.query<{ h: string }>(
        `SELECT 'pid ' || a.pid || ' (' || coalesce(nullif(a.application_name, ''), 'no name') || ') ' || l.mode || ', in transaction for ' || date_trunc('second', now() - a.xact_start)::text AS h
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.relation = $1 AND l.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL`, [oid],
      )
      : { rows: [] as { h: string }[] }
    out.set(t, {
      table: t,
      exists: true,
      rows: Number(size.rows[0]?.rows ?? 0),
      bytes: Number(size.rows[0]?.bytes ?? 0),
      heapBytes: Number(size.rows[0]?.heap ?? 0),
      columns: new Map(cols.rows.map((c) => [c.name, c.type])),
      dependentViews: views.rows.map((v) => v.v),
      referencedBy: fks.rows.map((f) => f.t),
      triggers: trg.rows.map((x) => x.n),
      lockHolders: holders.rows.map((h) => h.h),
      notNullChecked,
    })
  }
  return out
}
