import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BIN, runCli } from '../helpers/cli.js'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'

const ROOT = resolve(import.meta.dirname, '../..')

describe('cli: the newcomer path on the embedded database', () => {
  it('generate then run --dir then status, with reports and exit codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-cli-run-'))
    cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true })
    expect((await runCli(['generate', '--source', 'examples/orders.csv', '--table', 'orders'], { cwd: dir })).code).toBe(0)
    const r = await runCli(['run', '--dir', 'migrations'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^# Migration Execution: \d{14}_create_orders/)
    expect(r.stdout).toContain('**Status:** ✅ SUCCESS')
    expect(r.stdout).toMatch(/\| Load public\.orders \(\\copy, line \d+\) — 500 rows \| \d+ms \| ✅ \|/)
    expect(r.stdout).toContain('| row count | 500 | ✅ 500 |')
    const s = await runCli(['status', '--json'], { cwd: dir })
    expect(JSON.parse(s.stdout).counts).toMatchObject({ applied: 1, pending: 0 })
    const again = await runCli(['run', '--migration', `migrations/${readdirSync(join(dir, 'migrations')).find((f) => /orders\.sql$/.test(f))}`, '--json'], { cwd: dir })
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/ALREADY_APPLIED/)
  })
})

for (const backend of BACKENDS) {
  describe(`${backend}: cli run signals and exit codes`, () => {
    let t: TestDatabase
    let dir: string
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      dir = mkdtempSync(join(tmpdir(), 'dm-cli-sig-'))
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('exit 1 with the statement line when a statement fails; --json is one document', async () => {
      mkdirSync(join(dir, 'm1'))
      writeFileSync(join(dir, 'm1/001_bad.sql'), 'CREATE TABLE a (x int);\nINSERT INTO a VALUES (1/0);\n')
      writeFileSync(join(dir, 'm1/001_bad_rollback.sql'), 'DROP TABLE IF EXISTS a;\n')
      const r = await runCli(['run', '--migration', 'm1/001_bad.sql', '--database', t.url, '--json'], { cwd: dir })
      expect(r.code).toBe(1)
      const j = JSON.parse(r.stdout) as { status: string; error: { line: number; message: string }; steps: { name: string; status: string }[] }
      expect(j).toMatchObject({ status: 'failed', error: { line: 2 } })
      expect(j.error.message).toMatch(/division by zero/)
    })

    it('SIGINT during a long statement cancels it, rolls back, records the attempt as aborted, exits non-zero', async () => {
      mkdirSync(join(dir, 'm2'))
      writeFileSync(join(dir, 'm2/002_slow.sql'), 'CREATE TABLE slow (x int);\nSELECT pg_sleep(30);\n')
      writeFileSync(join(dir, 'm2/002_slow_rollback.sql'), 'DROP TABLE IF EXISTS slow;\n')
      const child = spawn(process.execPath, [BIN, 'run', '--migration', 'm2/002_slow.sql', '--database', t.url, '--json'], { cwd: dir })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      const started = Date.now()
      await new Promise((r) => setTimeout(r, 2500))
      child.kill('SIGINT')
      const code = await new Promise<number | null>((r) => child.on('close', r))
      expect(Date.now() - started).toBeLessThan(20_000)
      expect(code).toBe(1)
      expect(JSON.parse(out)).toMatchObject({ status: 'aborted', error: { code: 'ABORTED' } })
      const db = await t.open()
      try {
        expect((await db.query(`SELECT to_regclass('slow')::text AS t`)).rows).toEqual([{ t: null }])
        expect((await db.query(`SELECT status FROM data_migrate.history WHERE name = '002_slow'`)).rows).toEqual([{ status: 'aborted' }])
      } finally {
        await db.close()
      }
    })
  
    it('SIGKILL of the process leaves the database as before the run', async () => {
      mkdirSync(join(dir, 'm3'))
      writeFileSync(join(dir, 'm3/003_killed.sql'), 'CREATE TABLE killed (x int);\nINSERT INTO killed VALUES (1);\nSELECT pg_sleep(30);\n')
      writeFileSync(join(dir, 'm3/003_killed_rollback.sql'), 'DROP TABLE IF EXISTS killed;\n')
      const child = spawn(process.execPath, [BIN, 'run', '--migration', 'm3/003_killed.sql', '--database', t.url], { cwd: dir })
      await new Promise((r) => setTimeout(r, 2500))
      child.kill('SIGKILL')
      await new Promise((r) => child.on('close', r))
      // The server rolls the open transaction back; PGlite's lock file is stale and its WAL replays on open.
      const db = await t.open()
      try {
        expect((await db.query(`SELECT to_regclass('killed')::text AS t`)).rows).toEqual([{ t: null }])
      } finally {
        await db.close()
      }
    }, 90_000)
  })
}
