import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** DROP NOT NULL lets NULLs in; readers that assume a value break. */
export const dropNotNull: Rule = {
  id: 'drop-not-null',
  severity: 'info',
  summary: 'after DROP NOT NULL the column can hold NULL: readers that assume a value may break',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const cols = alterCmds(stmt).filter((c) => c.subtype === 'AT_DropNotNull').map((c) => String(c.name))
    if (cols.length === 0) return []
    return [{ rule: this.id, severity: this.severity, message: `${t}.${cols.join(', ')} may now be NULL: check that every reader handles it`, fix: 'make readers tolerate NULL first, then drop the constraint' }]
  },
  examples: {
    bad: ['ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;'],
    good: ['ALTER TABLE orders ALTER COLUMN note SET DEFAULT \'\';'],
  },
}
