/**
 * What `run` needs to know about each statement, from the parser's node: transaction control, whether
 * PostgreSQL allows it inside a transaction block, and the tables it creates, alters or fills (for
 * preconditions, baselines and distributions). Pure.
 */
import type { ParsedStatement } from '../sql/parse.js'

export interface TableRef {
  readonly schema?: string
  readonly name: string
}

export interface StatementFacts {
  /** `begin` / `commit` / `rollback` for transaction control in the file, else undefined. */
  readonly control?: 'begin' | 'commit' | 'rollback' | 'savepoint'
  /** False for statements PostgreSQL refuses inside a transaction block. */
  readonly transactional: boolean
  /** Why it cannot run in a transaction (for the report). */
  readonly nonTransactionalReason?: string
  readonly creates: readonly TableRef[]
  /** Tables created only if absent (CREATE TABLE IF NOT EXISTS): no precondition. */
  readonly createsIfMissing: readonly TableRef[]
  readonly alters: readonly TableRef[]
  readonly addsColumns: readonly { table: TableRef; column: string; ifNotExists: boolean }[]
  /** Columns an UPDATE sets (for a distribution after the run). */
  readonly fills: readonly { table: TableRef; column: string }[]
  /** Constraints it validates (ALTER TABLE … VALIDATE CONSTRAINT), checked as validated afterwards. */
  readonly validates?: readonly { table: TableRef; constraint: string }[]
  /** Index created (for the validity check after CREATE INDEX CONCURRENTLY). */
  readonly createsIndex?: { name?: string; table: TableRef; concurrent: boolean }
  /** A short human label: "CREATE TABLE orders", "ALTER TABLE customers". */
  readonly label: string
}

type Json = Record<string, unknown>

function rel(r: unknown): TableRef | undefined {
  const o = r as { schemaname?: string; relname?: string } | undefined
  if (!o?.relname) return undefined
  return o.schemaname ? { schema: o.schemaname, name: o.relname } : { name: o.relname }
}

export function tableName(t: TableRef): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name
}

const NON_TX_KINDS: Record<string, string> = {
  VacuumStmt: 'VACUUM/ANALYZE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
}

/** Classify one parsed statement for a server of version `serverVersion` (server_version_num). */
export function classify(stmt: ParsedStatement, serverVersion: number): StatementFacts {
  const node = (stmt.node as Json)[stmt.kind] as Json
  const base = { transactional: true, creates: [] as TableRef[], createsIfMissing: [] as TableRef[], alters: [] as TableRef[], addsColumns: [] as StatementFacts['addsColumns'][number][], fills: [] as StatementFacts['fills'][number][] }
  const words = stmt.text.trim().replace(/\s+/g, ' ')
  const firstWords = words.length > 48 ? `${words.slice(0, 47)}…` : words
  switch (stmt.kind) {
    case 'TransactionStmt': {
      const kind = String(node.kind ?? '')
      const control = kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START' ? 'begin'
        : kind === 'TRANS_STMT_COMMIT' ? 'commit'
          : kind === 'TRANS_STMT_ROLLBACK' ? 'rollback' : 'savepoint'
      return { ...base, control, label: firstWords }
    }
    case 'VacuumStmt': {
      const isVacuum = node.is_vacuumcmd === true
      // ANALYZE alone may run in a transaction; VACUUM may not.
      return isVacuum ? { ...base, transactional: false, nonTransactionalReason: 'VACUUM cannot run inside a transaction block', label: firstWords } : { ...base, label: firstWords }
    }
    case 'IndexStmt': {
      const table = rel(node.relation)!
      const concurrent = node.concurrent === true
      return {
        ...base,
        transactional: !concurrent,
        ...(concurrent && { nonTransactionalReason: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' }),
        alters: [table],
        createsIndex: { ...(typeof node.idxname === 'string' && { name: node.idxname }), table, concurrent },
        label: `CREATE INDEX${concurrent ? ' CONCURRENTLY' : ''} ${node.idxname ?? ''} ON ${tableName(table)}`.replace(/ +/g, ' '),
      }
    }
    case 'ReindexStmt': {
      const params = (node.params as { DefElem?: { defname?: string } }[] | undefined) ?? []
      const concurrent = params.some((p) => p.DefElem?.defname === 'concurrently')
      const system = String(node.kind ?? '').match(/SCHEMA|SYSTEM|DATABASE/) !== null
      const tx = !concurrent && !system
      return { ...base, transactional: tx, ...(!tx && { nonTransactionalReason: `${firstWords} cannot run inside a transaction block` }), label: firstWords }
    }
    case 'DropStmt': {
      const concurrent = node.concurrent === true
      return { ...base, transactional: !concurrent, ...(concurrent && { nonTransactionalReason: 'DROP INDEX CONCURRENTLY cannot run inside a transaction block' }), label: firstWords }
    }
    case 'AlterEnumStmt':
      if (serverVersion < 120000 && !node.oldVal) {
        return { ...base, transactional: false, nonTransactionalReason: 'ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12', label: firstWords }
      }
      return { ...base, label: firstWords }
    case 'CreateStmt': {
      const t = rel(node.relation)!
      // A temporary table lives in the session: no precondition, nothing to baseline.
      if ((node.relation as { relpersistence?: string }).relpersistence === 't') return { ...base, label: `CREATE TEMPORARY TABLE ${t.name}` }
      const ifNot = node.if_not_exists === true
      return { ...base, ...(ifNot ? { createsIfMissing: [t] } : { creates: [t] }), label: `CREATE TABLE ${tableName(t)}` }
    }
    case 'AlterTableStmt': {
      const t = rel(node.relation)!
      const cmds = (node.cmds as { AlterTableCmd?: Json }[] | undefined) ?? []
      const adds: StatementFacts['addsColumns'][number][] = []
      const validates: { table: TableRef; constraint: string }[] = []
      let detachConcurrently = false
      for (const c of cmds) {
        const cmd = c.AlterTableCmd
        if (!cmd) continue
        if (cmd.subtype === 'AT_AddColumn') {
          const def = (cmd.def as { ColumnDef?: { colname?: string } } | undefined)?.ColumnDef
          if (def?.colname) adds.push({ table: t, column: def.colname, ifNotExists: cmd.missing_ok === true })
        }
        if (cmd.subtype === 'AT_ValidateConstraint' && typeof cmd.name === 'string') validates.push({ table: t, constraint: cmd.name })
        if (cmd.subtype === 'AT_DetachPartition' && (cmd.def as { PartitionCmd?: { concurrent?: boolean } } | undefined)?.PartitionCmd?.concurrent) detachConcurrently = true
      }
      if (node.objtype !== undefined && node.objtype !== 'OBJECT_TABLE') return { ...base, label: firstWords }
      return {
        ...base,
        transactional: !detachConcurrently,
        ...(detachConcurrently && { nonTransactionalReason: 'DETACH PARTITION CONCURRENTLY cannot run inside a transaction block' }),
        alters: node.missing_ok === true ? [] : [t],
        addsColumns: adds,
        validates,
        label: `ALTER TABLE ${tableName(t)}`,
      }
    }
    case 'UpdateStmt': {
      const t = rel(node.relation)!
      const targets = (node.targetList as { ResTarget?: { name?: string } }[] | undefined) ?? []
      return { ...base, fills: targets.flatMap((x) => (x.ResTarget?.name ? [{ table: t, column: x.ResTarget.name }] : [])), label: `UPDATE ${tableName(t)}` }
    }
    default: {
      const nonTx = NON_TX_KINDS[stmt.kind]
      if (nonTx) return { ...base, transactional: false, nonTransactionalReason: `${nonTx} cannot run inside a transaction block`, label: firstWords }
      return { ...base, label: firstWords }
    }
  }
}
