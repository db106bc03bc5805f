/**
 * A backfill step inside a migration file, run by `data-migrate run` as its own (non-transactional) step:
 *
 *   -- data-migrate:backfill --table customers --column tier --set "CASE WHEN … END" --range "2023-01-01:2024-01-01"
 *
 * The arguments are the `backfill` command's flags, on one comment line, quoted like a shell command ("…" or '…',
 * backslash escapes the next character). Pure.
 */
import { DataMigrateError } from '../errors.js'
import type { BackfillOptions } from '../actions/backfill.js'

/** Split a command line into words, honouring quotes. */
export function shellWords(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let inWord = false
  let q: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (q) {
      if (c === q) q = undefined
      else if (c === '\\' && q === '"' && i + 1 < text.length) cur += text[++i]
      else cur += c
    } else if (c === '"' || c === "'") {
      q = c
      inWord = true
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += c
      inWord = true
    }
  }
  if (q) throw new Error(`unterminated ${q} quote`)
  if (inWord) out.push(cur)
  return out
}

const NUMERIC = new Set(['batch-size', 'target-batch-ms', 'sleep-ms'])
const TEXT = new Set(['table', 'column', 'set', 'range', 'range-column', 'where'])

/** Parse the arguments of a `-- data-migrate:backfill` line. */
export function parseBackfillDirective(args: string, where: { file: string; line: number }): Omit<BackfillOptions, 'database'> {
  const fail = (msg: string): DataMigrateError => new DataMigrateError('BACKFILL_INVALID', msg, {
    where, hint: 'write: -- data-migrate:backfill --table t --column c --set "expression" [--range "from:to"] [--range-column col] [--where "sql"] [--batch-size N] [--target-batch-ms N] [--sleep-ms N]',
  })
  let words: string[]
  try {
    words = shellWords(args)
  } catch (e) {
    throw fail(`backfill step: ${(e as Error).message}`)
  }
  const o: Record<string, string | number> = {}
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!w.startsWith('--')) throw fail(`backfill step: unexpected "${w}"`)
    const name = w.slice(2)
    const value = words[++i]
    if (value === undefined) throw fail(`backfill step: ${w} needs a value`)
    if (NUMERIC.has(name)) {
      if (!/^\d+$/.test(value)) throw fail(`backfill step: ${w} must be a whole number`)
      o[name] = Number(value)
    } else if (TEXT.has(name)) o[name] = value
    else throw fail(`backfill step: unknown option ${w}`)
  }
  for (const required of ['table', 'column', 'set']) if (o[required] === undefined) throw fail(`backfill step: --${required} is required`)
  return {
    table: String(o.table),
    column: String(o.column),
    set: String(o.set),
    ...(o.range !== undefined && { range: String(o.range) }),
    ...(o['range-column'] !== undefined && { rangeColumn: String(o['range-column']) }),
    ...(o.where !== undefined && { where: String(o.where) }),
    ...(o['batch-size'] !== undefined && { batchSize: Number(o['batch-size']) }),
    ...(o['target-batch-ms'] !== undefined && { targetBatchMs: Number(o['target-batch-ms']) }),
    ...(o['sleep-ms'] !== undefined && { sleepMs: Number(o['sleep-ms']) }),
  }
}
