import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) proves it (PG 12+). */
export const setNotNullScan: Rule = {
  id: 'set-not-null-scan',
  severity: 'warning',
  summary: 'SET NOT NULL scans the whole table while reads and writes wait',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const out = []
    for (const c of alterCmds(stmt)) {
      if (c.subtype !== 'AT_SetNotNull') continue
      const col = String(c.name)
      // PG 12+: a validated CHECK (col IS NOT NULL) added earlier in the file lets SET NOT NULL skip the scan.
      const proven = ctx.pgVersion >= 120000 && ctx.statements.slice(0, ctx.position).some((s) => s.kind === 'AlterTableStmt' && targetTable(s) === t && new RegExp(`CHECK\\s*\\(\\s*"?${col}"?\\s+IS\\s+NOT\\s+NULL\\s*\\)`, 'i').test(s.sql)) &&
        ctx.statements.slice(0, ctx.position).some((s) => /VALIDATE\s+CONSTRAINT/i.test(s.sql) && targetTable(s) === t)
      if (proven || (ctx.pgVersion >= 120000 && ctx.provenNotNull?.(t, col))) continue
      out.push({
        rule: this.id,
        severity: this.severity,
        message: `SET NOT NULL on ${t}.${col} scans every row under an ACCESS EXCLUSIVE lock${ctx.pgVersion >= 120000 ? ' (no validated CHECK proves it first)' : ''}`,
        fix: ctx.pgVersion >= 120000
          ? `ALTER TABLE ${t} ADD CONSTRAINT ${col}_not_null CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${col}_not_null;  -- later transaction, reads and writes continue\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;  -- instant: the CHECK proves it\nALTER TABLE ${t} DROP CONSTRAINT ${col}_not_null;`
          : 'before PostgreSQL 12 there is no scan-free way: run it in a quiet window, with lock_timeout',
      })
    }
    return out
  },
  examples: {
    bad: ['ALTER TABLE orders ALTER COLUMN tier SET NOT NULL;'],
    good: ['ALTER TABLE orders ADD CONSTRAINT tier_nn CHECK (tier IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT tier_nn;\nALTER TABLE orders ALTER COLUMN tier SET NOT NULL;'],
  },
}
