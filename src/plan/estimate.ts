/**
 * Duration estimates from table sizes, row counts and rates. With a database the rates are calibrated on that
 * server: a sample table of 200,000 rows is scanned, indexed, updated, rewritten and emptied inside a transaction
 * that is always rolled back, and each operation's rate is measured. The report states the basis.
 */
import type { Database } from '../db/database.js'
import type { PlannedStatement } from './plan-file.js'
import type { TableFacts } from './facts.js'

export interface Rates {
  /** Heap MB/s of a sequential scan (validation, SET NOT NULL). */
  readonly scanMBs: number
  /** Heap MB/s of a table rewrite (ALTER TYPE, volatile default), index rebuild included. */
  readonly rewriteMBs: number
  /** Rows/s of an index build. */
  readonly indexRowsS: number
  readonly updateRowsS: number
  readonly deleteRowsS: number
  readonly basis: string
}

/** Rates measured on this project's reference machine (2 cores, PostgreSQL 15): used without a calibration. */
export const DEFAULT_RATES: Rates = {
  scanMBs: 900, rewriteMBs: 80, indexRowsS: 5_000_000, updateRowsS: 400_000, deleteRowsS: 2_800_000,
  basis: 'fixed rates measured on the reference machine, not on this server',
}

const SAMPLE_ROWS = 200_000

const measured = new Map<string, Rates>()

/** Measure the rates on `db` in a transaction that is rolled back (≈ 1 s), once per database per process. */
export async function calibrate(db: Database): Promise<Rates> {
  const known = measured.get(db.description)
  if (known) return known
  const rates = await measure(db)
  measured.set(db.description, rates)
  return rates
}

async function measure(db: Database): Promise<Rates> {
  const time = async (sql: string): Promise<number> => {
    const t = performance.now()
    await db.exec(sql)
    return Math.max((performance.now() - t) / 1000, 1e-4)
  }
  await db.exec('BEGIN')
  try {
    await db.exec(`CREATE TABLE data_migrate_calibration AS SELECT g AS id, g % 1000 AS k, md5(g::text) AS s, g * 1.5 AS n FROM generate_series(1, ${SAMPLE_ROWS}) g`)
    const mb = Number((await db.query<{ b: number }>(`SELECT pg_relation_size('data_migrate_calibration')::bigint AS b`)).rows[0]?.b ?? 0) / 1e6
    const scan = await time("SELECT count(*) FROM data_migrate_calibration WHERE s <> ''")
    const index = await time('CREATE INDEX ON data_migrate_calibration (k)')
    const rewrite = await time('ALTER TABLE data_migrate_calibration ALTER COLUMN k TYPE bigint')
    const update = await time('UPDATE data_migrate_calibration SET n = n + 1')
    const del = await time('DELETE FROM data_migrate_calibration')
    return {
      scanMBs: mb / scan,
      rewriteMBs: mb / rewrite,
      indexRowsS: SAMPLE_ROWS / index,
      updateRowsS: SAMPLE_ROWS / update,
      deleteRowsS: SAMPLE_ROWS / del,
      basis: `rates calibrated on this server (a ${SAMPLE_ROWS.toLocaleString('en-US')}-row sample scanned, indexed, rewritten, updated and deleted in a rolled-back transaction), table sizes and row estimates from pg_class; lock waits not included`,
    }
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined)
  }
}

/** Seconds one statement is expected to take once its locks are granted. */
export function estimateSeconds(s: PlannedStatement, facts: ReadonlyMap<string, TableFacts>, rates: Rates): number {
  const f = (t: string): TableFacts | undefined => facts.get(t)
  let secs = 0.002
  for (const t of s.rewrites) secs += (f(t)?.heapBytes ?? 0) / 1e6 / rates.rewriteMBs
  // Index builds and data changes include their scans in their own rates; rewrites were counted above.
  if (s.work === 'scan') for (const t of s.scans) if (!s.rewrites.includes(t)) secs += (f(t)?.heapBytes ?? 0) / 1e6 / rates.scanMBs
  if (s.work === 'index-build') for (const l of s.locks) secs += (f(l.table)?.rows ?? 0) / rates.indexRowsS
  if (s.work === 'data-change' && s.rowsAffected) secs += s.rowsAffected / (s.kind === 'DeleteStmt' ? rates.deleteRowsS : rates.updateRowsS)
  return Math.round(secs * 1000) / 1000
}
