/**
 * One run at a time per database: a *session* advisory lock taken on the migration's own connection (never a
 * transaction lock held open on a second connection, which makes CREATE INDEX CONCURRENTLY wait for it forever).
 * When another run holds it, we wait a bounded time, saying who holds it, then give up with exit 3.
 */
import type { Database } from '../db/database.js'
import { DataMigrateError } from '../errors.js'

/** The lock key: "data-migrate" hashed once, fixed forever so every version agrees. */
export const RUN_LOCK_KEY = 7_212_016_358_341_137

export interface LockHolder {
  readonly pid: number
  readonly application: string
  readonly query: string
  readonly since: string | null
}

/** Who holds the advisory lock `key` (server only; PGlite has one session). */
export async function lockHolders(db: Database, key: number): Promise<LockHolder[]> {
  const r = await db.query<LockHolder>(
    `SELECT a.pid, coalesce(a.application_name, '') AS application, left(coalesce(a.query, ''), 200) AS query,
            a.backend_start::text AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid AND l.objsubid = 1
        AND l.pid <> pg_backend_pid()`,
    [key],
  )
  return r.rows
}

/**
 * Take the session lock, waiting up to `waitMs` (polling). `onWait` hears who holds it. Returns a release
 * function. Throws `LOCK_BUSY` (exit 3) when the wait runs out.
 */
export async function acquireSessionLock(db: Database, key: number, waitMs: number, onWait?: (holders: LockHolder[]) => void, signal?: AbortSignal): Promise<() => Promise<void>> {
  const started = Date.now()
  let told = false
  for (;;) {
    const r = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])
    if (r.rows[0]?.ok) {
      return async () => {
        await db.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined)
      }
    }
    const holders = db.kind === 'postgres' ? await lockHolders(db, key) : []
    if (!told) {
      onWait?.(holders)
      told = true
    }
    if (Date.now() - started >= waitMs || signal?.aborted) {
      const who = holders.map((h) => `pid ${h.pid} (${h.application || 'no application name'}): ${h.query.replace(/\s+/g, ' ').slice(0, 80)}`).join('; ')
      throw new DataMigrateError('LOCK_BUSY', `another data-migrate run holds the migration lock${who ? `: ${who}` : ''}`, {
        hint: `wait for it to finish (waited ${Math.round(waitMs / 1000)}s), or stop it: SELECT pg_cancel_backend(<pid>)`,
      })
    }
    await new Promise((res) => setTimeout(res, 250))
  }
}
