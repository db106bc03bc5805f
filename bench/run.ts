/**
 * Benchmark of `run`: the generated 1,000,000-row orders migration applied with `data-migrate run` (pre-flight,
 * load, validation, history, in one transaction) vs `psql -f` of the same forward file, in the same run, on the
 * server. Also the same `run` on the embedded database (PGlite) for orientation.
 *
 *   node --import tsx bench/run.ts [--rows 1000000] [--pglite]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'

const ROOT = resolve(import.meta.dirname, '..')
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] ?? 1_000_000) || 1_000_000
const BIN = join(ROOT, 'bin', 'data-migrate.js')
const env = { ...process.env }
delete env.NODE_OPTIONS

const data = join(ROOT, 'bench', 'data', `orders-${rows}.csv`)
if (!existsSync(data)) {
  mkdirSync(join(ROOT, 'bench', 'data'), { recursive: true })
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'gen-orders.ts'), data, String(rows)], { stdio: 'inherit' })
}
const work = mkdtempSync(join(tmpdir(), 'dm-bench-run-'))
const out = join(work, 'migrations')
execFileSync(process.execPath, [BIN, 'generate', '--source', data, '--table', 'bench_run', '--out', out, '--json'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })
const forward = join(out, readdirSync(out).find((f) => /_create_bench_run\.sql$/.test(f))!)

const psql = (...a: string[]): void => {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', SERVER, ...a], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
const reset = (): void =>
  psql('-c', "DROP TABLE IF EXISTS public.bench_run; DO $$ BEGIN IF to_regclass('data_migrate.history') IS NOT NULL THEN DELETE FROM data_migrate.history WHERE name LIKE '%_create_bench_run'; END IF; END $$")

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const runs: { psql: number; run: number; steps: { name: string; durationMs: number }[] }[] = []
for (let k = 0; k < 3; k++) {
  reset()
  let t = performance.now()
  psql('-f', forward)
  const p = performance.now() - t
  reset()
  t = performance.now()
  const r = spawnSync(process.execPath, [BIN, 'run', '--migration', forward, '--database', SERVER, '--json'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`run failed: ${r.stderr}\n${r.stdout.slice(0, 2000)}`)
  runs.push({ psql: p, run: ms, steps: (JSON.parse(r.stdout) as { steps: { name: string; durationMs: number }[] }).steps })
}
reset()
const p = median(runs.map((r) => r.psql))
const rr = median(runs.map((r) => r.run))
const steps = runs[runs.length - 1]!.steps
const load = steps.filter((s) => s.name.startsWith('Load') || s.name.startsWith('CREATE') || s.name.startsWith('ANALYZE')).reduce((a, s) => a + s.durationMs, 0)
const pre = steps.filter((s) => s.name.startsWith('Pre-check')).reduce((a, s) => a + s.durationMs, 0)
const val = steps.filter((s) => s.name.startsWith('Post-validation')).reduce((a, s) => a + s.durationMs, 0)
console.log(`# run benchmark (${rows.toLocaleString('en-US')} rows, server)\n`)
console.log(`psql -f forward file: ${(p / 1000).toFixed(2)} s`)
console.log(`data-migrate run:     ${(rr / 1000).toFixed(2)} s → ratio ${(rr / p).toFixed(2)}× (target ≤ 1.2×), ${Math.round(rows / (rr / 1000)).toLocaleString('en-US')} rows/s`)
console.log(`  of which pre-flight ${pre.toFixed(0)} ms, load ${(load / 1000).toFixed(2)} s, validation ${(val / 1000).toFixed(2)} s, process start + report the rest`)

if (args.includes('--pglite')) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-bench-pglite-'))
  const t = performance.now()
  const r = spawnSync(process.execPath, [BIN, 'run', '--migration', forward, '--database', `pglite:${join(dir, 'db')}`, '--json'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 })
  const ms = performance.now() - t
  console.log(`embedded (PGlite, first run incl. initdb): ${(ms / 1000).toFixed(1)} s, ${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s, status ${r.status === 0 ? 'ok' : `failed: ${r.stderr.slice(0, 300)}`}`)
  rmSync(dir, { recursive: true, force: true })
}
rmSync(work, { recursive: true, force: true })
