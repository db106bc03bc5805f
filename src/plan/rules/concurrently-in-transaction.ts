import type { Rule } from '../rule.js'

/** CONCURRENTLY (and VACUUM) fail inside a transaction block. */
export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  severity: 'error',
  summary: 'statements that cannot run in a transaction fail inside BEGIN … COMMIT',
  check(stmt, ctx) {
    if (stmt.transactional || !ctx.inExplicitTransaction) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `${stmt.summary} cannot run inside a transaction block, and this file wraps it in BEGIN … COMMIT: PostgreSQL refuses it ("cannot run inside a transaction block")`,
      fix: 'move it out of the BEGIN … COMMIT block, into a migration of its own (data-migrate run runs such statements as their own steps)',
    }]
  },
  examples: {
    bad: ['BEGIN;\nCREATE INDEX CONCURRENTLY i ON orders (a);\nCOMMIT;'],
    good: ['CREATE INDEX CONCURRENTLY i ON orders (a);'],
  },
}
