/**
 * Duration estimates from table sizes and row counts. The rates are fixed figures measured on this project's
 * reference machine (2 cores, PostgreSQL 15, data in cache), not calibrated on the target server yet: the report
 * says so. Pure.
 */
import type { PlannedStatement } from './plan-file.js'
import type { TableFacts } from './facts.js'

/** Sequential scan, MB/s. */
const SCAN_MB_S = 400
/** Table rewrite (copy + index rebuild), MB/s. */
const REWRITE_MB_S = 80
/** Index build, rows/s. */
const INDEX_ROWS_S = 1_500_000
/** UPDATE/DELETE, rows/s. */
const CHANGE_ROWS_S = 300_000

export const ESTIMATE_BASIS = `table sizes and row estimates from pg_class; fixed rates (scan ${SCAN_MB_S} MB/s, rewrite ${REWRITE_MB_S} MB/s, index build ${INDEX_ROWS_S / 1e6}M rows/s, update/delete ${CHANGE_ROWS_S / 1e3}k rows/s), not calibrated on this server; lock waits not included`

/** Seconds one statement is expected to take once its locks are granted. */
export function estimateSeconds(s: PlannedStatement, facts: ReadonlyMap<string, TableFacts>): number {
  const size = (t: string): TableFacts | undefined => facts.get(t)
  let secs = 0.005
  for (const t of s.rewrites) secs += (size(t)?.bytes ?? 0) / 1e6 / REWRITE_MB_S
  for (const t of s.scans) secs += (size(t)?.bytes ?? 0) / 1e6 / SCAN_MB_S
  if (s.work === 'index-build') for (const l of s.locks) secs += (size(l.table)?.rows ?? 0) / INDEX_ROWS_S
  if (s.work === 'data-change' && s.rowsAffected) secs += s.rowsAffected / CHANGE_ROWS_S
  return Math.round(secs * 1000) / 1000
}
