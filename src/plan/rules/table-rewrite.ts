import type { Rule } from '../rule.js'

/** VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED, SET TABLESPACE / ACCESS METHOD copy the whole table under ACCESS EXCLUSIVE. */
export const tableRewrite: Rule = {
  id: 'table-rewrite',
  severity: 'error',
  summary: 'this command copies the whole table while reads and writes wait',
  check(stmt, ctx) {
    const isMaint = stmt.kind === 'VacuumStmt' || stmt.kind === 'ClusterStmt' || /SET\s+(UN)?LOGGED|SET\s+TABLESPACE|SET\s+ACCESS\s+METHOD/i.test(stmt.sql)
    const tables = stmt.rewrites.filter((t) => !ctx.createdBefore.has(t))
    if (!isMaint || tables.length === 0) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `${stmt.summary} rewrites ${tables.join(', ')} under an ACCESS EXCLUSIVE lock: the table is unavailable for the whole copy`,
      fix: 'use pg_repack (online), or run it in a maintenance window; for bloat, plain VACUUM does not block',
    }]
  },
  examples: {
    bad: ['VACUUM FULL orders;', 'CLUSTER orders USING orders_pkey;', 'ALTER TABLE orders SET LOGGED;'],
    good: ['VACUUM orders;', 'ANALYZE orders;'],
  },
}
