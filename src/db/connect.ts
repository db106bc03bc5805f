import { join } from 'node:path'
import type { Database, DatabaseTarget } from './database.js'
import { pgTarget } from './pg.js'
import { pgliteTarget } from './pglite.js'

/** Where the embedded database lives, relative to the working directory. */
export const EMBEDDED_DIR = join('.data-migrate', 'db')

export interface ConnectOptions {
  /** `--database`: a `postgres://` URL, or `pglite:<dir>` / `pglite:memory` for the embedded engine. */
  readonly database?: string | undefined
  /** Environment to read `DATABASE_URL` from. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Directory the embedded database is relative to (default: the process's cwd). */
  readonly cwd?: string
}

/**
 * Resolve the target database: `--database`, else `DATABASE_URL`, else the embedded PGlite in
 * `.data-migrate/db` under the working directory.
 */
export function resolveTarget(options: ConnectOptions = {}): DatabaseTarget {
  const url = options.database ?? options.env?.DATABASE_URL
  if (url === undefined || url === '') return pgliteTarget(join(options.cwd ?? process.cwd(), EMBEDDED_DIR))
  if (url === 'pglite:memory' || url === 'memory://') return pgliteTarget(undefined)
  if (url.startsWith('pglite:')) return pgliteTarget(url.slice('pglite:'.length))
  return pgTarget(url)
}

/** Open one session on the resolved target. */
export async function connect(options: ConnectOptions = {}, applicationName?: string): Promise<Database> {
  return resolveTarget(options).open(applicationName === undefined ? {} : { applicationName })
}
