import type { Rule } from '../rule.js'
import { targetTable } from '../rule.js'

/** CREATE INDEX without CONCURRENTLY blocks writes for the whole build. */
export const requireConcurrentIndex: Rule = {
  id: 'require-concurrent-index',
  severity: 'warning',
  summary: 'CREATE INDEX without CONCURRENTLY blocks every write to the table while it builds',
  check(stmt, ctx) {
    if (stmt.kind !== 'IndexStmt' || stmt.node.concurrent === true) return []
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const name = String(stmt.node.idxname ?? '<name>')
    return [{
      rule: this.id,
      severity: this.severity,
      message: `building index ${name} takes a SHARE lock on ${t}: inserts, updates and deletes wait until it is built`,
      fix: `CREATE INDEX CONCURRENTLY ${name} ON ${t} (…);  -- its own migration, outside a transaction; if it fails: DROP INDEX CONCURRENTLY IF EXISTS ${name};`,
    }]
  },
  examples: {
    bad: ['CREATE INDEX orders_status ON orders (status);'],
    good: ['CREATE INDEX CONCURRENTLY orders_status ON orders (status);', 'CREATE TABLE t (id int, s text);\nCREATE INDEX t_s ON t (s);'],
  },
}
