/**
 * Primary key choice: a never-null column whose values are all distinct, preferring key-like names (`id`,
 * `<table>_id`, `*_id`, `uuid`, `code`) and integer or uuid types. Pure.
 */
import type { InferredColumn } from './model.js'
import { DataMigrateError } from '../errors.js'

const KEY_TYPES = new Set(['smallint', 'integer', 'bigint', 'uuid'])

function nameScore(name: string, table: string | undefined): number {
  if (name === 'id') return 100
  if (table && (name === `${table}_id` || name === `${table.replace(/s$/, '')}_id`)) return 90
  if (/_id$/.test(name)) return 60
  if (/(^|_)uuid$/.test(name)) return 50
  if (/(^|_)(code|key|nr|no|number)$/.test(name)) return 40
  return 0
}

/**
 * The primary key's column name, or undefined. `forced` is `--primary-key`: `none`, or a column (SQL or
 * header name) that must be never null and unique, else `INVALID_OPTION`.
 */
export function choosePrimaryKey(columns: readonly InferredColumn[], table: string | undefined, forced: string | undefined, rows: number): string | undefined {
  if (forced === 'none') return undefined
  if (forced !== undefined) {
    const c = columns.find((x) => x.name === forced || x.sourceName === forced)
    if (!c) {
      throw new DataMigrateError('INVALID_OPTION', `--primary-key ${forced}: no such column`, { hint: `columns are: ${columns.map((x) => x.name).join(', ')}` })
    }
    if (c.stats.nulls > 0) {
      throw new DataMigrateError('INVALID_OPTION', `--primary-key ${forced}: the column has ${c.stats.nulls} null value(s)`, { hint: 'choose a column with a value in every row, or --primary-key none' })
    }
    if (!c.stats.unique) {
      throw new DataMigrateError('INVALID_OPTION', `--primary-key ${forced}: the column has repeated values`, { hint: 'choose a column whose values are all distinct, or --primary-key none' })
    }
    return c.name
  }
  if (rows === 0) return undefined
  let best: { name: string; score: number } | undefined
  for (const c of columns) {
    if (!c.stats.unique || c.stats.nulls > 0) continue
    if (!['smallint', 'integer', 'bigint', 'uuid', 'text', 'varchar', 'numeric', 'date'].includes(c.type.kind)) continue
    const byName = nameScore(c.name, table)
    // Without a key-like name, only an integer/uuid first column qualifies (a unique 'name' column is luck).
    if (byName === 0 && !(c.index === 0 && KEY_TYPES.has(c.type.kind))) continue
    const score = byName + (KEY_TYPES.has(c.type.kind) ? 20 : 0) + (c.stats.uniqueExact ? 5 : 0) - c.index / 100
    if (!best || score > best.score) best = { name: c.name, score }
  }
  return best?.name
}
