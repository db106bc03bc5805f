/**
 * `status`: which migrations of a directory are applied, pending, changed since applied (checksum drift) or
 * failed, read from the history table. Read-only: it never creates the history table.
 */
import { resolve } from 'node:path'
import { resolveTarget } from '../db/connect.js'
import { listMigrations, readMigration } from '../migration/files.js'
import { latestByName } from '../run/history.js'

export interface StatusOptions {
  readonly dir?: string
  readonly database?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
}

export interface StatusEntry {
  readonly name: string
  readonly file: string
  readonly state: 'applied' | 'pending' | 'changed' | 'failed' | 'aborted' | 'partial'
  readonly appliedAt: string | null
  readonly historyId: number | null
  readonly error: string | null
}

export interface StatusResult {
  readonly database: string
  readonly migrations: readonly StatusEntry[]
  readonly counts: Readonly<Record<StatusEntry['state'], number>>
}

/** List the migrations of `dir` (default `migrations`) with their state. */
export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const cwd = options.cwd ?? process.cwd()
  const files = listMigrations(resolve(cwd, options.dir ?? 'migrations')).map((p) => readMigration(p))
  const target = resolveTarget({ database: options.database, env: options.env ?? process.env, cwd })
  const db = await target.open({ applicationName: 'data-migrate status' })
  let latest = new Map<string, Awaited<ReturnType<typeof latestByName>> extends Map<string, infer V> ? V : never>()
  try {
    const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('data_migrate.history')::text AS t`)
    if (exists.rows[0]?.t) latest = await latestByName(db)
  } finally {
    await db.close()
  }
  const migrations: StatusEntry[] = files.map((f) => {
    const row = latest.get(f.name)
    const state: StatusEntry['state'] = !row ? 'pending' : row.status === 'applied' ? (row.checksum === f.checksum ? 'applied' : 'changed') : row.status
    return { name: f.name, file: f.path, state, appliedAt: row?.status === 'applied' ? row.finished_at : null, historyId: row?.id ?? null, error: row?.error ?? null }
  })
  const counts = { applied: 0, pending: 0, changed: 0, failed: 0, aborted: 0, partial: 0 }
  for (const m of migrations) counts[m.state]++
  return { database: target.display, migrations, counts }
}
