import { describe, it, expect, beforeAll } from 'vitest'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runCli } from '../helpers/cli.js'

const ROOT = resolve(import.meta.dirname, '../..')
const FIX = join(ROOT, 'test/fixtures/generate')

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dm-gen-cli-'))
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true })
  cpSync(FIX, join(dir, 'fx'), { recursive: true })
  return dir
}

describe('cli: generate', () => {
  let dir: string
  beforeAll(() => {
    dir = workdir()
  })

  it('writes the three files and prints the "# Migration Generated" report', async () => {
    const r = await runCli(['generate', '--source', 'examples/orders.csv', '--target', 'postgres', '--table', 'orders'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^# Migration Generated/)
    expect(r.stdout).toContain('**Target:** PostgreSQL / public.orders')
    const files = readdirSync(join(dir, 'migrations')).sort()
    expect(files).toHaveLength(3)
    expect(files[0]).toMatch(/^\d{14}_create_orders\.sql$/)
    expect(files[1]).toMatch(/^\d{14}_create_orders_rollback\.sql$/)
    expect(files[2]).toMatch(/^\d{14}_create_orders_validate\.sql$/)
    expect(r.stdout).toContain(`psql -v ON_ERROR_STOP=1 -d mydb -f migrations/${files[0]}`)
    expect(r.stdout).toContain('row count: 500')
  })

  it('--json gives the documented document', async () => {
    const out = mkdtempSync(join(dir, 'json-'))
    const r = await runCli(['generate', '--source', 'examples/orders.csv', '--table', 'orders', '--out', out, '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as {
      source: string; target: string; table: string; rows: number
      dialect: { encoding: string; delimiter: string; quote: string; header: boolean; lineEnding: string }
      columns: { name: string; sourceName: string; type: string; nullable: boolean; nulls: number; distinct: number; min: unknown; max: unknown }[]
      primaryKey: string; files: { forward: string; rollback: string; validate: string }
    }
    expect(j).toMatchObject({ source: 'examples/orders.csv', target: 'postgres', table: 'orders', rows: 500, primaryKey: 'order_id' })
    expect(j.dialect).toMatchObject({ encoding: 'utf-8', delimiter: ',', quote: '"', header: true, lineEnding: 'LF' })
    const types = Object.fromEntries(j.columns.map((c) => [c.name, c.type]))
    expect(types).toMatchObject({
      order_date: 'date',
      created_at: 'timestamp with time zone',
      status: 'text',
      email: 'text',
      is_gift: 'boolean',
      zip_code: 'text',
      note: 'text',
      tracking_uuid: 'uuid',
    })
    expect(types.total).toMatch(/^numeric\(\d+,2\)$/)
    expect(['smallint', 'integer', 'bigint']).toContain(types.order_id)
    expect(j.columns.find((c) => c.name === 'order_id')).toMatchObject({ sourceName: 'Order ID', nullable: false, nulls: 0, distinct: 500, min: '1001', max: '1500' })
    for (const f of Object.values(j.files)) expect(existsSync(resolve(dir, f))).toBe(true)
  })

  const bad: [string, string[], RegExp, RegExp][] = [
    ['a ragged row', ['--source', 'fx/ragged.csv', '--table', 't'], /CSV_RAGGED_ROW/, /ragged\.csv:3\b/],
    ['an unterminated quote', ['--source', 'fx/unterminated.csv', '--table', 't'], /CSV_UNTERMINATED_QUOTE/, /unterminated\.csv:2\b/],
    ['an empty file', ['--source', 'fx/empty.csv', '--table', 't'], /CSV_EMPTY/, /empty\.csv/],
    ['binary data', ['--source', 'fx/binary.csv', '--table', 't'], /CSV_BINARY/, /binary\.csv:2\b/],
    ['a missing file', ['--source', 'fx/nope.csv', '--table', 't'], /FILE_NOT_FOUND/, /nope\.csv/],
    ['an invalid table name', ['--source', 'examples/orders.csv', '--table', 'Robert"); DROP TABLE students;--'], /INVALID_IDENTIFIER/, /table/i],
  ]
  for (const [what, args, code, where] of bad) {
    it(`exits 2 on ${what}, naming the place, and writes nothing`, async () => {
      const out = join(dir, `bad-${code.source}`)
      const r = await runCli(['generate', ...args, '--out', out], { cwd: dir })
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(code)
      expect(r.stderr).toMatch(where)
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3)
      expect(existsSync(out)).toBe(false)
    })
  }

  it('exits 2 on an unreadable path', async () => {
    const p = join(dir, 'secret.csv')
    writeFileSync(p, 'a\n1\n')
    chmodSync(p, 0o000)
    const r = await runCli(['generate', '--source', 'secret.csv', '--table', 't', '--out', 'unread'], { cwd: dir })
    // root can read anything: only assert when the file really is unreadable for this user
    if (process.getuid?.() !== 0) {
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/FILE_UNREADABLE/)
    }
    chmodSync(p, 0o644)
    const d = join(dir, 'a-directory.csv')
    cpSync(join(dir, 'fx'), d, { recursive: true })
    const r2 = await runCli(['generate', '--source', 'a-directory.csv', '--table', 't', '--out', 'unread2'], { cwd: dir })
    expect(r2.code).toBe(2)
    expect(r2.stderr).toMatch(/FILE_UNREADABLE/)
    expect(existsSync(join(dir, 'unread2'))).toBe(false)
  })

  it('never splices user text into SQL unquoted', async () => {
    const out = join(dir, 'quoting')
    writeFileSync(join(dir, 'evil.csv'), 'id,"a""b; DROP TABLE x;--",select\n1,"it\'s",x\n2,y,z\n')
    const r = await runCli(['generate', '--source', 'evil.csv', '--table', 'evil', '--out', out, '--json'], { cwd: dir })
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { files: { forward: string }; columns: { name: string }[] }
    const names = j.columns.map((c) => c.name)
    expect(names[1]).toMatch(/^a_b_drop_table_x/)
    expect(names[2]).not.toBe('select')
    const fwd = readFileSync(resolve(dir, j.files.forward), 'utf8')
    expect(fwd).not.toMatch(/DROP TABLE x/)
  })
})

describe('cli: generate on both cores', () => {
  it('a large file is profiled in parallel with the same result as one thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dm-gen-par-'))
    const { execFileSync } = await import('node:child_process')
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/gen-orders.ts'), join(dir, 'big.csv'), '130000'], { cwd: ROOT })
    const one = await runCli(['generate', '--source', 'big.csv', '--table', 'big', '--out', 'one', '--json'], { cwd: dir, env: { DATA_MIGRATE_THREADS: '1' } })
    const two = await runCli(['generate', '--source', 'big.csv', '--table', 'big', '--out', 'two', '--json'], { cwd: dir })
    expect(one.code).toBe(0)
    expect(two.code).toBe(0)
    const strip = (s: string): unknown => {
      const j = JSON.parse(s) as Record<string, unknown>
      delete j.files
      delete j.durationMs
      return j
    }
    expect(strip(two.stdout)).toEqual(strip(one.stdout))
    expect((JSON.parse(two.stdout) as { rows: number }).rows).toBe(130000)
  }, 60_000)
})
