import type { Rule } from '../rule.js'
import { alterCmds, targetTable } from '../rule.js'

/** ADD FOREIGN KEY / CHECK without NOT VALID scans the table while holding a lock that blocks writes. */
export const constraintMissingNotValid: Rule = {
  id: 'constraint-missing-not-valid',
  severity: 'warning',
  summary: 'a new FOREIGN KEY or CHECK is validated by a full scan under a lock that blocks writes',
  check(stmt, ctx) {
    const t = targetTable(stmt)
    if (!t || ctx.createdBefore.has(t)) return []
    const out = []
    for (const c of alterCmds(stmt)) {
      const con = (c.def as { Constraint?: { contype?: string; conname?: string; skip_validation?: boolean } } | undefined)?.Constraint
      if (c.subtype !== 'AT_AddConstraint' || !con || con.skip_validation) continue
      if (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') continue
      const name = con.conname ?? '<name>'
      const lock = con.contype === 'CONSTR_FOREIGN' ? `SHARE ROW EXCLUSIVE on ${t} and the referenced table` : `ACCESS EXCLUSIVE on ${t}`
      out.push({
        rule: this.id,
        severity: this.severity,
        message: `${con.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'check'} ${name} is validated by scanning ${t} while holding ${lock}`,
        fix: `ALTER TABLE ${t} ADD CONSTRAINT ${name} … NOT VALID;\n-- in a later transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue):\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
      })
    }
    return out
  },
  examples: {
    bad: ['ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);', 'ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0);'],
    good: ['ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;', 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0);'],
  },
}
