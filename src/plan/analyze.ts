/**
 * Static analysis of one statement: which tables it locks and in which mode (as `pg_locks` spells it), whether it
 * rewrites or scans a table, whether it can run in a transaction, and what it creates. Follows the PostgreSQL
 * documentation (ALTER TABLE: "the strictest lock of the subcommands"), checked against traces of PostgreSQL 15
 * in `test/db/plan-trace.test.ts`. Pure: the parser's node and what the file did before are the only inputs.
 */
import type { ParsedStatement } from '../sql/parse.js'
import { strongest, type LockMode } from './locks.js'
import { parseFormatType, typeChangeRewrites, typeFromNode } from './type-change.js'

type Json = Record<string, unknown>

/** Per-statement facts the rules and the report use. */
export interface StatementAnalysis {
  readonly index: number
  readonly line: number
  readonly sql: string
  /** Parser node kind, e.g. `AlterTableStmt`. */
  readonly kind: string
  /** A short description: "add column tier to customers". */
  readonly summary: string
  readonly tables: readonly string[]
  readonly locks: readonly { readonly table: string; readonly mode: LockMode }[]
  /** Tables rewritten (new relfilenode), and tables fully scanned while the lock is held. */
  readonly rewrites: readonly string[]
  readonly scans: readonly string[]
  /** Work whose cost depends on table size, and what is unknown without a database. */
  readonly work: 'none' | 'metadata' | 'scan' | 'rewrite' | 'index-build' | 'data-change'
  readonly unknown?: string
  readonly transactional: boolean
  readonly creates: readonly string[]
  readonly node: Json
  /** For a DO block: its statements, analysed (the rules look at them too). */
  readonly inner?: readonly StatementAnalysis[]
}

/** What earlier statements of the file did, and the server version the rules follow. */
export interface AnalysisContext {
  readonly pgVersion: number
  /** Tables created earlier in the same file (empty and new: locking them blocks nobody). */
  readonly created: ReadonlySet<string>
  /** Current column type (`format_type`) from the database, when one is given. */
  readonly columnType?: (table: string, column: string) => string | undefined
  /**
   * Tables a query or DML statement reads with a sequential scan, from the server's EXPLAIN (with a database);
   * undefined when unknown. Without it, UPDATE/DELETE scan only when they have no WHERE.
   */
  readonly seqScans?: (statementIndex: number) => readonly string[] | undefined
}

/** `schema.name` or `name` of a RangeVar. */
export function relName(r: unknown): string | undefined {
  const o = r as { schemaname?: string; relname?: string } | undefined
  if (!o?.relname) return undefined
  return o.schemaname ? `${o.schemaname}.${o.relname}` : o.relname
}

function names(list: unknown): string[] {
  return ((list as { String?: { sval?: string } }[] | undefined) ?? []).map((x) => x.String?.sval ?? '').filter(Boolean)
}

/** Tables a query reads, from every RangeVar in its FROM clauses (CTE names excluded). */
export function tablesRead(node: unknown): string[] {
  const out = new Set<string>()
  const ctes = new Set<string>()
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk)
    if (n === null || typeof n !== 'object') return
    const o = n as Json
    if (o.CommonTableExpr) ctes.add(String((o.CommonTableExpr as Json).ctename))
    if (o.RangeVar) {
      const r = relName(o.RangeVar)
      if (r) out.add(r)
    }
    for (const v of Object.values(o)) walk(v)
  }
  walk(node)
  return [...out].filter((t) => !ctes.has(t))
}

/** Functions whose value changes per row: a default using one rewrites the table when a column is added. */
const VOLATILE = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v4', 'uuid_generate_v1', 'uuidv4', 'uuidv7', 'clock_timestamp',
  'timeofday', 'nextval', 'txid_current', 'setseed', 'uuid_generate_v1mc', 'gen_random_bytes',
])

/** True when a default expression calls a volatile function (per the list above; user functions: unknown). */
export function defaultVolatility(expr: unknown): 'volatile' | 'stable' | 'unknown' {
  let result: 'volatile' | 'stable' | 'unknown' = 'stable'
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk)
    if (n === null || typeof n !== 'object') return
    const o = n as Json
    if (o.FuncCall) {
      const fn = names((o.FuncCall as Json).funcname).pop()?.toLowerCase() ?? ''
      if (VOLATILE.has(fn)) result = 'volatile'
      else if (result !== 'volatile' && !KNOWN_STABLE.has(fn)) result = 'unknown'
    }
    for (const v of Object.values(o)) walk(v)
  }
  walk(expr)
  return result
}

const KNOWN_STABLE = new Set(['now', 'current_timestamp', 'current_date', 'statement_timestamp', 'transaction_timestamp', 'lower', 'upper', 'coalesce', 'concat', 'jsonb_build_object', 'json_build_object', 'to_jsonb', 'array', 'make_date', 'date_trunc'])

const SERIAL = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2'])

function columnConstraints(def: Json | undefined): Json[] {
  return ((def?.constraints as { Constraint?: Json }[] | undefined) ?? []).flatMap((c) => (c.Constraint ? [c.Constraint] : []))
}

interface Acc {
  locks: Map<string, LockMode>
  rewrites: Set<string>
  scans: Set<string>
  work: StatementAnalysis['work']
  unknown: string[]
  summary: string[]
}

const WORK_ORDER = ['none', 'metadata', 'data-change', 'scan', 'index-build', 'rewrite'] as const

function lock(a: Acc, table: string, mode: LockMode): void {
  a.locks.set(table, strongest(a.locks.get(table), mode))
}

function work(a: Acc, w: StatementAnalysis['work']): void {
  if (WORK_ORDER.indexOf(w) > WORK_ORDER.indexOf(a.work)) a.work = w
}

function alterTable(node: Json, t: string, ctx: AnalysisContext, a: Acc): void {
  const cmds = ((node.cmds as { AlterTableCmd?: Json }[] | undefined) ?? []).flatMap((c) => (c.AlterTableCmd ? [c.AlterTableCmd] : []))
  for (const cmd of cmds) {
    const sub = String(cmd.subtype)
    const col = typeof cmd.name === 'string' ? cmd.name : undefined
    switch (sub) {
      case 'AT_AddColumn': {
        const def = (cmd.def as { ColumnDef?: Json } | undefined)?.ColumnDef
        const name = String(def?.colname ?? '?')
        lock(a, t, 'AccessExclusiveLock')
        work(a, 'metadata')
        const cons = columnConstraints(def)
        const dflt = cons.find((c) => c.contype === 'CONSTR_DEFAULT')
        const typeName = names((def?.typeName as Json | undefined)?.names).pop() ?? ''
        const identity = cons.some((c) => c.contype === 'CONSTR_IDENTITY')
        const generated = cons.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_when !== undefined && (ctx.pgVersion < 180000 || c.storage_kind !== 'virtual'))
        const volatile = dflt ? defaultVolatility(dflt.raw_expr) : 'stable'
        if (SERIAL.has(typeName) || identity || generated || volatile === 'volatile' || (dflt && ctx.pgVersion < 110000)) {
          a.rewrites.add(t)
          work(a, 'rewrite')
        } else if (dflt && volatile === 'unknown') {
          a.unknown.push(`whether the default of ${name} is volatile (a volatile default rewrites the table)`)
        }
        for (const c of cons) {
          if (c.contype === 'CONSTR_FOREIGN') {
            const ref = relName(c.pktable)
            if (ref) lock(a, ref, 'ShareRowExclusiveLock')
            if (!c.skip_validation) a.scans.add(t)
          }
          if (c.contype === 'CONSTR_CHECK' && !c.skip_validation) a.scans.add(t)
          if (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') work(a, 'index-build')
        }
        a.summary.push(`add column ${name} to ${t}`)
        break
      }
      case 'AT_DropColumn':
        metadataChange(a, t, `drop column ${col} from ${t}`)
        break
      case 'AT_ColumnDefault':
        metadataChange(a, t, `${cmd.def ? 'set' : 'drop'} default of ${t}.${col}`)
        break
      case 'AT_SetNotNull':
        lock(a, t, 'AccessExclusiveLock')
        work(a, 'scan')
        a.scans.add(t)
        a.summary.push(`set ${t}.${col} NOT NULL`)
        break
      case 'AT_DropNotNull':
        metadataChange(a, t, `drop NOT NULL of ${t}.${col}`)
        break
      case 'AT_AlterColumnType': {
        lock(a, t, 'AccessExclusiveLock')
        const def = (cmd.def as { ColumnDef?: Json } | undefined)?.ColumnDef
        const to = typeFromNode(def?.typeName)
        const current = col ? ctx.columnType?.(t, col) : undefined
        if (current === undefined) {
          work(a, 'rewrite')
          a.unknown.push(`whether changing the type of ${t}.${col} rewrites the table: unknown without a database (binary-coercible changes do not)`)
        } else if (typeChangeRewrites(parseFormatType(current), to, ctx.pgVersion, def?.raw_default !== undefined)) {
          a.rewrites.add(t)
          work(a, 'rewrite')
        } else work(a, 'metadata')
        a.summary.push(`change the type of ${t}.${col}${current ? ` from ${current}` : ''} to ${to.base}${to.mods.length ? `(${to.mods.join(',')})` : ''}`)
        break
      }
      case 'AT_AddConstraint': {
        const c = (cmd.def as { Constraint?: Json } | undefined)?.Constraint ?? {}
        const ct = String(c.contype)
        const notValid = c.skip_validation === true
        if (ct === 'CONSTR_FOREIGN') {
          lock(a, t, 'ShareRowExclusiveLock')
          const ref = relName(c.pktable)
          if (ref) lock(a, ref, 'ShareRowExclusiveLock')
          if (!notValid && !ctx.created.has(t)) {
            // The validation query joins both tables.
            a.scans.add(t)
            if (ref) a.scans.add(ref)
            work(a, 'scan')
          } else work(a, 'metadata')
          a.summary.push(`add foreign key ${c.conname ?? ''} on ${t}${ref ? ` → ${ref}` : ''}${notValid ? ' (NOT VALID)' : ''}`.replace(/ +/g, ' '))
        } else if (ct === 'CONSTR_CHECK') {
          lock(a, t, 'AccessExclusiveLock')
          if (!notValid && !ctx.created.has(t)) {
            a.scans.add(t)
            work(a, 'scan')
          } else work(a, 'metadata')
          a.summary.push(`add check ${c.conname ?? ''} on ${t}${notValid ? ' (NOT VALID)' : ''}`.replace(/ +/g, ' '))
        } else if (ct === 'CONSTR_UNIQUE' || ct === 'CONSTR_PRIMARY' || ct === 'CONSTR_EXCLUSION') {
          lock(a, t, 'AccessExclusiveLock')
          if (c.indexname) work(a, 'metadata')
          else {
            work(a, 'index-build')
            if (!ctx.created.has(t)) a.scans.add(t)
          }
          a.summary.push(`add ${ct === 'CONSTR_PRIMARY' ? 'primary key' : ct === 'CONSTR_UNIQUE' ? 'unique constraint' : 'exclusion constraint'} on ${t}${c.indexname ? ` using index ${c.indexname}` : ''}`)
        } else {
          lock(a, t, 'AccessExclusiveLock')
          work(a, 'metadata')
          a.summary.push(`add constraint on ${t}`)
        }
        break
      }
      case 'AT_ValidateConstraint':
        lock(a, t, 'ShareUpdateExclusiveLock')
        a.scans.add(t)
        work(a, 'scan')
        a.summary.push(`validate constraint ${col} on ${t}`)
        break
      case 'AT_DropConstraint':
        metadataChange(a, t, `drop constraint ${col} from ${t}`)
        break
      case 'AT_SetStatistics':
      case 'AT_SetOptions':
      case 'AT_ResetOptions':
      case 'AT_ClusterOn':
      case 'AT_DropCluster':
      case 'AT_SetRelOptions':
      case 'AT_ResetRelOptions':
      case 'AT_ReplaceRelOptions':
        lock(a, t, 'ShareUpdateExclusiveLock')
        work(a, 'metadata')
        a.summary.push(`${sub.slice(3).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} on ${t}`)
        break
      case 'AT_EnableTrig':
      case 'AT_DisableTrig':
      case 'AT_EnableAlwaysTrig':
      case 'AT_EnableReplicaTrig':
      case 'AT_EnableTrigAll':
      case 'AT_DisableTrigAll':
      case 'AT_EnableTrigUser':
      case 'AT_DisableTrigUser':
        lock(a, t, 'ShareRowExclusiveLock')
        work(a, 'metadata')
        a.summary.push(`${sub.includes('Disable') ? 'disable' : 'enable'} trigger on ${t}`)
        break
      case 'AT_SetLogged':
      case 'AT_SetUnLogged':
      case 'AT_SetTableSpace':
      case 'AT_SetAccessMethod':
        lock(a, t, 'AccessExclusiveLock')
        a.rewrites.add(t)
        work(a, 'rewrite')
        a.summary.push(`${sub.slice(3).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} on ${t} (rewrites)`)
        break
      case 'AT_AttachPartition': {
        const part = relName(((cmd.def as Json | undefined)?.PartitionCmd as Json | undefined)?.name)
        lock(a, t, ctx.pgVersion >= 120000 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock')
        if (part) {
          lock(a, part, 'AccessExclusiveLock')
          a.scans.add(part)
        }
        work(a, 'scan')
        a.summary.push(`attach partition ${part ?? ''} to ${t}`)
        break
      }
      case 'AT_DetachPartition': {
        const pc = (cmd.def as Json | undefined)?.PartitionCmd as Json | undefined
        const part = relName(pc?.name)
        const concurrent = pc?.concurrent === true
        lock(a, t, concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock')
        if (part) lock(a, part, concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock')
        work(a, 'metadata')
        a.summary.push(`detach partition ${part ?? ''} from ${t}${concurrent ? ' concurrently' : ''}`)
        break
      }
      default:
        metadataChange(a, t, `${sub.slice(3).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} on ${t}`)
    }
  }
}

/** A catalog-only change under ACCESS EXCLUSIVE (brief once granted). */
function metadataChange(a: Acc, t: string, summary: string): void {
  lock(a, t, 'AccessExclusiveLock')
  work(a, 'metadata')
  a.summary.push(summary)
}

/** Analyse one statement. */
export function analyzeStatement(stmt: ParsedStatement, ctx: AnalysisContext): StatementAnalysis {
  const node = ((stmt.node as Json)[stmt.kind] ?? {}) as Json
  const a: Acc = { locks: new Map(), rewrites: new Set(), scans: new Set(), work: 'none', unknown: [], summary: [] }
  let transactional = true
  const creates: string[] = []
  let innerAnalyses: StatementAnalysis[] | undefined
  switch (stmt.kind) {
    case 'CreateStmt': {
      const t = relName(node.relation)!
      creates.push(t)
      lock(a, t, 'AccessExclusiveLock')
      for (const el of (node.tableElts as Json[] | undefined) ?? []) {
        const cons = el.ColumnDef ? columnConstraints(el.ColumnDef as Json) : el.Constraint ? [el.Constraint as Json] : []
        for (const c of cons) {
          if (c.contype === 'CONSTR_FOREIGN') {
            const ref = relName(c.pktable)
            if (ref) lock(a, ref, 'ShareRowExclusiveLock')
          }
        }
      }
      const parent = ((node.inhRelations as { RangeVar?: unknown }[] | undefined) ?? []).map((r) => relName(r.RangeVar)).filter(Boolean) as string[]
      if (node.partbound) for (const p of parent) lock(a, p, 'AccessExclusiveLock')
      work(a, 'metadata')
      a.summary.push(`create table ${t}`)
      break
    }
    case 'IndexStmt': {
      const t = relName(node.relation)!
      const concurrent = node.concurrent === true
      transactional = !concurrent
      lock(a, t, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock')
      if (!ctx.created.has(t)) {
        work(a, 'index-build')
        a.scans.add(t)
      } else work(a, 'metadata')
      a.summary.push(`create ${node.unique ? 'unique ' : ''}index ${node.idxname ?? ''} on ${t}${concurrent ? ' concurrently' : ''}`.replace(/ +/g, ' '))
      break
    }
    case 'AlterTableStmt': {
      const t = relName(node.relation)!
      if (node.objtype === 'OBJECT_INDEX') {
        lock(a, t, 'AccessExclusiveLock')
        work(a, 'metadata')
        a.summary.push(`alter index ${t}`)
      } else alterTable(node, t, ctx, a)
      if (((node.cmds as { AlterTableCmd?: Json }[] | undefined) ?? []).some((c) => ((c.AlterTableCmd?.def as Json | undefined)?.PartitionCmd as Json | undefined)?.concurrent)) transactional = false
      break
    }
    case 'RenameStmt': {
      const t = relName(node.relation)
      const type = String(node.renameType)
      if (t) lock(a, t, type === 'OBJECT_INDEX' && ctx.pgVersion >= 120000 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock')
      work(a, 'metadata')
      a.summary.push(`rename ${type.replace('OBJECT_', '').toLowerCase()} ${node.subname ?? t ?? ''} to ${node.newname}`)
      break
    }
    case 'DropStmt': {
      const type = String(node.removeType)
      const objs = ((node.objects as { List?: { items?: unknown } }[] | undefined) ?? []).map((o) => names(o.List?.items).join('.'))
      if (type === 'OBJECT_TABLE' || type === 'OBJECT_VIEW' || type === 'OBJECT_MATVIEW') for (const o of objs) lock(a, o, 'AccessExclusiveLock')
      if (type === 'OBJECT_INDEX') {
        transactional = node.concurrent !== true
        a.unknown.push('the table of the dropped index (its lock is the same mode) without a database')
      }
      work(a, 'metadata')
      a.summary.push(`drop ${type.replace('OBJECT_', '').toLowerCase()} ${objs.join(', ')}${node.behavior === 'DROP_CASCADE' ? ' cascade' : ''}`)
      break
    }
    case 'TruncateStmt': {
      for (const r of (node.relations as { RangeVar?: unknown }[] | undefined) ?? []) {
        const t = relName(r.RangeVar)
        if (!t) continue
        lock(a, t, 'AccessExclusiveLock')
        a.rewrites.add(t) // a new, empty relation file (fast, but not MVCC-safe); PostgreSQL 15 also counts a scan
      }
      work(a, 'metadata')
      a.summary.push(`truncate ${[...a.locks.keys()].join(', ')}`)
      break
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt': {
      const t = relName(node.relation)!
      const read = tablesRead(node).filter((r) => r !== t)
      for (const r of read) lock(a, r, 'AccessShareLock')
      lock(a, t, 'RowExclusiveLock')
      work(a, 'data-change')
      const explained = ctx.seqScans?.(stmt.index)
      if (explained) for (const r of explained) a.scans.add(r)
      else {
        if (stmt.kind !== 'InsertStmt' && !node.whereClause) a.scans.add(t)
        if (stmt.kind === 'InsertStmt') for (const r of read) a.scans.add(r)
      }
      a.summary.push(`${stmt.kind.replace('Stmt', '').toLowerCase()} ${stmt.kind === 'InsertStmt' ? 'into' : stmt.kind === 'DeleteStmt' ? 'from' : ''} ${t}${stmt.kind !== 'InsertStmt' && !node.whereClause ? ' (every row)' : ''}`.replace(/ +/g, ' '))
      break
    }
    case 'SelectStmt': {
      // A query in a migration reads its tables: count it as a scan (it keeps every lock the transaction holds).
      const read = tablesRead(node)
      const explained = ctx.seqScans?.(stmt.index)
      for (const r of read) {
        lock(a, r, 'AccessShareLock')
        if (!explained || explained.includes(r)) a.scans.add(r)
      }
      if (read.length > 0) work(a, 'scan')
      a.summary.push(read.length > 0 ? `query ${read.join(', ')}` : 'query')
      break
    }
    case 'ViewStmt': {
      const v = relName(node.view)!
      creates.push(v)
      lock(a, v, 'AccessExclusiveLock')
      for (const r of tablesRead(node.query)) lock(a, r, 'AccessShareLock')
      work(a, 'metadata')
      a.summary.push(`${node.replace ? 'create or replace' : 'create'} view ${v}`)
      break
    }
    case 'VacuumStmt': {
      const opts = ((node.options as { DefElem?: { defname?: string } }[] | undefined) ?? []).map((o) => o.DefElem?.defname)
      const full = opts.includes('full')
      const vacuum = node.is_vacuumcmd === true
      transactional = !vacuum
      for (const r of (node.rels as { VacuumRelation?: { relation?: unknown } }[] | undefined) ?? []) {
        const t = relName(r.VacuumRelation?.relation)
        if (!t) continue
        lock(a, t, full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock')
        // VACUUM and ANALYZE read the table without a sequential scan in the statistics' sense.
        if (full) a.rewrites.add(t)
      }
      work(a, full ? 'rewrite' : 'scan')
      a.summary.push(`${vacuum ? (full ? 'vacuum full' : 'vacuum') : 'analyze'} ${[...a.locks.keys()].join(', ')}`)
      break
    }
    case 'ClusterStmt': {
      const t = relName(node.relation)
      if (t) {
        lock(a, t, 'AccessExclusiveLock')
        a.rewrites.add(t)
      } else transactional = false
      work(a, 'rewrite')
      a.summary.push(`cluster ${t ?? '(all tables)'}`)
      break
    }
    case 'ReindexStmt': {
      const concurrent = ((node.params as { DefElem?: { defname?: string } }[] | undefined) ?? []).some((p) => p.DefElem?.defname === 'concurrently')
      const t = relName(node.relation)
      transactional = !concurrent && !/SCHEMA|SYSTEM|DATABASE/.test(String(node.kind))
      if (t && String(node.kind) === 'REINDEX_OBJECT_TABLE') {
        lock(a, t, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock')
        a.scans.add(t)
      }
      if (t && String(node.kind) === 'REINDEX_OBJECT_INDEX') a.unknown.push('the table of the reindexed index without a database')
      work(a, 'index-build')
      a.summary.push(`reindex ${t ?? ''}${concurrent ? ' concurrently' : ''}`)
      break
    }
    case 'CreateTrigStmt': {
      const t = relName(node.relation)!
      lock(a, t, 'ShareRowExclusiveLock')
      work(a, 'metadata')
      a.summary.push(`create trigger ${node.trigname} on ${t}`)
      break
    }
    case 'CreateStatsStmt':
    case 'CommentStmt': {
      for (const r of tablesRead(node)) lock(a, r, 'ShareUpdateExclusiveLock')
      work(a, 'metadata')
      a.summary.push(stmt.kind === 'CommentStmt' ? 'comment' : 'create statistics')
      break
    }
    case 'LockStmt': {
      const mode = LOCK_STMT_MODES[Number(node.mode ?? 8)] ?? 'AccessExclusiveLock'
      for (const r of (node.relations as { RangeVar?: unknown }[] | undefined) ?? []) {
        const t = relName(r.RangeVar)
        if (t) lock(a, t, mode)
      }
      a.summary.push(`lock ${[...a.locks.keys()].join(', ')}`)
      break
    }
    case 'AlterEnumStmt':
      transactional = ctx.pgVersion >= 120000 || typeof node.oldVal === 'string'
      work(a, 'metadata')
      a.summary.push(`${node.oldVal ? 'rename' : 'add'} value ${node.newVal} ${node.oldVal ? '' : 'to'} enum ${names(node.typeName).join('.')}`.replace(/ +/g, ' '))
      break
    case 'VariableSetStmt':
      a.summary.push(`set ${node.name ?? ''}`)
      break
    case 'TransactionStmt':
      a.summary.push(String(node.kind).replace('TRANS_STMT_', '').toLowerCase())
      break
    case 'DoStmt': {
      // The body's static SQL statements, analysed as if they ran here (they run in the caller's transaction).
      const inner = (stmt.embedded ?? []).map((e) => analyzeStatement(e, ctx))
      innerAnalyses = inner
      for (const i of inner) {
        for (const l of i.locks) lock(a, l.table, l.mode)
        for (const t of i.rewrites) a.rewrites.add(t)
        for (const t of i.scans) a.scans.add(t)
        work(a, i.work)
        if (i.unknown) a.unknown.push(i.unknown)
        if (!i.transactional) transactional = false
        creates.push(...i.creates)
      }
      if (stmt.embedded === undefined) a.unknown.push('the statements inside the DO block (its body could not be read)')
      else a.unknown.push('dynamic SQL (EXECUTE) inside the DO block, if any, is not analysed')
      a.summary.push(inner.length > 0 ? `DO block: ${inner.map((i) => i.summary).join('; ')}` : 'DO block')
      break
    }
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      transactional = false
      a.summary.push(stmt.kind.replace('Stmt', ''))
      break
    default:
      a.summary.push(stmt.kind.replace('Stmt', ''))
  }
  const locks = [...a.locks.entries()].map(([table, mode]) => ({ table, mode }))
  return {
    index: stmt.index,
    line: stmt.line,
    sql: stmt.text,
    kind: stmt.kind,
    summary: a.summary.join('; '),
    tables: [...new Set([...a.locks.keys(), ...creates])],
    locks,
    rewrites: [...a.rewrites],
    // A rewrite reads the whole table too: PostgreSQL counts it as a sequential scan (pg_stat seq_scan).
    scans: [...new Set([...a.scans, ...a.rewrites])],
    work: a.work,
    ...(a.unknown.length > 0 && { unknown: a.unknown.join('; ') }),
    transactional,
    creates,
    node,
    ...(innerAnalyses && { inner: innerAnalyses }),
  }
}

/** LOCK TABLE modes by the parser's number (lockdefs.h). */
const LOCK_STMT_MODES: Record<number, LockMode> = {
  1: 'AccessShareLock', 2: 'RowShareLock', 3: 'RowExclusiveLock', 4: 'ShareUpdateExclusiveLock', 5: 'ShareLock',
  6: 'ShareRowExclusiveLock', 7: 'ExclusiveLock', 8: 'AccessExclusiveLock',
}
