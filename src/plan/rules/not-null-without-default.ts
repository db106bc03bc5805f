import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** ADD COLUMN … NOT NULL without a default fails on any table that has rows. */
export const notNullWithoutDefault: Rule = {
  id: 'not-null-without-default',
  severity: 'error',
  summary: 'a NOT NULL column without a default cannot be added to a table with rows',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const out = []
    for (const c of alterCmds(stmt)) {
      if (c.subtype !== 'AT_AddColumn') continue
      const def = (c.def as { ColumnDef?: { colname?: string; constraints?: { Constraint?: { contype?: string } }[] } } | undefined)?.ColumnDef
      const cons = (def?.constraints ?? []).map((x) => x.Constraint?.contype)
      if (cons.includes('CONSTR_NOTNULL') && !cons.includes('CONSTR_DEFAULT') && !cons.includes('CONSTR_IDENTITY') && !cons.includes('CONSTR_GENERATED')) {
        out.push({
          rule: this.id,
          severity: this.severity,
          message: `${t}.${def?.colname} is added NOT NULL without a default: the statement fails as soon as ${t} has a row`,
          fix: `ALTER TABLE ${t} ADD COLUMN ${def?.colname} <type>;\n-- backfill it (data-migrate backfill), then:\nALTER TABLE ${t} ADD CONSTRAINT ${def?.colname}_not_null CHECK (${def?.colname} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${def?.colname}_not_null;\nALTER TABLE ${t} ALTER COLUMN ${def?.colname} SET NOT NULL;`,
        })
      }
    }
    return out
  },
  examples: {
    bad: ['ALTER TABLE orders ADD COLUMN tier text NOT NULL;'],
    good: ["ALTER TABLE orders ADD COLUMN tier text NOT NULL DEFAULT 'bronze';", 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN tier text NOT NULL;'],
  },
}
