/**
 * A migration script turned into execution units: consecutive statements that may run in a transaction form
 * one transactional unit (with the file's own BEGIN/COMMIT folded into it), each statement PostgreSQL refuses
 * inside a transaction is a unit of its own. psql meta-commands are honoured or refused here, before anything
 * runs. Pure.
 */
import { createHash } from 'node:crypto'
import type { ParsedScript, ParsedStatement } from '../sql/parse.js'
import type { MetaItem } from '../sql/psql-script.js'
import { classify, type StatementFacts } from './classify.js'
import { parseCopyMeta, type PsqlCopy } from './copy-meta.js'
import { DataMigrateError } from '../errors.js'
import { parseBackfillDirective } from '../backfill/directive.js'
import type { BackfillOptions } from '../actions/backfill.js'

export type Work =
  | { readonly kind: 'sql'; readonly stmt: ParsedStatement; readonly facts: StatementFacts; readonly label: string }
  | { readonly kind: 'copy'; readonly copy: PsqlCopy; readonly line: number; readonly label: string }
  | { readonly kind: 'backfill'; readonly options: Omit<BackfillOptions, 'database'>; readonly line: number; readonly label: string }

export interface Unit {
  readonly transactional: boolean
  readonly work: Work[]
  /** Stable identity of a non-transactional unit, to resume after it once committed. */
  readonly hash: string
}

/** psql meta-commands that change nothing a migration depends on. */
const HARMLESS = new Set(['set', 'echo', 'qecho', 'timing', 'pset', 'unset', 'encoding', 'warn'])

export function unitHash(u: { work: readonly Work[] }): string {
  const h = createHash('sha256')
  for (const w of u.work) h.update(w.kind === 'sql' ? w.stmt.text : w.kind === 'backfill' ? JSON.stringify(w.options) : w.label).update('\0')
  return h.digest('hex').slice(0, 16)
}

function checkMeta(m: MetaItem, file: string): void {
  if (m.command === 'copy' || HARMLESS.has(m.command)) {
    if (m.command === 'set' && /^ON_ERROR_STOP\s+(off|0|false)\b/i.test(m.args)) {
      throw new DataMigrateError('SQL_UNSUPPORTED', '\\set ON_ERROR_STOP off asks to continue after errors', {
        where: { file, line: m.line },
        hint: 'data-migrate run always stops at the first error and rolls back; remove that line',
      })
    }
    return
  }
  throw new DataMigrateError('SQL_UNSUPPORTED', `psql meta-command \\${m.command} cannot be run by data-migrate run`, {
    where: { file, line: m.line },
    hint: 'supported: \\copy … FROM, \\set, \\echo and other display settings; inline what \\i includes, and run \\connect/\\gexec scripts with psql',
  })
}

/** Build the units of a script. Throws for unsupported meta-commands or transaction control it cannot honour. */
export function planUnits(script: ParsedScript, file: string, serverVersion: number): Unit[] {
  const units: { transactional: boolean; work: Work[] }[] = []
  let stmtIndex = 0
  let current: Work[] = []
  const flush = (): void => {
    if (current.length > 0) units.push({ transactional: true, work: current })
    current = []
  }
  for (const item of script.items) {
    if (item.kind === 'directive') {
      if (item.name === 'backfill') {
        // Batches commit on their own: a backfill is a step outside the migration's transaction.
        const options = parseBackfillDirective(item.args, { file, line: item.line })
        flush()
        const work: Work = { kind: 'backfill', options, line: item.line, label: `Backfill ${options.table}.${options.column} (line ${item.line})` }
        units.push({ transactional: false, work: [work] })
      }
      continue
    }
    if (item.kind === 'meta') {
      checkMeta(item, file)
      if (item.command === 'copy') {
        const copy = parseCopyMeta(item.args, { file, line: item.line })
        current.push({ kind: 'copy', copy, line: item.line, label: `Load ${copy.table} (\\copy, line ${item.line})` })
      }
      continue
    }
    const stmt = script.statements[stmtIndex++]!
    const facts = classify(stmt, serverVersion)
    if (facts.control === 'begin' || facts.control === 'commit') continue // folded into run's own transaction
    if (facts.control) {
      throw new DataMigrateError('SQL_UNSUPPORTED', `${stmt.text.split(/\s+/)[0]} in a migration file is not supported`, {
        where: { file, line: stmt.line, statement: stmt.index },
        hint: 'data-migrate run wraps the file in one transaction and rolls back on any error; remove ROLLBACK/SAVEPOINT',
      })
    }
    const label = `${facts.label} (line ${stmt.line})`
    if (!facts.transactional) {
      flush()
      units.push({ transactional: false, work: [{ kind: 'sql', stmt, facts, label }] })
    } else current.push({ kind: 'sql', stmt, facts, label })
  }
  flush()
  return units.map((u) => ({ ...u, hash: unitHash(u) }))
}
