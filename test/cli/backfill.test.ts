import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.js'
import { createTestDatabase, type TestDatabase } from '../helpers/backends.js'

describe('cli: backfill on the embedded database', () => {
  let t: TestDatabase
  const dir = mkdtempSync(join(tmpdir(), 'dm-bf-cli-'))
  beforeAll(async () => {
    t = await createTestDatabase('pglite')
    const db = await t.open()
    await db.exec("CREATE TABLE customers (id int PRIMARY KEY, created_at date NOT NULL, lifetime_total int NOT NULL, tier text); INSERT INTO customers SELECT g, date '2022-06-01' + (g % 700), g % 1000, NULL FROM generate_series(1, 3000) g")
    await db.close()
  })
  afterAll(async () => {
    await t?.destroy()
  })

  it('--json gives the documented document; the report names the batches', async () => {
    const args = ['backfill', '--table', 'customers', '--column', 'tier', '--set', "CASE WHEN lifetime_total > 900 THEN 'platinum' ELSE 'bronze' END", '--range', '2023-01-01:2024-01-01', '--batch-size', '500', '--database', t.url]
    const r = await runCli([...args, '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['table', 'column', 'range', 'rowsInRange', 'rowsUpdated', 'batches', 'distribution', 'validation', 'resumedFrom']))
    expect(j).toMatchObject({ table: 'customers', column: 'tier', range: { column: 'created_at' }, resumedFrom: null, validation: { remaining: 0 } })
    expect((j.batches as { index: number; fromKey: unknown; toKey: unknown; rows: number; durationMs: number; status: string }[])[0]).toMatchObject({ index: 1, fromKey: null, toKey: 500, status: 'ok' })
    const again = await runCli(args, { cwd: dir })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^# Backfill: customers\.tier/)
    expect(again.stdout).toMatch(/\| Backfill batch 1\/6 \| start → 500 \| 0 \|/)
  })

  it('exit 2 with a clear message for a --set of the wrong type, before any write', async () => {
    const r = await runCli(['backfill', '--table', 'customers', '--column', 'lifetime_total', '--set', 'now()', '--database', t.url], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/BACKFILL_INVALID: the backfill cannot run: .*timestamp with time zone/)
  })
})
