/**
 * The one import of the real PostgreSQL parser (libpg-query: PostgreSQL 18's grammar compiled to WASM). Every
 * SQL statement of a script is parsed on its own, so errors carry the statement's file line and column.
 */
import { loadModule, parseSync, parsePlPgSQLSync, type Node } from 'libpg-query'
import { DataMigrateError } from '../errors.js'
import { splitPsqlScript, lineColumnAt, type ScriptItem, type SqlItem } from './psql-script.js'

export type { Node } from 'libpg-query'

/** A parsed SQL statement with where it sits in its file. */
export interface ParsedStatement {
  /** 1-based position among the SQL statements of the file. */
  readonly index: number
  readonly text: string
  readonly line: number
  readonly endLine: number
  /** The statement node, e.g. `{ AlterTableStmt: {…} }`. */
  readonly node: Node
  /** The node's type name, e.g. `AlterTableStmt`, `IndexStmt`, `VariableSetStmt`. */
  readonly kind: string
  /** For a DO block: the SQL statements in its PL/pgSQL body (dynamic EXECUTE strings excluded). */
  readonly embedded?: readonly ParsedStatement[]
}

/** A whole script: its items in order, and the SQL ones parsed (same order as the `sql` items). */
export interface ParsedScript {
  readonly items: readonly ScriptItem[]
  readonly statements: readonly ParsedStatement[]
}

let loaded: Promise<void> | undefined

/** Load the WASM parser once. `parseSync` fails until this has resolved. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule()
  return loaded
}

/**
 * Parse one SQL statement (text without the trailing `;`). Throws `SQL_SYNTAX` with the file line:column of the
 * error position and the parser's message.
 */
export function parseStatement(item: SqlItem, index: number, file?: string): ParsedStatement {
  let result
  try {
    result = parseSync(item.text)
  } catch (e) {
    const details = (e as { sqlDetails?: { cursorPosition?: number; message?: string } }).sqlDetails
    const msg = details?.message ?? (e as Error).message
    // The WASM wrapper reports cursorPosition as a 0-based character offset into the statement text
    // (measured: 'SELECT 'éé' FRM x y' → 16, the index of x), not PostgreSQL's 1-based byte position.
    const charPos = Math.min(Math.max(details?.cursorPosition ?? 0, 0), item.text.length)
    const lc = lineColumnAt(item.text, charPos)
    const line = item.line + lc.line - 1
    const column = lc.line === 1 ? lc.column + columnOf(item) - 1 : lc.column
    throw new DataMigrateError('SQL_SYNTAX', msg, {
      where: { ...(file !== undefined && { file }), line, column, statement: index },
      hint: 'fix the statement; the parser is PostgreSQL 18\'s own grammar',
      cause: e,
    })
  }
  const stmts = result.stmts ?? []
  const first = stmts[0]?.stmt
  if (!first || stmts.length !== 1) {
    throw new DataMigrateError('SQL_SYNTAX', stmts.length === 0 ? 'empty statement' : 'more than one statement in one item', {
      where: { ...(file !== undefined && { file }), line: item.line, statement: index },
    })
  }
  const kind = Object.keys(first)[0] ?? 'Unknown'
  const embedded = kind === 'DoStmt' ? doBlockStatements(item.text, index, item.line) : undefined
  return { index, text: item.text, line: item.line, endLine: item.endLine, node: first, kind, ...(embedded && { embedded }) }
}

/** The static SQL statements of a DO block's body, parsed; undefined when the body cannot be read. */
function doBlockStatements(text: string, index: number, line: number): ParsedStatement[] | undefined {
  let tree: unknown
  try {
    tree = parsePlPgSQLSync(text)
  } catch {
    return undefined
  }
  const queries: { query: string; lineno: number }[] = []
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk)
    if (n === null || typeof n !== 'object') return
    const o = n as Record<string, unknown>
    const exec = o.PLpgSQL_stmt_execsql as { lineno?: number; sqlstmt?: { PLpgSQL_expr?: { query?: string } } } | undefined
    if (exec?.sqlstmt?.PLpgSQL_expr?.query) queries.push({ query: exec.sqlstmt.PLpgSQL_expr.query, lineno: exec.lineno ?? 1 })
    for (const v of Object.values(o)) walk(v)
  }
  walk(tree)
  const out: ParsedStatement[] = []
  for (const q of queries) {
    try {
      const node = parseSync(q.query).stmts?.[0]?.stmt
      if (node) out.push({ index, text: q.query, line: line + q.lineno - 1, endLine: line + q.lineno - 1, node, kind: Object.keys(node)[0] ?? 'Unknown' })
    } catch {
      // a statement PL/pgSQL accepts but the SQL grammar alone does not (e.g. INTO targets): skip it
    }
  }
  return out
}

/** Split a psql script and parse each SQL statement. */
export async function parseScript(script: string, file?: string): Promise<ParsedScript> {
  await loadParser()
  const items = splitPsqlScript(script, file)
  const statements: ParsedStatement[] = []
  for (const item of items) {
    if (item.kind === 'sql') statements.push(parseStatement(item, statements.length + 1, file))
  }
  return { items, statements }
}

/** Column (1-based) of the statement's first character on its first line; set by the splitter's caller. */
function columnOf(item: SqlItem): number {
  return item.column
}
