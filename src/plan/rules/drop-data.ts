import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** DROP COLUMN / DROP TABLE / TRUNCATE lose data and cannot be rolled back after commit. */
export const dropData: Rule = {
  id: 'drop-data',
  severity: 'warning',
  summary: 'dropping a column or table (or truncating) loses data irreversibly',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (stmt.kind === 'AlterTableStmt' && t && !ctx.createdBefore.has(t)) {
      const cols = alterCmds(stmt).filter((c) => c.subtype === 'AT_DropColumn').map((c) => String(c.name))
      if (cols.length > 0) {
        return [{ rule: this.id, severity: this.severity, message: `dropping ${t}.${cols.join(', ')} deletes its data; clients still reading it fail`, fix: 'stop every read and write of the column in a release first; take a copy if it may be needed; then drop it in a later migration' }]
      }
    }
    if ((stmt.kind === 'DropStmt' && String(stmt.node.removeType) === 'OBJECT_TABLE') || stmt.kind === 'TruncateStmt') {
      const tables = stmt.tables.filter((x) => !ctx.createdBefore.has(x))
      if (tables.length === 0) return []
      const cascade = stmt.node.behavior === 'DROP_CASCADE'
      return [{
        rule: this.id,
        severity: cascade ? 'error' : this.severity,
        message: `${stmt.summary}: the data of ${tables.join(', ')} is gone once this commits${cascade ? '; CASCADE also removes dependent objects (views, foreign keys, or with TRUNCATE the rows of referencing tables)' : ''}`,
        fix: 'back the data up first (pg_dump -t), remove application usage in an earlier release, and list the objects explicitly instead of CASCADE',
      }]
    }
    return []
  },
  examples: {
    bad: ['ALTER TABLE orders DROP COLUMN note;', 'DROP TABLE orders;', 'TRUNCATE orders CASCADE;'],
    good: ['CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;', 'CREATE TABLE t (a int);\nDROP TABLE t;'],
  },
}
