/**
 * `npm run bench`: every benchmark in turn, each in its own process (so memory figures are its own).
 * Needs the PostgreSQL server (BENCH_DATABASE_URL, default 127.0.0.1:5432/test) and psql on PATH.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

const here = import.meta.dirname
for (const [file, ...args] of [['csv-scan.ts'], ['generate.ts'], ['run.ts', '--pglite'], ['plan.ts'], ['backfill.ts']] as const) {
  process.stdout.write(`\n== bench/${file} ${args.join(' ')}\n`)
  execFileSync(process.execPath, ['--import', 'tsx', join(here, file), ...args], { stdio: 'inherit' })
}
