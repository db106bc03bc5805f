/**
 * Server-side progress of a long statement, read from a second connection while the migration's session is busy:
 * `pg_stat_progress_copy` (PostgreSQL 14+) for loads, `pg_stat_progress_create_index` for index builds. Server
 * only: PGlite has one session.
 */
import type { DatabaseTarget, Database } from '../db/database.js'

export interface ServerProgress {
  readonly kind: 'copy' | 'create-index'
  /** Tuples or blocks done and total, when the server knows them. */
  readonly done: number
  readonly total: number | null
  readonly unit: 'rows' | 'blocks' | 'tuples'
  readonly phase?: string
}

/** Poll progress for `pid` every `intervalMs` (default 250 ms) until stopped. Failures to read progress are ignored. */
export function watchProgress(target: DatabaseTarget, pid: number, onProgress: (p: ServerProgress) => void, intervalMs = 250): () => Promise<void> {
  if (!target.multiSession) return async () => undefined
  let stopped = false
  let db: Database | undefined
  let timer: NodeJS.Timeout | undefined
  const tick = async (): Promise<void> => {
    if (stopped) return
    try {
      db ??= await target.open({ applicationName: 'data-migrate progress' })
      const c = await db.query<{ done: number; total: number | null }>(
        `SELECT tuples_processed AS done, NULLIF(bytes_total, 0) AS total FROM pg_stat_progress_copy WHERE pid = $1`, [pid],
      ).catch(() => ({ rows: [] as { done: number; total: number | null }[] }))
      if (c.rows[0]) onProgress({ kind: 'copy', done: Number(c.rows[0].done), total: null, unit: 'rows' })
      const i = await db.query<{ phase: string; done: number; total: number }>(
        `SELECT phase, COALESCE(NULLIF(blocks_total, 0), tuples_total) AS total, CASE WHEN blocks_total > 0 THEN blocks_done ELSE tuples_done END AS done
           FROM pg_stat_progress_create_index WHERE pid = $1`, [pid],
      )
      if (i.rows[0]) onProgress({ kind: 'create-index', done: Number(i.rows[0].done), total: Number(i.rows[0].total) || null, unit: 'blocks', phase: i.rows[0].phase })
    } catch {
      // progress is best effort
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs)
  }
  timer = setTimeout(() => void tick(), intervalMs)
  return async () => {
    stopped = true
    if (timer) clearTimeout(timer)
    await db?.close().catch(() => undefined)
  }
}
