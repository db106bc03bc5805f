/**
 * Plan a whole migration file: analyse each statement in the context of the ones before it (objects created in
 * the file, lock_timeout, transaction blocks), run the rules, honour `-- data-migrate:ignore <rule>`, and derive
 * the risk, the dependencies, the rollback and a recommendation. Pure: parsed script and facts in, plan out.
 *
 * Transaction model: `data-migrate run` executes every statement that may run in a transaction in ONE transaction
 * (explicit BEGIN/COMMIT folded in), and the others as their own steps; the plan assumes the same.
 */
import type { ParsedScript } from '../sql/parse.js'
import { analyzeStatement, type StatementAnalysis } from './analyze.js'
import { blocks, type LockMode } from './locks.js'
import { RULES } from './rules/index.js'
import type { Finding, RuleContext } from './rule.js'
import { parseBackfillDirective } from '../backfill/directive.js'

export type Risk = 'low' | 'medium' | 'high'

export interface PlannedStatement extends Omit<StatementAnalysis, 'node'> {
  readonly findings: readonly Finding[]
  /** Findings silenced by `-- data-migrate:ignore`, kept for the record. */
  readonly ignored: readonly string[]
  readonly rowsAffected: number | null
  readonly estimatedSeconds: number | null
  /** Locks with what they block, for the report. */
  readonly lockImpact: readonly { table: string; mode: LockMode; blocks: string; existing: boolean }[]
}

export interface PlanFacts {
  readonly pgVersion: number
  /** Rows a DML statement is expected to touch (the server's EXPLAIN estimate). */
  readonly affectedRows?: (statementIndex: number) => number | undefined
  readonly seqScans?: (statementIndex: number) => readonly string[] | undefined
  readonly columnType?: (table: string, column: string) => string | undefined
  readonly rows?: (table: string) => number | undefined
  readonly provenNotNull?: (table: string, column: string) => boolean
}

export interface RollbackPlan {
  readonly source: 'file' | 'synthesised'
  readonly file?: string
  readonly statements: readonly string[]
  readonly irreversible: readonly string[]
}

export interface FilePlan {
  readonly statements: readonly PlannedStatement[]
  /** `-- data-migrate:backfill` steps: batched by `run`, each batch its own short transaction (ROW EXCLUSIVE only). */
  readonly backfills: readonly { readonly line: number; readonly table: string; readonly column: string; readonly set: string }[]
  /** psql `\copy … FROM` loads: ROW EXCLUSIVE on the table, in the migration's transaction. */
  readonly loads: readonly { readonly line: number; readonly table: string; readonly source: string }[]
  readonly risk: Risk
  readonly riskReasons: readonly string[]
  readonly tables: readonly string[]
  readonly type: string
  readonly dependencies: { readonly requires: readonly string[]; readonly blocks: readonly string[] }
  readonly rollback: RollbackPlan
  readonly recommendation: { readonly verdict: 'safe' | 'caution' | 'unsafe'; readonly reasons: readonly string[] }
  readonly unknowns: readonly string[]
}

/** `-- data-migrate:ignore rule-a, rule-b` directives, by the line of the statement they precede. */
function ignoresByStatementLine(script: ParsedScript): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>()
  let pending: string[] = []
  for (const item of script.items) {
    if (item.kind === 'directive' && item.name === 'ignore') pending.push(...item.args.split(/[\s,]+/).filter(Boolean))
    else if (item.kind === 'sql') {
      if (pending.length > 0) out.set(item.line, new Set(pending))
      pending = []
    }
  }
  return out
}

function inverse(s: StatementAnalysis): { sql?: string; irreversible?: string } {
  const n = s.node
  const t = s.tables[0] ?? '?'
  switch (s.kind) {
    case 'CreateStmt':
      return { sql: `DROP TABLE IF EXISTS ${s.creates[0]};` }
    case 'ViewStmt':
      return { sql: `DROP VIEW IF EXISTS ${s.creates[0]};` }
    case 'IndexStmt':
      return n.idxname ? { sql: `DROP INDEX ${n.concurrent ? 'CONCURRENTLY ' : ''}IF EXISTS ${String(n.idxname)};` } : { irreversible: `${s.summary} (unnamed index: find its name to drop it)` }
    case 'RenameStmt':
      return { sql: String(n.renameType) === 'OBJECT_COLUMN' ? `ALTER TABLE ${t} RENAME COLUMN ${String(n.newname)} TO ${String(n.subname)};` : `ALTER TABLE ${String(n.newname)} RENAME TO ${t.split('.').pop()};` }
    case 'AlterTableStmt': {
      const sqls: string[] = []
      const lost: string[] = []
      for (const c of ((n.cmds as { AlterTableCmd?: Record<string, unknown> }[] | undefined) ?? []).map((x) => x.AlterTableCmd ?? {})) {
        const col = String(c.name ?? '')
        switch (c.subtype) {
          case 'AT_AddColumn':
            sqls.push(`ALTER TABLE ${t} DROP COLUMN IF EXISTS ${String((c.def as { ColumnDef?: { colname?: string } } | undefined)?.ColumnDef?.colname)};`)
            break
          case 'AT_AddConstraint': {
            const name = (c.def as { Constraint?: { conname?: string } } | undefined)?.Constraint?.conname
            if (name) sqls.push(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${name};`)
            else lost.push(`unnamed constraint on ${t} (name it to make it reversible)`)
            break
          }
          case 'AT_SetNotNull':
            sqls.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP NOT NULL;`)
            break
          case 'AT_DropNotNull':
            sqls.push(`ALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;  -- fails if NULLs were written meanwhile`)
            break
          case 'AT_ColumnDefault':
            sqls.push(`ALTER TABLE ${t} ALTER COLUMN ${col} DROP DEFAULT;  -- the previous default, if any, is not known here`)
            break
          case 'AT_ValidateConstraint':
          case 'AT_SetStatistics':
          case 'AT_SetRelOptions':
            break
          case 'AT_DropColumn':
            lost.push(`DROP COLUMN ${t}.${col}: its data is gone`)
            break
          case 'AT_AlterColumnType':
            lost.push(`type change of ${t}.${col}: converting back may lose precision or fail`)
            break
          default:
            lost.push(`${String(c.subtype).slice(3)} on ${t}: write the inverse by hand`)
        }
      }
      return { ...(sqls.length > 0 && { sql: sqls.reverse().join('\n') }), ...(lost.length > 0 && { irreversible: lost.join('; ') }) }
    }
    case 'DropStmt':
    case 'TruncateStmt':
    case 'DeleteStmt':
    case 'UpdateStmt':
      return { irreversible: `${s.summary}: the previous data cannot be restored by SQL (restore from a backup)` }
    case 'InsertStmt':
      return { irreversible: `${s.summary}: delete the inserted rows by a key you know` }
    case 'AlterEnumStmt':
      return n.oldVal ? { sql: `ALTER TYPE … RENAME VALUE '${String(n.newVal)}' TO '${String(n.oldVal)}';` } : { irreversible: `${s.summary}: PostgreSQL cannot drop an enum value` }
    default:
      return {}
  }
}

/** Plan a parsed migration file. `rollbackFile` is the paired rollback script (path and statements), if any. */
export function planFile(script: ParsedScript, facts: PlanFacts, rollbackFile?: { path: string; statements: readonly string[] }): FilePlan {
  const ignores = ignoresByStatementLine(script)
  const created = new Set<string>()
  const analyses: StatementAnalysis[] = []
  const createdBefore: Set<string>[] = []
  for (const stmt of script.statements) {
    createdBefore.push(new Set(created))
    const a = analyzeStatement(stmt, { pgVersion: facts.pgVersion, created, ...(facts.columnType && { columnType: facts.columnType }), ...(facts.seqScans && { seqScans: facts.seqScans }) })
    analyses.push(a)
    for (const c of a.creates) created.add(c)
  }
  let lockTimeoutSet = false
  let explicit = false
  const statements: PlannedStatement[] = analyses.map((a, position) => {
    if (a.kind === 'VariableSetStmt' && a.node.name === 'lock_timeout') {
      const v = JSON.stringify(a.node.args ?? '')
      lockTimeoutSet = !/"0"|:0\b|"sval":"0/.test(v)
    }
    if (a.kind === 'TransactionStmt') {
      const k = String(a.node.kind)
      if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') explicit = true
      if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK') explicit = false
    }
    const ctx: RuleContext = {
      pgVersion: facts.pgVersion,
      statements: analyses,
      position,
      createdBefore: createdBefore[position]!,
      lockTimeoutSet,
      inExplicitTransaction: explicit,
      sameTransactionBefore: a.transactional ? analyses.slice(0, position).filter((s) => s.transactional && s.kind !== 'TransactionStmt') : [],
      ...(facts.rows && { rows: facts.rows }),
      ...(facts.provenNotNull && { provenNotNull: facts.provenNotNull }),
      ...(facts.affectedRows && { affectedRows: () => facts.affectedRows!(a.index) }),
    }
    const silenced = ignores.get(a.line) ?? new Set<string>()
    const rules = RULES.filter((r) => (r.minPgVersion === undefined || facts.pgVersion >= r.minPgVersion) && (r.maxPgVersion === undefined || facts.pgVersion <= r.maxPgVersion))
    // A DO block's statements are checked as if they stood in the file at its place.
    const all = [a, ...(a.inner ?? [])].flatMap((x) => rules.flatMap((r) => r.check(x, ctx)))
    const findings = all.filter((f) => !silenced.has(f.rule))
    const target = a.locks.find((l) => a.kind === 'UpdateStmt' || a.kind === 'DeleteStmt' ? l.mode === 'RowExclusiveLock' : true)?.table
    const rows = facts.affectedRows?.(a.index) ?? (target && facts.rows ? facts.rows(target) ?? null : null)
    const { node: _node, inner: _inner, ...rest } = a
    void _node
    void _inner
    return {
      ...rest,
      findings,
      ignored: all.filter((f) => silenced.has(f.rule)).map((f) => f.rule),
      rowsAffected: a.work === 'metadata' || a.work === 'none' ? 0 : rows,
      estimatedSeconds: null,
      lockImpact: a.locks.map((l) => ({ table: l.table, mode: l.mode, blocks: blocks(l.mode).text, existing: !createdBefore[position]!.has(l.table) && !a.creates.includes(l.table) })),
    }
  })
  // Risk: errors or rewrites of existing tables are high; warnings or long work under a write-blocking lock medium.
  const reasons: string[] = []
  let risk: Risk = 'low'
  const raise = (r: Risk, why: string): void => {
    reasons.push(why)
    if (r === 'high' || (r === 'medium' && risk === 'low')) risk = r
  }
  for (const s of statements) {
    for (const f of s.findings) {
      if (f.severity === 'error') raise('high', `${f.rule} (statement ${s.index}, line ${s.line})`)
      else if (f.severity === 'warning') raise('medium', `${f.rule} (statement ${s.index}, line ${s.line})`)
    }
    const existingRewrite = s.rewrites.filter((t) => s.lockImpact.some((l) => l.table === t && l.existing))
    if (existingRewrite.length > 0 && s.kind !== 'TruncateStmt') raise('high', `rewrites ${existingRewrite.join(', ')} (statement ${s.index})`)
  }
  const tables = [...new Set(statements.flatMap((s) => s.tables))]
  const requires = [...new Set(statements.flatMap((s, i) => s.tables.filter((t) => !createdBefore[i]!.has(t) && !s.creates.includes(t))))]
  const rollback: RollbackPlan = rollbackFile
    ? { source: 'file', file: rollbackFile.path, statements: rollbackFile.statements, irreversible: [] }
    : (() => {
        const sql: string[] = []
        const irreversible: string[] = []
        for (const a of [...analyses].reverse()) {
          const inv = inverse(a)
          if (inv.sql) sql.push(inv.sql)
          if (inv.irreversible) irreversible.push(inv.irreversible)
        }
        return { source: 'synthesised' as const, statements: sql, irreversible }
      })()
  const unknowns = statements.flatMap((s) => (s.unknown ? [`statement ${s.index}: ${s.unknown}`] : []))
  const kinds = new Set(statements.map((s) => s.kind))
  const type = [
    [...kinds].some((k) => /Create|Alter|Index|Drop|Rename|View|Trig/.test(k)) ? 'schema change' : '',
    [...kinds].some((k) => /Insert|Update|Delete|Merge|Copy/.test(k)) || script.items.some((i) => i.kind === 'meta' && i.command === 'copy') ? 'data change' : '',
  ].filter(Boolean).join(' + ') || 'no-op'
  const errors = statements.flatMap((s) => s.findings.filter((f) => f.severity === 'error'))
  const warnings = statements.flatMap((s) => s.findings.filter((f) => f.severity === 'warning'))
  const verdict = errors.length > 0 ? 'unsafe' : warnings.length > 0 || risk !== 'low' ? 'caution' : 'safe'
  const once = <T extends { rule: string }>(xs: T[]): T[] => xs.filter((f, i) => xs.findIndex((g) => g.rule === f.rule) === i)
  const recReasons = [
    ...once(errors).map((f) => `fix ${f.rule}: ${f.fix.split('\n')[0]}`),
    ...once(warnings).map((f) => `consider ${f.rule}: ${f.fix.split('\n')[0]}`),
    ...(rollback.irreversible.length > 0 ? [`irreversible steps: ${rollback.irreversible.length} (back up first)`] : []),
    ...(unknowns.length > 0 ? ['plan with --database for the facts a static plan cannot know'] : []),
    'apply with data-migrate run: lock_timeout, retries, one transaction, validation and history',
  ]
  const backfills = script.items.flatMap((i) => {
    if (i.kind !== 'directive' || i.name !== 'backfill') return []
    try {
      const o = parseBackfillDirective(i.args, { file: '', line: i.line })
      return [{ line: i.line, table: o.table, column: o.column, set: o.set }]
    } catch {
      return []
    }
  })
  const loads = script.items.flatMap((i) => {
    if (i.kind !== 'meta' || i.command !== 'copy') return []
    const m = /^(\S+?)(?:\s*\(|\s+from\s+)([\s\S]*)$/i.exec(i.args)
    const source = /from\s+(program\s+)?('(?:[^']|'')*'|\S+)/i.exec(i.args)
    return m ? [{ line: i.line, table: m[1]!.replace(/"/g, ''), source: source ? `${source[1] ? 'program ' : ''}${source[2]}` : '?' }] : []
  })
  return { statements, backfills, loads, risk, riskReasons: reasons, tables, type: backfills.length > 0 && !type.includes('data') ? `${type} + backfill` : type, dependencies: { requires, blocks: [] }, rollback, recommendation: { verdict, reasons: recReasons }, unknowns }
}
