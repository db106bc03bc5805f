import type { Rule } from '../rule.js'
import { targetTable } from '../rule.js'

/** A large UPDATE/DELETE in one statement locks every row it touches until commit and bloats the table. */
export const unbatchedUpdate: Rule = {
  id: 'unbatched-update',
  severity: 'warning',
  summary: 'an UPDATE or DELETE of many rows in one transaction locks them all until commit',
  check(stmt, ctx) {
    if (stmt.kind !== 'UpdateStmt' && stmt.kind !== 'DeleteStmt') return []
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    // With a database: the planner's estimate of the rows this statement touches; else the table's size.
    const rows = ctx.affectedRows?.() ?? ctx.rows?.(t)
    const whole = stmt.node.whereClause === undefined
    if (rows !== undefined ? rows < 100_000 : !whole) return []
    const set = stmt.kind === 'UpdateStmt' ? ((stmt.node.targetList as { ResTarget?: { name?: string } }[] | undefined) ?? [])[0]?.ResTarget?.name : undefined
    return [{
      rule: this.id,
      severity: this.severity,
      message: `${stmt.summary}${rows !== undefined ? ` (~${rows.toLocaleString('en-US')} rows)` : ''} runs as one statement: every touched row stays locked until commit, writers on those rows wait, and the table bloats`,
      fix: set ? `data-migrate backfill --table ${t} --column ${set} --set "<expression>"  -- keyset batches, short transactions, resumable` : 'delete in keyset batches of a few thousand rows, each in its own transaction',
    }]
  },
  examples: {
    bad: ["UPDATE customers SET tier = 'bronze';", 'DELETE FROM events;'],
    good: ["UPDATE customers SET tier = 'gold' WHERE id = 42;"],
  },
}
