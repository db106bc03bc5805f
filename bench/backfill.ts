/**
 * `backfill` vs one plain `UPDATE … SET col = expr` of the same rows, same data, same run (server).
 * Prints the ratio (target ≤ 1.2×), batch-duration percentiles and rows/s.
 *
 *   node --import tsx bench/backfill.ts [--rows 1000000]
 */
import { backfill } from '../src/actions/backfill.js'
import { PgDatabase } from '../src/db/pg.js'

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] ?? 1_000_000) || 1_000_000
const SET = "CASE WHEN lifetime_total > 900 THEN 'platinum' WHEN lifetime_total > 600 THEN 'gold' ELSE 'bronze' END"

const db = await PgDatabase.connect(SERVER)
const reset = async (): Promise<void> => {
  await db.exec(`DROP TABLE IF EXISTS bench_backfill; CREATE TABLE bench_backfill (id int PRIMARY KEY, created_at date, lifetime_total numeric, tier text);
    INSERT INTO bench_backfill SELECT g, date '2022-01-01' + (g % 900), g % 1000, NULL FROM generate_series(1, ${rows}) g;
    DELETE FROM data_migrate.backfills WHERE table_name = 'bench_backfill';`)
  await db.exec('VACUUM ANALYZE bench_backfill')
}
await db.exec('CREATE SCHEMA IF NOT EXISTS data_migrate; CREATE TABLE IF NOT EXISTS data_migrate.backfills (job text PRIMARY KEY, table_name text NOT NULL, column_name text NOT NULL, set_expr text NOT NULL, range_text text, where_sql text, status text NOT NULL, last_key jsonb, rows_updated bigint NOT NULL DEFAULT 0, batches int NOT NULL DEFAULT 0, started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)')

const single: number[] = []
const bf: number[] = []
let last: Awaited<ReturnType<typeof backfill>> | undefined
for (let k = 0; k < 2; k++) {
  await reset()
  let t = performance.now()
  await db.exec(`UPDATE bench_backfill SET tier = ${SET} WHERE tier IS DISTINCT FROM (${SET})`)
  single.push(performance.now() - t)
  await reset()
  t = performance.now()
  last = await backfill({ table: 'bench_backfill', column: 'tier', set: SET, database: SERVER })
  bf.push(performance.now() - t)
}
await db.exec('DROP TABLE IF EXISTS bench_backfill')
await db.close()
const s = Math.min(...single)
const b = Math.min(...bf)
const d = last!.batches.map((x) => x.durationMs).sort((x, y) => x - y)
const p = (q: number): number => d[Math.min(d.length - 1, Math.floor(q * d.length))]!
console.log(`# backfill benchmark (${rows.toLocaleString('en-US')} rows, server)\n`)
console.log(`single UPDATE: ${(s / 1000).toFixed(2)} s`)
console.log(`backfill:      ${(b / 1000).toFixed(2)} s → ratio ${(b / s).toFixed(2)}× (target ≤ 1.2×), ${Math.round(rows / (b / 1000)).toLocaleString('en-US')} rows/s, ${d.length} batches`)
console.log(`batch duration: p50 ${p(0.5)} ms (target 200), p95 ${p(0.95)} ms, max ${d.at(-1)} ms (target < 500)`)
