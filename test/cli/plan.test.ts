import { describe, it, expect } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.js'

describe('cli: plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-plan-cli-'))
  writeFileSync(join(dir, '20240115_add_tier.sql'), [
    'ALTER TABLE customers ADD COLUMN tier varchar(20);',
    "UPDATE customers SET tier = 'bronze';",
    'CREATE INDEX customers_tier ON customers (tier);',
  ].join('\n'))
  writeFileSync(join(dir, '20240115_add_tier_rollback.sql'), 'ALTER TABLE customers DROP COLUMN IF EXISTS tier;\n')
  writeFileSync(join(dir, 'broken.sql'), 'SELECT 1;\nALTER TABLE t ADD COLUMN;\n')

  it('prints the "# Migration Plan" report, static, exit 0', async () => {
    const r = await runCli(['plan', '--migration', '20240115_add_tier.sql'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^# Migration Plan: 20240115_add_tier/)
    expect(r.stdout).toContain('- **Risk Level:** 🟡 Medium')
    expect(r.stdout).toContain('customers: AccessExclusiveLock → reads and writes')
    expect(r.stdout).toContain('customers: ShareLock → writes (reads continue)')
    expect(r.stdout).toContain('From `')
    expect(r.stdout).toContain('ALTER TABLE customers DROP COLUMN IF EXISTS tier;')
  })

  it('--json follows the documented schema', async () => {
    const r = await runCli(['plan', '--migration', '20240115_add_tier.sql', '--json'], { cwd: dir })
    const j = JSON.parse(r.stdout) as { risk: string; estimatedSeconds: null; statements: { index: number; line: number; sql: string; kind: string; tables: string[]; locks: { table: string; mode: string }[]; rewrites: string[]; scans: string[]; transactional: boolean; rowsAffected: null; estimatedSeconds: null; findings: { rule: string; severity: string; message: string; fix: string }[] }[]; dependencies: { requires: string[]; blocks: string[] }; rollback: { source: string; statements: string[]; irreversible: string[] }; recommendation: { verdict: string; reasons: string[] } }
    expect(j.risk).toBe('medium')
    expect(j.statements[2]).toMatchObject({ index: 3, line: 3, kind: 'IndexStmt', tables: ['customers'], locks: [{ table: 'customers', mode: 'ShareLock' }], transactional: true })
    expect(j.statements[2]!.findings.map((f) => f.rule)).toContain('require-concurrent-index')
    expect(j.dependencies.requires).toEqual(['customers'])
    expect(j.rollback.source).toBe('file')
    expect(j.recommendation.verdict).toBe('caution')
  })

  it('--format github and sarif for CI, --fail-on for gating', async () => {
    const gh = await runCli(['plan', '--migration', '20240115_add_tier.sql', '--format', 'github'], { cwd: dir })
    expect(gh.stdout).toMatch(/^::warning file=20240115_add_tier\.sql,line=3,title=require-concurrent-index::/m)
    const sarif = JSON.parse((await runCli(['plan', '--migration', '20240115_add_tier.sql', '--format', 'sarif'], { cwd: dir })).stdout) as { version: string; runs: { results: { ruleId: string }[] }[] }
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('unbatched-update')
    expect((await runCli(['plan', '--migration', '20240115_add_tier.sql', '--fail-on', 'medium'], { cwd: dir })).code).toBe(1)
    expect((await runCli(['plan', '--migration', '20240115_add_tier.sql', '--fail-on', 'high'], { cwd: dir })).code).toBe(0)
  })

  it('a syntax error is exit 2 with file:line:column and the parser message', async () => {
    const r = await runCli(['plan', '--migration', 'broken.sql'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/SQL_SYNTAX: .*broken\.sql:2:25 \(statement 2\): syntax error at end of input/)
  })

  it('reads dbmate files: only the up section is planned, the down section is the rollback', async () => {
    writeFileSync(join(dir, '20240116_dbmate.sql'), '-- migrate:up\nCREATE INDEX CONCURRENTLY i ON orders (a);\n\n-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS i;\n')
    const j = JSON.parse((await runCli(['plan', '--migration', '20240116_dbmate.sql', '--json'], { cwd: dir })).stdout) as { risk: string; statements: { line: number; transactional: boolean }[]; rollback: { source: string; statements: string[] } }
    expect(j.statements).toHaveLength(1)
    expect(j.statements[0]).toMatchObject({ line: 2, transactional: false })
    expect(j.rollback.statements).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS i;'])
    expect(j.risk).toBe('low')
  })
})
