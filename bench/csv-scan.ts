/**
 * The hand-written scanner alone (no inference) vs papaparse's streaming parser on the same file, same run.
 *
 *   node --import tsx bench/csv-scan.ts [--rows 1000000]
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import Papa from 'papaparse'
import { CsvScanner } from '../src/csv/scanner.js'
import type { RecordSink } from '../src/csv/record.js'

const ROOT = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] ?? 1_000_000) || 1_000_000
const file = join(ROOT, 'bench', 'data', `orders-${rows}.csv`)
if (!existsSync(file)) {
  mkdirSync(join(ROOT, 'bench', 'data'), { recursive: true })
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'gen-orders.ts'), file, String(rows)], { stdio: 'inherit' })
}
const mb = statSync(file).size / 1e6

async function ours(): Promise<number> {
  let n = 0
  const sink: RecordSink = { record: () => void n++ }
  const s = new CsvScanner({ delimiter: 44, quote: 34, escape: 34, file }, sink)
  const t = performance.now()
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) s.push(c as Buffer)
  s.end()
  return performance.now() - t
}

function papa(): Promise<number> {
  return new Promise((res) => {
    const t = performance.now()
    let n = 0
    Papa.parse(createReadStream(file, { highWaterMark: 1 << 20 }) as unknown as File, {
      step: () => void n++,
      complete: () => res(performance.now() - t),
    })
  })
}

const a = Math.min(await ours(), await ours())
const b = Math.min(await papa(), await papa())
console.log(`# CSV scan (${mb.toFixed(0)} MB)\n`)
console.log(`data-migrate scanner: ${(mb / (a / 1000)).toFixed(0)} MB/s`)
console.log(`papaparse (streaming): ${(mb / (b / 1000)).toFixed(0)} MB/s → ours is ${(b / a).toFixed(2)}× as fast`)
