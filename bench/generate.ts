/**
 * Benchmark of `generate`: the inference pass (MB/s, peak RSS, RSS on a 10× file) and the load of the generated
 * forward file with psql against a plain `psql \copy` of the same file into the same table, in the same run.
 *
 *   node --import tsx bench/generate.ts [--rows 1000000] [--big]      (--big also measures a 10× file for RSS)
 *
 * Needs the PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and psql.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'

const ROOT = resolve(import.meta.dirname, '..')
const DATA = join(ROOT, 'bench', 'data')
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] ?? 1_000_000) || 1_000_000
const big = args.includes('--big')

function dataFile(n: number, variant: 'plain' | 'conversions'): string {
  mkdirSync(DATA, { recursive: true })
  const path = join(DATA, `orders-${n}${variant === 'conversions' ? '-conv' : ''}.csv`)
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path} …\n`)
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'gen-orders.ts'), path, String(n), ...(variant === 'conversions' ? ['--variant', 'conversions'] : [])], { stdio: 'inherit', cwd: ROOT })
  }
  return path
}

/** Run `generate` in a child process (so its RSS is its own) and return time, peak RSS and the output dir. */
function runGenerate(file: string, table: string): { ms: number; rssMB: number; out: string; strategy: string } {
  const out = mkdtempSync(join(tmpdir(), 'dm-bench-gen-'))
  const script = `
    import { generate } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))}
    const t = performance.now()
    const r = await generate({ source: ${JSON.stringify(file)}, table: ${JSON.stringify(table)}, out: ${JSON.stringify(join(out, 'm'))}, cwd: ${JSON.stringify(ROOT)} })
    const ms = performance.now() - t
    console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, strategy: r.load.strategy }))`
  const scriptFile = join(out, 'measure.mjs')
  writeFileSync(scriptFile, script)
  const env = { ...process.env }
  delete env.NODE_OPTIONS // the bench runs under tsx; the measured child runs the built package alone
  const res = spawnSync(process.execPath, [scriptFile], { encoding: 'utf8', maxBuffer: 1 << 26, env })
  if (res.status !== 0) throw new Error(`generate failed: ${res.stderr}`)
  const parsed = JSON.parse(res.stdout.trim().split('\n').pop()!) as { ms: number; rssMB: number; strategy: string }
  return { ...parsed, out }
}

function psql(sql: string): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', SERVER, '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] })
}

function timePsqlFile(file: string): number {
  const t = performance.now()
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', SERVER, '-f', file], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT })
  return performance.now() - t
}

/** The reference: the same CREATE TABLE, then one plain `\copy` of the file, timed together. */
function timePlainCopy(forwardFile: string, table: string, csv: string, delimiter: string): number {
  const fwd = readFileSync(forwardFile, 'utf8')
  const create = /CREATE TABLE [\s\S]*?\n\);/.exec(fwd)![0]
  psql(`DROP TABLE IF EXISTS public.${table}`)
  const t = performance.now()
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', SERVER, '-c', create, '-c', `\\copy public.${table} FROM '${csv}' WITH (FORMAT csv, HEADER true, DELIMITER '${delimiter}')`], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT })
  return performance.now() - t
}

function forwardOf(out: string): string {
  const dir = join(out, 'm')
  const f = readdirSync(dir).find((n) => /_create_.*\.sql$/.test(n) && !/_(rollback|validate)\.sql$/.test(n))!
  return join(dir, f)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const plain = dataFile(rows, 'plain')
const conv = dataFile(rows, 'conversions')
const mb = statSync(plain).size / 1e6

console.log(`# generate benchmark (${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB)\n`)
const g = [runGenerate(plain, 'bench_orders'), runGenerate(plain, 'bench_orders')]
const best = g.reduce((a, b) => (a.ms < b.ms ? a : b))
console.log(`inference pass: ${(best.ms / 1000).toFixed(2)} s = ${(mb / (best.ms / 1000)).toFixed(0)} MB/s, peak RSS ${best.rssMB.toFixed(0)} MB (load: ${best.strategy})`)

// The load: the generated forward file with psql vs a plain \copy of the same file into the same table.
const runs: { fwd: number; ref: number }[] = []
for (let k = 0; k < 3; k++) {
  psql('DROP TABLE IF EXISTS public.bench_orders')
  const fwd = timePsqlFile(forwardOf(best.out))
  const ref = timePlainCopy(forwardOf(best.out), 'bench_orders', plain, ',')
  runs.push({ fwd, ref })
}
const fwdMs = median(runs.map((r) => r.fwd))
const refMs = median(runs.map((r) => r.ref))
console.log(`load, no conversion: forward file ${(fwdMs / 1000).toFixed(2)} s vs plain \\copy ${(refMs / 1000).toFixed(2)} s → ratio ${(fwdMs / refMs).toFixed(2)}× (target ≤ 1.15×), ${(mb / (fwdMs / 1000)).toFixed(0)} MB/s`)

const c = runGenerate(conv, 'bench_orders_conv')
const convMb = statSync(conv).size / 1e6
console.log(`inference pass (conversions variant): ${(c.ms / 1000).toFixed(2)} s = ${(convMb / (c.ms / 1000)).toFixed(0)} MB/s (load: ${c.strategy})`)
const convRuns: { fwd: number; ref: number }[] = []
for (let k = 0; k < 3; k++) {
  psql('DROP TABLE IF EXISTS public.bench_orders_conv')
  const fwd = timePsqlFile(forwardOf(c.out))
  // Reference for the converted file: the same table loaded from the plain (ISO) file with one \copy.
  const ref = timePlainCopy(forwardOf(c.out), 'bench_orders_conv', plain, ',')
  convRuns.push({ fwd, ref })
}
const cf = median(convRuns.map((r) => r.fwd))
const cr = median(convRuns.map((r) => r.ref))
console.log(`load, with conversions (day-first dates, decimal comma, ';'): forward file ${(cf / 1000).toFixed(2)} s vs plain \\copy of the ISO file ${(cr / 1000).toFixed(2)} s → ratio ${(cf / cr).toFixed(2)}×`)
psql('DROP TABLE IF EXISTS public.bench_orders; DROP TABLE IF EXISTS public.bench_orders_conv')

if (big) {
  const bigFile = dataFile(rows * 10, 'plain')
  const b = runGenerate(bigFile, 'bench_orders_big')
  const bigMb = statSync(bigFile).size / 1e6
  console.log(`10× file (${bigMb.toFixed(0)} MB): ${(b.ms / 1000).toFixed(1)} s = ${(bigMb / (b.ms / 1000)).toFixed(0)} MB/s, peak RSS ${b.rssMB.toFixed(0)} MB (vs ${best.rssMB.toFixed(0)} MB at 1×)`)
  rmSync(b.out, { recursive: true, force: true })
}
for (const x of [...g, c]) rmSync(x.out, { recursive: true, force: true })
