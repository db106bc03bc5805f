/**
 * Execute a psql script on a session with data-migrate's own pieces (the splitter, the real parser and the
 * \copy reader), statement by statement, and return the validation rows it printed. For tests that need to
 * run a validation or rollback file by itself, outside `run`.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Database } from '../../src/db/database.js'
import { parseScript } from '../../src/sql/parse.js'
import { planUnits } from '../../src/run/plan-steps.js'
import { openSource } from '../../src/csv/source.js'

export interface ValidationRow {
  check: string
  expected: string
  actual: string
  ok: boolean
}

export async function executeScriptFile(db: Database, file: string, cwd: string): Promise<ValidationRow[]> {
  const path = resolve(cwd, file)
  const script = await parseScript(readFileSync(path, 'utf8'), path)
  const rows: ValidationRow[] = []
  for (const unit of planUnits(script, path, db.serverVersion)) {
    // Like psql with ON_ERROR_STOP, nothing of a failed unit survives: each unit runs in its own transaction.
    if (unit.transactional) await db.exec('BEGIN')
    try {
      await runUnit(unit.work)
      if (unit.transactional) await db.exec('COMMIT')
    } catch (e) {
      if (unit.transactional) await db.exec('ROLLBACK')
      throw e
    }
  }
  return rows

  async function runUnit(work: ReturnType<typeof planUnits>[number]['work']): Promise<void> {
    for (const w of work) {
      if (w.kind === 'backfill') throw new Error('backfill steps are not used in these tests')
      if (w.kind === 'copy') {
        if (w.copy.source.kind !== 'file') throw new Error('PROGRAM sources are not used in these tests')
        await db.copyFrom(w.copy.spec, openSource(resolve(cwd, w.copy.source.path)))
        continue
      }
      for (const r of await db.exec(w.stmt.text)) {
        if (r.fields.some((f) => f.name === 'check')) rows.push(...(r.rows as unknown as ValidationRow[]))
      }
    }
  }
}
