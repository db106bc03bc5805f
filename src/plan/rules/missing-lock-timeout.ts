import type { Rule } from '../rule.js'
import { blocks } from '../locks.js'

/** A lock that blocks reads or writes, requested without lock_timeout, queues every later query behind it. */
export const missingLockTimeout: Rule = {
  id: 'missing-lock-timeout',
  severity: 'warning',
  summary: 'without lock_timeout, a statement waiting for its lock makes every later query on the table wait too',
  check(stmt, ctx) {
    if (ctx.lockTimeoutSet) return []
    const hot = stmt.locks.filter((l) => !ctx.createdBefore.has(l.table) && !stmt.creates.includes(l.table) && blocks(l.mode).writes)
    if (hot.length === 0) return []
    // One finding per file: the first statement that needs it.
    const earlier = ctx.statements.slice(0, ctx.position).some((s) => s.locks.some((l) => !ctx.createdBefore.has(l.table) && !s.creates.includes(l.table) && blocks(l.mode).writes))
    if (earlier) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `${hot.map((l) => `${l.mode} on ${l.table}`).join(', ')} is requested without lock_timeout: if a long transaction holds the table, this waits, and every query arriving after it waits behind it`,
      fix: "SET lock_timeout = '5s';  -- at the top of the file; data-migrate run sets it for you (--lock-timeout) and retries",
    }]
  },
  examples: {
    bad: ['ALTER TABLE orders ADD COLUMN note text;'],
    good: ["SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;", 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;'],
  },
}
