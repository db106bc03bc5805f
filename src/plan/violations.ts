/**
 * Existing rows that a new CHECK or FOREIGN KEY would reject: counted read-only (a read-only transaction with a
 * statement_timeout, rolled back), so the plan can say "ALTER … will fail: 12 rows violate it" before anyone runs it.
 */
import type { Database } from '../db/database.js'
import type { PlannedStatement } from './plan-file.js'

type Json = Record<string, unknown>

function qi(name: string): string {
  return name.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.')
}

/** The text of `CHECK ( … )` starting at the constraint's location, balanced parentheses. */
function checkExpression(sql: string, from: number): string | undefined {
  const at = sql.toUpperCase().indexOf('CHECK', from)
  if (at < 0) return undefined
  const open = sql.indexOf('(', at)
  let depth = 0
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++
    else if (sql[i] === ')' && --depth === 0) return sql.slice(open + 1, i)
  }
  return undefined
}

export interface Violation {
  readonly statement: number
  readonly constraint: string
  readonly rows: number | null
  readonly note?: string
}

/** Count violating rows for each ADD CONSTRAINT CHECK / FOREIGN KEY (validated ones) of existing tables. */
export async function countViolations(db: Database, statements: readonly PlannedStatement[], node: (index: number) => Json | undefined, existing: (t: string) => boolean, timeoutMs = 5000): Promise<Violation[]> {
  const out: Violation[] = []
  for (const s of statements) {
    if (s.kind !== 'AlterTableStmt') continue
    const n = node(s.index)
    const rel = n?.relation as { schemaname?: string; relname?: string } | undefined
    if (!rel?.relname) continue
    const table = rel.schemaname ? `${rel.schemaname}.${rel.relname}` : rel.relname
    if (!existing(table)) continue
    for (const c of ((n!.cmds as { AlterTableCmd?: Json }[] | undefined) ?? []).map((x) => x.AlterTableCmd ?? {})) {
      const con = (c.def as { Constraint?: Json } | undefined)?.Constraint
      if (c.subtype !== 'AT_AddConstraint' || !con) continue
      const name = String(con.conname ?? '(unnamed)')
      let sql: string | undefined
      if (con.contype === 'CONSTR_CHECK') {
        const expr = checkExpression(s.sql, Number(con.location ?? 0))
        if (expr) sql = `SELECT count(*)::bigint AS n FROM ${qi(table)} WHERE NOT (${expr})`
      } else if (con.contype === 'CONSTR_FOREIGN') {
        const ref = con.pktable as { schemaname?: string; relname?: string } | undefined
        const fk = ((con.fk_attrs as { String?: { sval?: string } }[] | undefined) ?? []).map((x) => x.String?.sval ?? '')
        const pk = ((con.pk_attrs as { String?: { sval?: string } }[] | undefined) ?? []).map((x) => x.String?.sval ?? '')
        if (ref?.relname && fk.length > 0 && pk.length === fk.length) {
          const refName = ref.schemaname ? `${ref.schemaname}.${ref.relname}` : ref.relname
          sql = `SELECT count(*)::bigint AS n FROM ${qi(table)} c WHERE ${fk.map((f) => `c.${qi(f)} IS NOT NULL`).join(' AND ')}
                   AND NOT EXISTS (SELECT 1 FROM ${qi(refName)} p WHERE ${fk.map((f, i) => `p.${qi(pk[i]!)} = c.${qi(f)}`).join(' AND ')})`
        }
      }
      if (!sql) continue
      try {
        await db.exec('BEGIN READ ONLY')
        if (db.kind === 'postgres') await db.exec(`SET LOCAL statement_timeout = '${timeoutMs}ms'`)
        const r = await db.query<{ n: number }>(sql)
        out.push({ statement: s.index, constraint: name, rows: Number(r.rows[0]?.n ?? 0) })
      } catch (e) {
        out.push({ statement: s.index, constraint: name, rows: null, note: `not counted: ${(e as Error).message}` })
      } finally {
        await db.exec('ROLLBACK').catch(() => undefined)
      }
    }
  }
  return out
}
