import type { Rule } from '../rule.js'

/** Renaming a column or table breaks every client that still uses the old name. */
export const rename: Rule = {
  id: 'rename',
  severity: 'warning',
  summary: 'renaming a table or column breaks clients that use the old name',
  check(stmt, ctx) {
    if (stmt.kind !== 'RenameStmt') return []
    const type = String(stmt.node.renameType)
    if (type !== 'OBJECT_COLUMN' && type !== 'OBJECT_TABLE') return []
    const t = stmt.tables[0]
    if (t && ctx.createdBefore.has(t)) return []
    return [{
      rule: this.id,
      severity: this.severity,
      message: `${stmt.summary}: running application code that uses the old name fails from the moment this commits`,
      fix: type === 'OBJECT_COLUMN'
        ? 'expand and contract: add the new column, write both, backfill, switch readers, drop the old one in a later release'
        : 'create a view with the old name for the transition, or rename in a release where no code uses the old name',
    }]
  },
  examples: {
    bad: ['ALTER TABLE orders RENAME COLUMN total TO amount;', 'ALTER TABLE orders RENAME TO purchases;'],
    good: ['CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;'],
  },
}
