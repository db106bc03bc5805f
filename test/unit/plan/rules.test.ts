import { describe, it, expect } from 'vitest'
import { parseScript } from '../../../src/sql/parse.js'
import { planFile } from '../../../src/plan/plan-file.js'
import { RULES } from '../../../src/plan/rules/index.js'

async function findings(sql: string, pgVersion = 160000): Promise<string[]> {
  const p = planFile(await parseScript(sql), { pgVersion })
  return p.statements.flatMap((s) => s.findings.map((f) => f.rule))
}

describe('plan rules: every bad example fires, every good one does not', () => {
  for (const rule of RULES) {
    for (const bad of rule.examples.bad) {
      it(`${rule.id}: fires on ${JSON.stringify(bad)}`, async () => {
        expect(await findings(bad)).toContain(rule.id)
      })
    }
    for (const good of rule.examples.good) {
      it(`${rule.id}: quiet on ${JSON.stringify(good)}`, async () => {
        expect(await findings(good)).not.toContain(rule.id)
      })
    }
  }
  it('rule ids are unique and kebab-case', () => {
    const ids = RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/)
  })
})

describe('plan: no false alarms on a safe migration', () => {
  it('CONCURRENTLY outside a transaction, NOT VALID constraints, nullable columns, a table created and indexed in the same file', async () => {
    const sql = [
      "SET lock_timeout = '2s';",
      'ALTER TABLE orders ADD COLUMN note text;',
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      'CREATE TABLE audit (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), at timestamptz NOT NULL DEFAULT now());',
      'CREATE INDEX audit_order ON audit (order_id);',
      'CREATE INDEX CONCURRENTLY orders_note ON orders (note);',
    ].join('\n')
    const p = planFile(await parseScript(sql), { pgVersion: 160000 })
    expect(p.statements.flatMap((s) => s.findings)).toEqual([])
    expect(p.risk).toBe('low')
    expect(p.recommendation.verdict).toBe('safe')
  })
  it('suppression: -- data-migrate:ignore <rule> silences the next statement only', async () => {
    const sql = '-- data-migrate:ignore require-concurrent-index, missing-lock-timeout\nCREATE INDEX a ON orders (a);\nCREATE INDEX b ON orders (b);'
    const p = planFile(await parseScript(sql), { pgVersion: 160000 })
    expect(p.statements[0]!.findings.map((f) => f.rule)).toEqual([])
    expect(p.statements[0]!.ignored).toEqual(expect.arrayContaining(['require-concurrent-index', 'missing-lock-timeout']))
    expect(p.statements[1]!.findings.map((f) => f.rule)).toEqual(['require-concurrent-index'])
  })
})

describe('plan: version-aware rules', () => {
  it('a constant default rewrites before PostgreSQL 11 only', async () => {
    expect(await findings("SET lock_timeout='1s';\nALTER TABLE orders ADD COLUMN s text DEFAULT 'x';", 100000)).toContain('volatile-default')
    expect(await findings("SET lock_timeout='1s';\nALTER TABLE orders ADD COLUMN s text DEFAULT 'x';", 110000)).not.toContain('volatile-default')
  })
  it('ALTER TYPE … ADD VALUE cannot run in a transaction before 12', async () => {
    expect(await findings("ALTER TYPE mood ADD VALUE 'x';", 110000)).toContain('enum-add-value')
    expect(await findings("ALTER TYPE mood ADD VALUE 'x';", 120000)).not.toContain('enum-add-value')
  })
  it('SET NOT NULL proven by a validated CHECK is free from 12 on', async () => {
    const sql = "SET lock_timeout='1s';\nALTER TABLE o ADD CONSTRAINT c CHECK (x IS NOT NULL) NOT VALID;\nALTER TABLE o VALIDATE CONSTRAINT c;\nALTER TABLE o ALTER COLUMN x SET NOT NULL;"
    expect(await findings(sql, 120000)).not.toContain('set-not-null-scan')
    expect(await findings(sql, 110000)).toContain('set-not-null-scan')
  })
})

describe('plan: rollback', () => {
  it('synthesises inverses in reverse order and names irreversible steps', async () => {
    const p = planFile(await parseScript('CREATE TABLE t (a int);\nALTER TABLE o ADD COLUMN n text;\nALTER TABLE o DROP COLUMN old;\nCREATE INDEX CONCURRENTLY i ON o (n);'), { pgVersion: 160000 })
    expect(p.rollback.source).toBe('synthesised')
    expect(p.rollback.statements).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS i;', 'ALTER TABLE o DROP COLUMN IF EXISTS n;', 'DROP TABLE IF EXISTS t;'])
    expect(p.rollback.irreversible.join()).toMatch(/DROP COLUMN o\.old/)
  })
})

describe('plan: DO blocks', () => {
  it('analyses the static SQL inside a DO block', async () => {
    const sql = "SET lock_timeout = '1s';\nDO $$\nBEGIN\n  ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n  IF true THEN\n    UPDATE orders SET note = 'x';\n  END IF;\nEND\n$$;"
    const p = planFile(await parseScript(sql), { pgVersion: 160000 })
    const d = p.statements[1]!
    expect(d.locks).toEqual([{ table: 'orders', mode: 'AccessExclusiveLock' }])
    expect(d.rewrites).toEqual(['orders'])
    expect(d.summary).toMatch(/DO block: add column token to orders; update orders/)
    expect(p.risk).toBe('high')
    expect(d.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['volatile-default', 'unbatched-update']))
  })
})
