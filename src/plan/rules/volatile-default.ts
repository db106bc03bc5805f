import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** ADD COLUMN with a volatile default, serial, identity or stored generated column rewrites the whole table. */
export const volatileDefault: Rule = {
  id: 'volatile-default',
  severity: 'error',
  summary: 'adding a column whose value differs per row rewrites the table under an ACCESS EXCLUSIVE lock',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t) || !stmt.rewrites.includes(t) || !alterCmds(stmt).some((c) => c.subtype === 'AT_AddColumn')) return []
    const col = alterCmds(stmt).map((c) => (c.def as { ColumnDef?: { colname?: string } } | undefined)?.ColumnDef?.colname).find(Boolean) ?? 'col'
    return [{
      rule: this.id,
      severity: this.severity,
      message: `adding ${col} to ${t} rewrites the table (a per-row default, serial, identity or stored generated column${ctx.pgVersion < 110000 ? ', or any default before PostgreSQL 11' : ''}); reads and writes wait for the whole rewrite`,
      fix: `ALTER TABLE ${t} ADD COLUMN ${col} <type>;  -- nullable, no default: instant\nALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT <expr>;  -- new rows only\n-- then fill existing rows in batches: data-migrate backfill --table ${t} --column ${col} --set "<expr>"`,
    }]
  },
  examples: {
    bad: ['ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();', 'ALTER TABLE orders ADD COLUMN n bigserial;'],
    good: ['ALTER TABLE orders ADD COLUMN token uuid;', "ALTER TABLE orders ADD COLUMN state text DEFAULT 'new';", 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();'],
  },
}
