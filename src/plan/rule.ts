/**
 * The shape of a rule: one file per rule under `rules/`, named by its id, with the examples its tests run.
 * A rule looks at one statement in the context of the whole file and returns findings. Pure.
 */
import type { StatementAnalysis } from './analyze.js'

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  readonly rule: string
  readonly severity: Severity
  readonly message: string
  /** The safer alternative, as SQL (or a short instruction when SQL cannot say it). */
  readonly fix: string
}

/** What a rule can see besides its statement. */
export interface RuleContext {
  readonly pgVersion: number
  /** Every statement of the file, analysed, in order. */
  readonly statements: readonly StatementAnalysis[]
  /** Position of the statement under review in `statements`. */
  readonly position: number
  /** Tables created earlier in the file. */
  readonly createdBefore: ReadonlySet<string>
  /** lock_timeout is set before this statement (SET / SET LOCAL, or run's own default). */
  readonly lockTimeoutSet: boolean
  /** The statement runs inside an explicit BEGIN … COMMIT block of the file. */
  readonly inExplicitTransaction: boolean
  /** Statements before this one in the same transaction (data-migrate run: every transactional statement). */
  readonly sameTransactionBefore: readonly StatementAnalysis[]
  /** Estimated rows of a table, when a database was given. */
  readonly rows?: (table: string) => number | undefined
  /** Rows this statement is expected to touch (the server's EXPLAIN), with a database. */
  readonly affectedRows?: () => number | undefined
  /** A validated `CHECK (col IS NOT NULL)` exists in the database (lets SET NOT NULL skip its scan, PG 12+). */
  readonly provenNotNull?: (table: string, column: string) => boolean
}

export interface Rule {
  readonly id: string
  readonly severity: Severity
  readonly summary: string
  /** Oldest/newest server version the rule applies to (server_version_num), when version-dependent. */
  readonly minPgVersion?: number
  readonly maxPgVersion?: number
  check(stmt: StatementAnalysis, ctx: RuleContext): Finding[]
  /** Files (several statements) that must fire, and that must not. */
  readonly examples: { readonly bad: readonly string[]; readonly good: readonly string[] }
}

/** Cmds of an ALTER TABLE node. */
export function alterCmds(stmt: StatementAnalysis): Record<string, unknown>[] {
  if (stmt.kind !== 'AlterTableStmt') return []
  return ((stmt.node.cmds as { AlterTableCmd?: Record<string, unknown> }[] | undefined) ?? []).flatMap((c) => (c.AlterTableCmd ? [c.AlterTableCmd] : []))
}

/** The table an ALTER TABLE / CREATE INDEX statement targets. */
export function targetTable(stmt: StatementAnalysis): string | undefined {
  const r = stmt.node.relation as { schemaname?: string; relname?: string } | undefined
  return r?.relname ? (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname) : undefined
}
