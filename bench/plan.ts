/**
 * `plan` speed on a 500-statement migration (static and with a database), and the accuracy of its duration
 * estimates on a table of a few million rows: each statement is planned, then run in a transaction that is rolled
 * back, and the ratio estimate / real is printed (target: within 2×).
 *
 *   node --import tsx bench/plan.ts [--rows 3000000]
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plan } from '../src/actions/plan.js'
import { PgDatabase } from '../src/db/pg.js'

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] ?? 3_000_000) || 3_000_000
const dir = mkdtempSync(join(tmpdir(), 'dm-bench-plan-'))

const db = await PgDatabase.connect(SERVER)
await db.exec(`DROP TABLE IF EXISTS bench_plan; CREATE TABLE bench_plan (id int PRIMARY KEY, customer_id int, total numeric(10,2), status text, note text);
  INSERT INTO bench_plan SELECT g, g % 50000, (g % 100000) / 100.0, (ARRAY['paid','shipped','new'])[1 + g % 3], 'n' || g FROM generate_series(1, ${rows}) g;
  ANALYZE bench_plan;`)

// 500 statements touching 50 tables (static) — the tables need not exist for a static plan.
const lines: string[] = ["SET lock_timeout = '2s';"]
for (let i = 0; i < 499; i++) {
  const t = `t${i % 50}`
  lines.push([
    `ALTER TABLE ${t} ADD COLUMN c${i} text;`,
    `CREATE INDEX CONCURRENTLY i${i} ON ${t} (c${i});`,
    `ALTER TABLE ${t} ADD CONSTRAINT k${i} CHECK (c${i} <> '') NOT VALID;`,
    `UPDATE ${t} SET c${i} = 'x' WHERE id = ${i};`,
    `ALTER TABLE ${t} ALTER COLUMN c${i} TYPE varchar(50);`,
  ][i % 5]!)
}
const big = join(dir, 'big.sql')
writeFileSync(big, lines.join('\n'))
await plan({ migration: big, cwd: dir }) // warm the parser
let t = performance.now()
await plan({ migration: big, cwd: dir })
const staticMs = performance.now() - t
await db.exec(Array.from({ length: 50 }, (_, k) => `DROP TABLE IF EXISTS t${k}; CREATE TABLE t${k} (id int PRIMARY KEY);`).join('\n'))
t = performance.now()
await plan({ migration: big, cwd: dir, database: SERVER })
const liveMs = performance.now() - t
console.log('# plan benchmark\n')
console.log(`500 statements, static: ${staticMs.toFixed(0)} ms (target < 1000 ms); with a database: ${liveMs.toFixed(0)} ms (target < 3000 ms)`)

console.log(`\nestimates on bench_plan (${rows.toLocaleString('en-US')} rows) vs the real time (run, then rolled back):`)
const cases = [
  'CREATE INDEX bench_plan_customer ON bench_plan (customer_id)',
  'ALTER TABLE bench_plan ALTER COLUMN customer_id TYPE bigint',
  'ALTER TABLE bench_plan ADD CONSTRAINT total_pos CHECK (total >= 0)',
  "UPDATE bench_plan SET status = 'paid'",
  'DELETE FROM bench_plan',
]
for (const sql of cases) {
  const f = join(dir, 'one.sql')
  writeFileSync(f, `${sql};\n`)
  const p = await plan({ migration: f, cwd: dir, database: SERVER })
  const est = p.estimatedSeconds ?? 0
  await db.exec('BEGIN')
  const t0 = performance.now()
  await db.exec(sql)
  const real = (performance.now() - t0) / 1000
  await db.exec('ROLLBACK')
  const ratio = est / real
  console.log(`${sql.padEnd(68)} estimate ${est.toFixed(2)} s, real ${real.toFixed(2)} s → ${ratio.toFixed(2)}× ${ratio >= 0.5 && ratio <= 2 ? '(within 2×)' : '(outside 2×)'}`)
}
await db.exec('DROP TABLE IF EXISTS bench_plan;' + Array.from({ length: 50 }, (_, k) => `DROP TABLE IF EXISTS t${k};`).join(''))
await db.close()
