/**
 * The database backends every database test runs on, like kysely's DIALECTS: PGlite always, and the real server
 * when one answers (mandatory under CI=true). `DM_TEST_BACKENDS=pglite` (or `postgres`) filters.
 *
 * Isolation: on the server each test file gets a fresh database (CREATE DATABASE … / DROP at the end); on PGlite a
 * copy of a template data directory made once per run by the global setup (initdb takes seconds, a copy does not).
 */
import { cpSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Database, DatabaseTarget } from '../../src/db/database.js'
import { pgTarget } from '../../src/db/pg.js'
import { pgliteTarget } from '../../src/db/pglite.js'

export type BackendName = 'postgres' | 'pglite'

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const PGLITE_TEMPLATE = process.env.DM_PGLITE_TEMPLATE ?? join(tmpdir(), 'data-migrate-pglite-template')

export async function serverReachable(url = SERVER_URL): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await c.connect()
    await c.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

const wanted = (process.env.DM_TEST_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim())
const serverUp = wanted.includes('postgres') ? await serverReachable() : false
if (process.env.CI === 'true' && wanted.includes('postgres') && !serverUp) {
  throw new Error(`CI=true but the PostgreSQL server at ${SERVER_URL} does not answer: database tests must run on it`)
}

/** Backends available in this run. */
export const BACKENDS: readonly BackendName[] = [
  ...(wanted.includes('pglite') ? (['pglite'] as const) : []),
  ...(serverUp ? (['postgres'] as const) : []),
]

/** True when the real server is part of this run (for server-only cases: locks from a second session, signals). */
export const HAS_SERVER = serverUp

/** One isolated database for a test file. */
export interface TestDatabase {
  readonly backend: BackendName
  readonly target: DatabaseTarget
  /** What to pass as `--database` to the CLI. */
  readonly url: string
  open(applicationName?: string): Promise<Database>
  /** Drop the database / remove the directory. */
  destroy(): Promise<void>
}

let counter = 0

/** Create an isolated database on `backend`. Call `destroy()` in afterAll. */
export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const name = `dm_test_${process.pid}_${Date.now().toString(36)}_${counter++}`
    const admin = new pg.Client({ connectionString: SERVER_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    const u = new URL(SERVER_URL)
    u.pathname = `/${name}`
    const url = u.toString()
    const target = pgTarget(url)
    return {
      backend,
      target,
      url,
      open: (applicationName) => target.open(applicationName ? { applicationName } : {}),
      async destroy() {
        const a = new pg.Client({ connectionString: SERVER_URL })
        await a.connect()
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        await a.end()
      },
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'dm-pglite-'))
  const dataDir = join(dir, 'db')
  if (existsSync(PGLITE_TEMPLATE)) cpSync(PGLITE_TEMPLATE, dataDir, { recursive: true })
  const target = pgliteTarget(dataDir)
  return {
    backend,
    target,
    url: `pglite:${dataDir}`,
    open: () => target.open(),
    async destroy() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
