import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** ALTER COLUMN TYPE that is not binary-coercible rewrites the table and its indexes. */
export const typeChangeRewrite: Rule = {
  id: 'type-change-rewrite',
  severity: 'error',
  summary: 'changing a column type rewrites the table under ACCESS EXCLUSIVE unless the types are binary-coercible',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const cols = alterCmds(stmt).filter((c) => c.subtype === 'AT_AlterColumnType').map((c) => String(c.name))
    if (cols.length === 0) return []
    const known = stmt.rewrites.includes(t)
    if (!known && !stmt.unknown?.includes('unknown without a database')) return []
    return [{
      rule: this.id,
      severity: known ? 'error' : 'warning',
      message: known
        ? `changing the type of ${t}.${cols.join(', ')} rewrites ${t} and its indexes while reads and writes wait`
        : `changing the type of ${t}.${cols.join(', ')} may rewrite ${t} (unknown without a database: pass --database to know)`,
      fix: `expand and contract: ALTER TABLE ${t} ADD COLUMN ${cols[0]}_new <type>; keep it in sync (trigger), backfill in batches (data-migrate backfill), switch readers, then drop the old column`,
    }]
  },
  examples: {
    bad: ['ALTER TABLE orders ALTER COLUMN id TYPE bigint;'],
    good: ['CREATE TABLE t (id int);\nALTER TABLE t ALTER COLUMN id TYPE bigint;'],
  },
}
