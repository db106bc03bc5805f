/**
 * `plan`: preview a migration — per statement the locks (as `pg_locks` spells them) and what they block,
 * rewrites and scans, findings with safer alternatives; for the file the risk, dependencies, rollback and a
 * recommendation. Static by default; with a database (read-only) it adds column types, row counts, sizes,
 * dependent objects, current lock holders and duration estimates; `--trace` runs the file in a transaction that
 * is always rolled back and records the locks really taken.
 */
import { resolve } from 'node:path'
import type { Database } from '../db/database.js'
import { resolveTarget } from '../db/connect.js'
import { DataMigrateError } from '../errors.js'
import { readMigration } from '../migration/files.js'
import { parseScript } from '../sql/parse.js'
import { planFile, type FilePlan, type PlannedStatement } from '../plan/plan-file.js'
import { readFacts, type TableFacts } from '../plan/facts.js'
import { countViolations, type Violation } from '../plan/violations.js'
import { explainStatement, EXPLAINABLE, type Explained } from '../plan/explain.js'
import { estimateSeconds, calibrate, DEFAULT_RATES, type Rates } from '../plan/estimate.js'
import { strongest, type LockMode } from '../plan/locks.js'

export interface PlanOptions {
  readonly migration: string
  /** A database for live facts (never the embedded default implicitly). */
  readonly database?: string
  readonly rollback?: string
  /** Server version the rules follow without a database (server_version_num or major, e.g. 15). */
  readonly pgVersion?: number
  /** Run the file in a rolled-back transaction and record the locks really taken (needs `database`). */
  readonly trace?: boolean
  readonly cwd?: string
}

export interface TracedStatement {
  readonly index: number
  readonly durationMs: number
  readonly locks: readonly { table: string; mode: LockMode }[]
  readonly error?: string
}

export interface PlanResult extends Omit<FilePlan, 'statements'> {
  readonly name: string
  readonly file: string
  readonly format: string
  readonly pgVersion: number
  readonly database: string | null
  readonly estimatedSeconds: number | null
  readonly estimateBasis: string
  readonly statements: readonly PlannedStatement[]
  readonly facts: readonly { table: string; exists: boolean; rows: number; bytes: number; dependentViews: readonly string[]; referencedBy: readonly string[]; triggers: readonly string[]; lockHolders: readonly string[] }[]
  readonly trace?: readonly TracedStatement[]
  /** Existing rows that each new CHECK / FOREIGN KEY would reject (with a database). */
  readonly violations: readonly Violation[]
}

const DEFAULT_PG_VERSION = 160000

function normaliseVersion(v: number): number {
  return v < 100 ? v * 10000 : v
}

/** Run the file's statements in a transaction that is always rolled back; record locks and times. */
async function traceFile(db: Database, statements: readonly PlannedStatement[]): Promise<TracedStatement[]> {
  const out: TracedStatement[] = []
  await db.exec('BEGIN')
  try {
    for (const s of statements) {
      if (!s.transactional || s.kind === 'TransactionStmt') continue
      const t0 = performance.now()
      try {
        await db.exec(s.sql)
      } catch (e) {
        out.push({ index: s.index, durationMs: performance.now() - t0, locks: [], error: (e as Error).message })
        break
      }
      const ms = performance.now() - t0
      const r = await db.query<{ t: string; mode: LockMode }>(
        `SELECT c.oid::regclass::text AS t, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relnamespace <> 'pg_catalog'::regnamespace`,
      )
      const locks = new Map<string, LockMode>()
      for (const l of r.rows) locks.set(l.t, strongest(locks.get(l.t), l.mode))
      out.push({ index: s.index, durationMs: ms, locks: [...locks].map(([table, mode]) => ({ table, mode })) })
    }
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined)
  }
  return out
}

/**
 * Plan a migration file.
 *
 * ```ts
 * const p = await plan({ migration: 'migrations/20240115_add_tier.sql' })
 * console.log(p.risk, p.statements.map((s) => s.locks))
 * ```
 */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  const cwd = options.cwd ?? process.cwd()
  const mig = readMigration(resolve(cwd, options.migration), options.rollback !== undefined ? { rollback: resolve(cwd, options.rollback) } : {})
  const script = await parseScript(mig.text, mig.path)
  const rollbackScript = mig.rollback ? await parseScript(mig.rollback.text, mig.rollback.path) : undefined
  const rollbackFile = mig.rollback && rollbackScript ? { path: mig.rollback.path, statements: rollbackScript.statements.map((s) => `${s.text};`) } : undefined
  if (options.trace && !options.database) {
    throw new DataMigrateError('USAGE', '--trace runs the migration (rolled back) and needs --database naming the database explicitly', { hint: 'plan --migration … --database postgres://… --trace' })
  }
  let db: Database | undefined
  let factsByTable = new Map<string, TableFacts>()
  let pgVersion = normaliseVersion(options.pgVersion ?? DEFAULT_PG_VERSION)
  let trace: TracedStatement[] | undefined
  let rates: Rates = DEFAULT_RATES
  try {
    if (options.database) {
      db = await resolveTarget({ database: options.database, cwd }).open({ applicationName: 'data-migrate plan' })
      pgVersion = options.pgVersion !== undefined ? normaliseVersion(options.pgVersion) : db.serverVersion
      // Tables the file mentions (a first static pass), then their facts.
      const first = planFile(script, { pgVersion }, rollbackFile)
      factsByTable = await readFacts(db, first.tables)
      // Calibrate only when some statement does work that grows with the table.
      if (first.statements.some((s) => s.work !== 'none' && s.work !== 'metadata')) rates = await calibrate(db)
    }
    const facts = factsByTable
    // Sequential scans of queries and DML as the server would plan them now.
    const explained = new Map<number, Explained | undefined>()
    if (db) for (const st of script.statements) if (EXPLAINABLE.has(st.kind)) explained.set(st.index, await explainStatement(db, st.text))
    const result = planFile(script, {
      pgVersion,
      ...(db && {
        seqScans: (i: number) => explained.get(i)?.seqScans,
        affectedRows: (i: number) => explained.get(i)?.rows,
        columnType: (t: string, c: string) => facts.get(t)?.columns.get(c),
        rows: (t: string) => (facts.get(t)?.exists ? facts.get(t)!.rows : undefined),
        provenNotNull: (t: string, c: string) => facts.get(t)?.notNullChecked.has(c) ?? false,
      }),
    }, rollbackFile)
    const statements = result.statements.map((s) => ({ ...s, estimatedSeconds: db ? estimateSeconds(s, facts, rates) : null }))
    if (db && options.trace) trace = await traceFile(db, statements)
    const nodes = new Map(script.statements.map((st) => [st.index, (st.node as unknown as Record<string, Record<string, unknown>>)[st.kind]]))
    const violations = db ? await countViolations(db, statements, (i) => nodes.get(i), (t) => facts.get(t)?.exists ?? false) : []
    // A constraint that existing rows violate makes the statement fail: say so where it happens. A column type
    // change on a table that views depend on is refused when a view uses the column: name the views.
    const withViolations = statements.map((s) => {
      const v = violations.filter((x) => x.statement === s.index && (x.rows ?? 0) > 0)
      const typeChangeViews = /ALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE/i.test(s.sql) ? s.tables.flatMap((t) => facts.get(t)?.dependentViews ?? []) : []
      if (v.length === 0 && typeChangeViews.length === 0) return s
      return {
        ...s,
        findings: [...s.findings, ...typeChangeViews.map((view) => ({
          rule: 'type-change-blocked-by-view',
          severity: 'error' as const,
          message: `view ${view} depends on ${s.tables.join(', ')}: PostgreSQL refuses to change the type of a column a view uses ("cannot alter type of a column used by a view or rule")`,
          fix: `drop and recreate ${view} around the change, in the same transaction (CREATE OR REPLACE VIEW cannot change column types)`,
        })), ...v.map((x) => ({
          rule: 'violating-rows',
          severity: 'error' as const,
          message: `${x.rows} existing row(s) violate ${x.constraint}: the statement fails (or, with NOT VALID, VALIDATE fails later)`,
          fix: `fix or delete those rows first, e.g. in batches with data-migrate backfill; then add the constraint NOT VALID and VALIDATE it`,
        }))],
      }
    })
    const blocks = [...new Set([...facts.values()].flatMap((f) => [...f.dependentViews, ...f.referencedBy.map((r) => `foreign key from ${r}`), ...f.triggers.map((t) => `trigger ${t} on ${f.table}`)]))]
    const holders = [...facts.values()].flatMap((f) => f.lockHolders.map((h) => `${f.table}: ${h}`))
    const total = db ? statements.reduce((a, s) => a + (s.estimatedSeconds ?? 0), 0) : null
    const violated = violations.filter((v) => (v.rows ?? 0) > 0)
    const risk = violated.length > 0 ? 'high' as const : result.risk
    const base = violated.length > 0
      ? { verdict: 'unsafe' as const, reasons: [...violated.map((v) => `${v.rows} row(s) violate ${v.constraint} (statement ${v.statement})`), ...result.recommendation.reasons] }
      : result.recommendation
    const recommendation = holders.length > 0
      ? { verdict: base.verdict === 'safe' ? 'caution' as const : base.verdict, reasons: [`transactions hold locks on the tables now: ${holders.join('; ')}`, ...base.reasons] }
      : base
    return {
      ...result,
      recommendation,
      dependencies: { requires: result.dependencies.requires, blocks },
      name: mig.name,
      file: mig.path,
      format: mig.format,
      pgVersion,
      database: db ? db.description : null,
      estimatedSeconds: total,
      estimateBasis: db ? rates.basis : 'unknown without a database (pass --database for row counts and sizes)',
      risk,
      riskReasons: violated.length > 0 ? [...result.riskReasons, 'existing rows violate a new constraint'] : result.riskReasons,
      statements: withViolations,
      violations,
      facts: [...facts.values()].map((f) => ({ table: f.table, exists: f.exists, rows: f.rows, bytes: f.bytes, dependentViews: f.dependentViews, referencedBy: f.referencedBy, triggers: f.triggers, lockHolders: f.lockHolders })),
      ...(trace && { trace }),
    }
  } finally {
    await db?.close()
  }
}
