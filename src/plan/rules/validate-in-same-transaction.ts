import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** VALIDATE right after ADD … NOT VALID in the same transaction keeps the ADD's strong lock through the scan. */
export const validateInSameTransaction: Rule = {
  id: 'validate-in-same-transaction',
  severity: 'warning',
  summary: 'VALIDATE CONSTRAINT in the transaction that added the constraint holds the strong lock during the scan',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const validated = alterCmds(stmt).filter((c) => c.subtype === 'AT_ValidateConstraint').map((c) => String(c.name))
    if (validated.length === 0) return []
    const strongBefore = ctx.sameTransactionBefore.some((s) => s.locks.some((l) => l.table === t && (l.mode === 'AccessExclusiveLock' || l.mode === 'ShareRowExclusiveLock')))
    if (!strongBefore) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `VALIDATE CONSTRAINT ${validated.join(', ')} runs in the same transaction as an earlier statement that locked ${t} strongly: that lock is held for the whole validation scan`,
      fix: 'commit between ADD … NOT VALID and VALIDATE CONSTRAINT: put VALIDATE in a later migration (data-migrate run runs one file in one transaction)',
    }]
  },
  examples: {
    bad: ['ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT total_pos;'],
    good: ['ALTER TABLE orders VALIDATE CONSTRAINT total_pos;'],
  },
}
