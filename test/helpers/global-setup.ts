import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { PGLITE_TEMPLATE, SERVER_URL, serverReachable } from './backends.js'
import { PgliteDatabase } from '../../src/db/pglite.js'

/** Make the PGlite template data directory once (initdb), and say which backends the database tests use. */
export default async function setup(): Promise<void> {
  if (!existsSync(PGLITE_TEMPLATE)) {
    const tmp = `${PGLITE_TEMPLATE}.tmp-${process.pid}`
    rmSync(tmp, { recursive: true, force: true })
    mkdirSync(tmp, { recursive: true })
    const db = await PgliteDatabase.open(`${tmp}/db`)
    await db.close()
    rmSync(`${tmp}/db.lock`, { force: true })
    try {
      renameSync(`${tmp}/db`, PGLITE_TEMPLATE)
    } catch {
      // another run made it first
    }
    rmSync(tmp, { recursive: true, force: true })
  }
  const wanted = (process.env.DM_TEST_BACKENDS ?? 'pglite,postgres').split(',')
  const server = wanted.includes('postgres') && (await serverReachable())
  const list = [wanted.includes('pglite') ? 'pglite (embedded)' : '', server ? `postgres (${SERVER_URL})` : ''].filter(Boolean)
  process.stdout.write(`\ndatabase tests run on: ${list.join(', ')}${server ? '' : ' — no server reachable, server-only cases skipped'}\n\n`)
}
