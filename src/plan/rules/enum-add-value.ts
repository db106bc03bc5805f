import type { Rule } from '../rule.js'

/** ALTER TYPE … ADD VALUE: not allowed in a transaction before PostgreSQL 12; unusable until commit after. */
export const enumAddValue: Rule = {
  id: 'enum-add-value',
  severity: 'info',
  summary: 'a new enum value cannot be used in the transaction that adds it (and before PostgreSQL 12 cannot be added in one)',
  check(stmt, ctx) {
    if (stmt.kind !== 'AlterEnumStmt' || typeof stmt.node.oldVal === 'string') return []
    if (ctx.pgVersion < 120000) {
      return [{ rule: this.id, severity: 'error', message: `${stmt.summary}: before PostgreSQL 12 this cannot run inside a transaction block`, fix: 'put it in a migration of its own (data-migrate run runs it outside a transaction)' }]
    }
    const used = ctx.statements.slice(ctx.position + 1).some((s) => s.transactional && s.sql.includes(`'${String(stmt.node.newVal)}'`))
    if (!used) return []
    return [{ rule: this.id, severity: 'error', message: `the new value '${String(stmt.node.newVal)}' is used later in the same transaction: PostgreSQL refuses it ("unsafe use of new value")`, fix: 'commit first: use the value in a later migration' }]
  },
  examples: {
    bad: ["ALTER TYPE mood ADD VALUE 'happy';\nUPDATE people SET mood = 'happy';"],
    good: ["ALTER TYPE mood ADD VALUE 'happy';"],
  },
}
