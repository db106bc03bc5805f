import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** ADD UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE unless it reuses one (USING INDEX). */
export const uniqueWithoutIndex: Rule = {
  id: 'unique-without-index',
  severity: 'warning',
  summary: 'a UNIQUE or PRIMARY KEY constraint builds its index while reads and writes wait',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const out = []
    for (const c of alterCmds(stmt)) {
      const con = (c.def as { Constraint?: { contype?: string; conname?: string; indexname?: string } } | undefined)?.Constraint
      if (c.subtype !== 'AT_AddConstraint' || !con || con.indexname) continue
      if (con.contype !== 'CONSTR_UNIQUE' && con.contype !== 'CONSTR_PRIMARY') continue
      const name = con.conname ?? `${t}_key`
      out.push({
        rule: this.id,
        severity: this.severity,
        message: `${con.contype === 'CONSTR_PRIMARY' ? 'primary key' : 'unique constraint'} ${name} builds its index on ${t} under an ACCESS EXCLUSIVE lock`,
        fix: `CREATE UNIQUE INDEX CONCURRENTLY ${name}_idx ON ${t} (…);  -- own migration\nALTER TABLE ${t} ADD CONSTRAINT ${name} ${con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${name}_idx;`,
      })
    }
    return out
  },
  examples: {
    bad: ['ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);'],
    good: ['ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;'],
  },
}
