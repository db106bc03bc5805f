import type { Rule } from '../rule.js'

/** Several ACCESS EXCLUSIVE statements in one transaction hold the first lock until the last finishes. */
export const multipleAccessExclusive: Rule = {
  id: 'multiple-access-exclusive',
  severity: 'warning',
  summary: 'after an ACCESS EXCLUSIVE lock, every further statement in the transaction extends the time reads are blocked',
  check(stmt, ctx) {
    if (!stmt.transactional) return []
    const held = ctx.sameTransactionBefore.flatMap((s) => s.locks.filter((l) => l.mode === 'AccessExclusiveLock' && !ctx.createdBefore.has(l.table) && !s.creates.includes(l.table)).map((l) => l.table))
    if (held.length === 0) return []
    // Report once, on the first statement that runs while the lock is held and does real work.
    const heavy = (w: string): boolean => w === 'scan' || w === 'rewrite' || w === 'index-build' || w === 'data-change'
    if (!heavy(stmt.work)) return []
    const firstHolder = ctx.sameTransactionBefore.findIndex((s) => s.locks.some((l) => l.mode === 'AccessExclusiveLock' && !ctx.createdBefore.has(l.table) && !s.creates.includes(l.table)))
    if (ctx.sameTransactionBefore.slice(firstHolder + 1).some((s) => heavy(s.work))) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `ACCESS EXCLUSIVE on ${[...new Set(held)].join(', ')} (taken earlier in this transaction) is still held while this statement (${stmt.summary}) works: reads and writes of those tables wait for it too`,
      fix: 'split the file so the short ACCESS EXCLUSIVE change commits on its own, or do the slow work first',
    }]
  },
  examples: {
    bad: ["ALTER TABLE orders ADD COLUMN note text;\nUPDATE orders SET note = '' WHERE id < 1000;"],
    good: ["ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ALTER COLUMN note SET DEFAULT '';"],
  },
}
