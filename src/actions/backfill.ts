/**
 * `backfill`: fill a column over a range in keyset batches on the primary key, each batch its own short
 * transaction (lock_timeout, statement_timeout) that also checkpoints its progress, sized to a target duration,
 * throttled, retried, resumable after a crash, and validated at the end. Only rows whose value differs are
 * written, so a second run writes nothing.
 */
import { createHash } from 'node:crypto'
import type { Database } from '../db/database.js'
import { resolveTarget } from '../db/connect.js'
import { isRetryable, sqlstateOf, SQLSTATE } from '../db/sqlstate.js'
import { DataMigrateError } from '../errors.js'
import { quoteIdent } from '../sql/quote.js'
import { createBatchSizer } from '../backfill/batch-size.js'

export interface BackfillOptions {
  readonly table: string
  readonly column: string
  /** SQL expression for the new value; may use other columns and subqueries. */
  readonly set: string
  /** Half-open range `from:to` (or `from..to` when values contain ':') on `rangeColumn`. */
  readonly range?: string
  readonly rangeColumn?: string
  /** Extra SQL filter. */
  readonly where?: string
  /** Fixed batch size; adaptive when undefined. */
  readonly batchSize?: number
  readonly targetBatchMs?: number
  readonly sleepMs?: number
  readonly lockTimeoutMs?: number
  readonly statementTimeoutMs?: number
  /** Attempts of a batch after a lock timeout, deadlock or serialization failure. */
  readonly retries?: number
  readonly throttleOn?: string
  readonly maxReplicaLagMs?: number
  readonly pauseOnAutovacuum?: boolean
  readonly dryRun?: boolean
  readonly restart?: boolean
  readonly database?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
  readonly onEvent?: (e: BackfillEvent) => void
  readonly signal?: AbortSignal
}

export interface BackfillBatch {
  readonly index: number
  readonly fromKey: unknown
  readonly toKey: unknown
  readonly rows: number
  readonly durationMs: number
  readonly status: 'ok' | 'retried' | 'failed'
}

export interface BackfillResult {
  readonly table: string
  readonly column: string
  readonly range: { readonly column: string; readonly from: string; readonly to: string } | null
  readonly rowsInRange: number
  readonly rowsUpdated: number
  readonly batches: readonly BackfillBatch[]
  readonly distribution: readonly { value: string | null; count: number; percentage: number }[]
  readonly validation: { readonly remaining: number; readonly ok: boolean; readonly check: string }
  readonly resumedFrom: unknown
  readonly status: 'done' | 'dry-run' | 'paused' | 'aborted'
  readonly durationMs: number
  readonly database: string
  readonly dryRun?: { readonly batchSize: number; readonly estimatedBatches: number; readonly estimatedSeconds: number | null; readonly sampleBatchMs: number | null }
  readonly health: readonly string[]
  readonly error?: { readonly code: string; readonly message: string }
}

export type BackfillEvent =
  | { readonly type: 'start'; readonly total: number; readonly resumedFrom: unknown }
  | { readonly type: 'batch'; readonly batch: BackfillBatch; readonly done: number; readonly total: number; readonly size: number }
  | { readonly type: 'waiting'; readonly reason: string }
  | { readonly type: 'retry'; readonly attempt: number; readonly reason: string }

function invalid(message: string, hint: string): DataMigrateError {
  return new DataMigrateError('BACKFILL_INVALID', message, { hint })
}

function qualified(table: string): string {
  return table.split('.').map(quoteIdent).join('.')
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Split `from:to` / `from..to`. */
export function parseRange(text: string): { from: string; to: string } {
  const dots = text.indexOf('..')
  if (dots > 0) return { from: text.slice(0, dots).trim(), to: text.slice(dots + 2).trim() }
  const parts = text.split(':')
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
    throw invalid(`--range "${text}" is not "from:to"`, 'write --range "2023-01-01:2024-01-01" (half-open), or from..to when the values contain ":"')
  }
  return { from: parts[0]!.trim(), to: parts[1]!.trim() }
}

interface Target {
  readonly key: readonly string[]
  readonly keyTypes: readonly string[]
  readonly columnType: string
  readonly rangeColumn?: string
}

/** Check the table, column, key, range column and expression before any write. */
async function inspect(db: Database, o: BackfillOptions): Promise<Target> {
  const rel = await db.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [qualified(o.table)])
  const oid = rel.rows[0]?.oid
  if (!oid) throw invalid(`table ${o.table} does not exist`, 'check --table (schema.table for another schema)')
  const cols = await db.query<{ name: string; type: string; notnull: boolean }>(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS notnull FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [oid],
  )
  const col = cols.rows.find((c) => c.name === o.column)
  if (!col) throw invalid(`column ${o.column} does not exist in ${o.table}`, `columns: ${cols.rows.map((c) => c.name).join(', ')}`)
  // The key: the primary key, else a unique index on NOT NULL columns.
  const idx = await db.query<{ cols: string[]; primary: boolean }>(
    `SELECT array_to_json(array_agg(a.attname::text ORDER BY k.ord)) AS cols, i.indisprimary AS primary
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
      GROUP BY i.indexrelid, i.indisprimary ORDER BY i.indisprimary DESC, count(*)`, [oid],
  )
  const keyed = idx.rows.find((r) => r.primary || r.cols.every((c) => cols.rows.find((x) => x.name === c)?.notnull))
  if (!keyed) throw invalid(`${o.table} has no primary key or unique NOT NULL key to batch on`, 'add a primary key (or a unique index on NOT NULL columns) first')
  const keyTypes = keyed.cols.map((k) => cols.rows.find((c) => c.name === k)!.type)
  let rangeColumn = o.rangeColumn
  if (o.range !== undefined && rangeColumn === undefined) {
    const temporal = cols.rows.filter((c) => /^(date|timestamp)/.test(c.type))
    if (temporal.length !== 1) throw invalid('--range needs --range-column', `the table has ${temporal.length} date/timestamp columns${temporal.length ? `: ${temporal.map((c) => c.name).join(', ')}` : ''}`)
    rangeColumn = temporal[0]!.name
  }
  if (rangeColumn !== undefined && !cols.rows.some((c) => c.name === rangeColumn)) throw invalid(`range column ${rangeColumn} does not exist in ${o.table}`, 'check --range-column')
  // The expression must parse and have a type the column accepts: plan the UPDATE, write nothing.
  await db.exec('BEGIN')
  try {
    await db.query(`EXPLAIN UPDATE ${qualified(o.table)} SET ${quoteIdent(o.column)} = (${o.set}) WHERE false${o.where ? ` AND (${o.where})` : ''}`)
    if (o.range !== undefined) {
      const { from, to } = parseRange(o.range)
      const t = cols.rows.find((c) => c.name === rangeColumn)!.type
      const r = await db.query<{ ok: boolean }>(`SELECT $1::${t} < $2::${t} AS ok`, [from, to])
      if (!r.rows[0]?.ok) throw invalid(`--range "${o.range}" is empty or inverted`, 'the range is half-open [from, to): from must be before to')
    }
  } catch (e) {
    if (e instanceof DataMigrateError && e.code === 'BACKFILL_INVALID') throw e
    throw invalid(`the backfill cannot run: ${(e as Error).message}`, 'check --set (an expression of the column type), --where and --range; nothing was written')
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined)
  }
  return { key: keyed.cols, keyTypes, columnType: col.type, ...(rangeColumn !== undefined && { rangeColumn }) }
}

const CHECKPOINT_DDL = `
CREATE SCHEMA IF NOT EXISTS data_migrate;
CREATE TABLE IF NOT EXISTS data_migrate.backfills (
  job text PRIMARY KEY, table_name text NOT NULL, column_name text NOT NULL, set_expr text NOT NULL, range_text text,
  where_sql text, status text NOT NULL, last_key jsonb, rows_updated bigint NOT NULL DEFAULT 0, batches int NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz
);`

/** The advisory lock key of a job (two backfills of the same job never run at once). */
function jobLockKey(job: string): number {
  return Number.parseInt(job.slice(0, 12), 16) // 48 bits: a safe integer
}

/**
 * Run a backfill.
 *
 * ```ts
 * const r = await backfill({ table: 'customers', column: 'tier', set: "CASE … END", range: '2023-01-01:2024-01-01' })
 * ```
 */
export async function backfill(o: BackfillOptions): Promise<BackfillResult> {
  const target = resolveTarget({ database: o.database, env: o.env ?? process.env, cwd: o.cwd ?? process.cwd() })
  const db = await target.open({ applicationName: 'data-migrate backfill' })
  try {
    return await backfillOn(db, target.display, o)
  } finally {
    await db.close()
  }
}

/** Run a backfill on an open session (used by `run` for backfill steps of a migration file). */
export async function backfillOn(db: Database, display: string, o: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now()
  const emit = o.onEvent ?? (() => undefined)
  const target = { display }
  const health: string[] = []
  {
    const t = await inspect(db, o)
    const table = qualified(o.table)
    const col = quoteIdent(o.column)
    const keyList = t.key.map(quoteIdent).join(', ')
    const keyRow = t.key.length === 1 ? quoteIdent(t.key[0]!) : `(${keyList})`
    const range = o.range !== undefined ? parseRange(o.range) : undefined
    const params: unknown[] = []
    const rangeSql = range && t.rangeColumn ? (params.push(range.from, range.to), `${quoteIdent(t.rangeColumn)} >= $1 AND ${quoteIdent(t.rangeColumn)} < $2`) : 'true'
    const filter = `${rangeSql}${o.where ? ` AND (${o.where})` : ''}`
    const todo = `${filter} AND ${col} IS DISTINCT FROM (${o.set})`
    const job = createHash('sha256').update([o.table, o.column, o.set, o.range ?? '', t.rangeColumn ?? '', o.where ?? ''].join('\0')).digest('hex')
    const countRange = async (): Promise<number> => Number((await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${table} WHERE ${filter}`, params)).rows[0]?.n ?? 0)
    const rowsInRange = await countRange()

    // Key placeholders after the range parameters.
    const n0 = params.length
    const keyParams = (base: number): string => (t.key.length === 1 ? `$${base + 1}` : `(${t.key.map((_, i) => `$${base + i + 1}`).join(', ')})`)
    const keyValues = (row: Record<string, unknown>): unknown[] => t.key.map((k) => row[k])

    if (o.dryRun) {
      const sizer = createBatchSizer({ targetMs: o.targetBatchMs ?? 200, ...(o.batchSize !== undefined && { fixed: o.batchSize }) })
      // Time one batch in a transaction that is rolled back.
      let sampleMs: number | null = null
      await db.exec('BEGIN')
      try {
        const t0 = performance.now()
        const r = await db.query(`UPDATE ${table} SET ${col} = (${o.set}) WHERE ${keyRow} IN (SELECT ${keyList} FROM ${table} WHERE ${todo} ORDER BY ${keyList} LIMIT ${sizer.size})`, params)
        sampleMs = r.rowCount > 0 ? performance.now() - t0 : null
      } finally {
        await db.exec('ROLLBACK')
      }
      const remaining = Number((await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${table} WHERE ${todo}`, params)).rows[0]?.n ?? 0)
      const rate = sampleMs !== null ? sizer.size / sampleMs : null
      const estimatedBatches = rate !== null && o.batchSize === undefined ? Math.ceil(remaining / Math.max(1, rate * (o.targetBatchMs ?? 200))) : Math.ceil(remaining / sizer.size)
      return {
        table: o.table, column: o.column, range: range && t.rangeColumn ? { column: t.rangeColumn, ...range } : null, rowsInRange, rowsUpdated: 0, batches: [],
        distribution: [], validation: { remaining, ok: remaining === 0, check: `rows in range whose ${o.column} differs from the expression` },
        resumedFrom: null, status: 'dry-run', durationMs: Date.now() - started, database: target.display, health,
        dryRun: { batchSize: sizer.size, estimatedBatches, estimatedSeconds: rate !== null ? Math.round((remaining / rate) / 10) / 100 + estimatedBatches * ((o.sleepMs ?? 0) / 1000) : null, sampleBatchMs: sampleMs },
      }
    }

    await db.exec(CHECKPOINT_DDL)
    const lock = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [jobLockKey(job)])
    if (!lock.rows[0]?.ok) {
      throw new DataMigrateError('LOCK_BUSY', `another backfill of ${o.table}.${o.column} with the same expression and range is running`, { hint: 'wait for it, or stop it; it resumes from its checkpoint' })
    }
    if (o.restart) await db.query('DELETE FROM data_migrate.backfills WHERE job = $1', [job])
    const cp = (await db.query<{ last_key: unknown[] | null; status: string; rows_updated: number; batches: number }>('SELECT last_key, status, rows_updated, batches FROM data_migrate.backfills WHERE job = $1', [job])).rows[0]
    let last: unknown[] | null = cp && cp.status !== 'done' ? cp.last_key : null
    const resumedFrom = last ? (last.length === 1 ? last[0] : last) : null
    if (!cp || cp.status === 'done') {
      await db.query(
        `INSERT INTO data_migrate.backfills (job, table_name, column_name, set_expr, range_text, where_sql, status) VALUES ($1, $2, $3, $4, $5, $6, 'running')
         ON CONFLICT (job) DO UPDATE SET status = 'running', last_key = NULL, rows_updated = 0, batches = 0, started_at = now(), finished_at = NULL`,
        [job, o.table, o.column, o.set, o.range ?? null, o.where ?? null],
      )
    } else await db.query(`UPDATE data_migrate.backfills SET status = 'running', updated_at = now() WHERE job = $1`, [job])
    emit({ type: 'start', total: rowsInRange, resumedFrom })

    const sizer = createBatchSizer({ targetMs: o.targetBatchMs ?? 200, ...(o.batchSize !== undefined && { fixed: o.batchSize }) })
    const lockTimeout = o.lockTimeoutMs ?? 2000
    const stmtTimeout = o.statementTimeoutMs ?? Math.max(30_000, (o.targetBatchMs ?? 200) * 50)
    const batches: BackfillBatch[] = []
    let updated = 0
    let status: BackfillResult['status'] = 'done'
    let error: BackfillResult['error']
    const retries = o.retries ?? 3
    if (db.kind === 'pglite' && (o.throttleOn || o.maxReplicaLagMs !== undefined || o.pauseOnAutovacuum)) health.push('health gates (replica lag, autovacuum) are not available on the embedded database; --throttle-on is checked')
    outer: for (let index = 1; ; index++) {
      if (o.signal?.aborted) {
        status = 'aborted'
        break
      }
      await waitForHealth(db, o, emit, health)
      // The batch's upper key: an index-only lookup of the key `size` rows on.
      const after = last ? `WHERE ${keyRow} > ${keyParams(0)}` : ''
      const hiRow = await db.query<Record<string, unknown>>(`SELECT ${keyList} FROM ${table} ${after} ORDER BY ${keyList} OFFSET ${sizer.size - 1} LIMIT 1`, last ?? [])
      let hi: unknown[] | null = hiRow.rows[0] ? keyValues(hiRow.rows[0]) : null
      if (!hi) {
        const maxRow = (await db.query<Record<string, unknown>>(`SELECT ${keyList} FROM ${table} ${after} ORDER BY ${keyList} DESC LIMIT 1`, last ?? [])).rows[0]
        if (!maxRow) break
        hi = keyValues(maxRow)
      }
      for (let attempt = 0; ; attempt++) {
        const t0 = performance.now()
        try {
          await db.exec('BEGIN')
          if (db.kind === 'postgres') await db.exec(`SET LOCAL lock_timeout = '${lockTimeout}ms'; SET LOCAL statement_timeout = '${stmtTimeout}ms'`)
          const bounds = [...params, ...(last ?? []), ...hi]
          const lowSql = last ? `${keyRow} > ${keyParams(n0)} AND ` : ''
          const hiBase = n0 + (last ? t.key.length : 0)
          const r = await db.query(`UPDATE ${table} SET ${col} = (${o.set}) WHERE ${lowSql}${keyRow} <= ${keyParams(hiBase)} AND ${todo}`, bounds)
          await db.query(`UPDATE data_migrate.backfills SET last_key = $2::jsonb, rows_updated = rows_updated + $3, batches = batches + 1, updated_at = now() WHERE job = $1`, [job, JSON.stringify(hi), r.rowCount])
          await db.exec('COMMIT')
          const ms = performance.now() - t0
          updated += r.rowCount
          sizer.observe(sizer.size, ms)
          const b: BackfillBatch = { index, fromKey: last ? (last.length === 1 ? last[0] : last) : null, toKey: hi.length === 1 ? hi[0] : hi, rows: r.rowCount, durationMs: Math.round(ms), status: attempt > 0 ? 'retried' : 'ok' }
          batches.push(b)
          emit({ type: 'batch', batch: b, done: updated, total: rowsInRange, size: sizer.size })
          last = hi
          break
        } catch (e) {
          await db.exec('ROLLBACK').catch(() => undefined)
          const code = sqlstateOf(e)
          if (o.signal?.aborted || code === SQLSTATE.queryCanceled && o.signal?.aborted) {
            status = 'aborted'
            break outer
          }
          if ((isRetryable(e) || code === SQLSTATE.queryCanceled) && attempt < retries) {
            sizer.timedOut()
            emit({ type: 'retry', attempt: attempt + 1, reason: (e as Error).message })
            await sleep(200 * 2 ** attempt)
            continue
          }
          status = 'paused'
          error = { code: code === SQLSTATE.lockNotAvailable ? 'LOCK_TIMEOUT' : 'BACKFILL_PAUSED', message: `batch ${index} failed after ${attempt + 1} attempt(s): ${(e as Error).message}` }
          batches.push({ index, fromKey: last ? (last.length === 1 ? last[0] : last) : null, toKey: hi.length === 1 ? hi[0] : hi, rows: 0, durationMs: Math.round(performance.now() - t0), status: 'failed' })
          break outer
        }
      }
      if (o.sleepMs) await sleep(o.sleepMs)
    }
    await db.query(`UPDATE data_migrate.backfills SET status = $2, updated_at = now(), finished_at = CASE WHEN $2 = 'done' THEN now() END WHERE job = $1`, [job, status === 'done' ? 'done' : status])
    const remaining = Number((await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${table} WHERE ${todo}`, params)).rows[0]?.n ?? 0)
    const dist = await db.query<{ value: string | null; count: number; total: number }>(
      `SELECT ${col}::text AS value, count(*)::bigint AS count, sum(count(*)) OVER ()::bigint AS total FROM ${table} WHERE ${filter} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12`, params,
    )
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [jobLockKey(job)]).catch(() => undefined)
    return {
      table: o.table,
      column: o.column,
      range: range && t.rangeColumn ? { column: t.rangeColumn, ...range } : null,
      rowsInRange,
      rowsUpdated: updated,
      batches,
      distribution: dist.rows.map((d) => ({ value: d.value, count: Number(d.count), percentage: Number(d.total) > 0 ? Math.round((1000 * Number(d.count)) / Number(d.total)) / 10 : 0 })),
      validation: { remaining, ok: remaining === 0, check: `rows in range whose ${o.column} differs from the expression` },
      resumedFrom,
      status,
      durationMs: Date.now() - started,
      database: target.display,
      health,
      ...(error && { error }),
    }
  }
}

/** Pause (never abort) while a health gate says so; the progress line hears why. */
async function waitForHealth(db: Database, o: BackfillOptions, emit: (e: BackfillEvent) => void, health: string[]): Promise<void> {
  for (;;) {
    const reasons: string[] = []
    if (o.throttleOn) {
      const r = await db.query<Record<string, unknown>>(o.throttleOn)
      const v = r.rows[0] ? Object.values(r.rows[0])[0] : false
      if (v === true || v === 't') reasons.push(`--throttle-on holds`)
    }
    if (db.kind === 'postgres' && o.maxReplicaLagMs !== undefined) {
      const r = await db.query<{ lag: number | null }>(`SELECT (extract(epoch FROM max(replay_lag)) * 1000)::float8 AS lag FROM pg_stat_replication`)
      const lag = r.rows[0]?.lag
      if (lag !== null && lag !== undefined && lag > o.maxReplicaLagMs) reasons.push(`replica lag ${Math.round(lag)}ms > ${o.maxReplicaLagMs}ms`)
    }
    if (db.kind === 'postgres' && o.pauseOnAutovacuum) {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_progress_vacuum WHERE relid = to_regclass($1)`, [qualified(o.table)])
      if ((r.rows[0]?.n ?? 0) > 0) reasons.push('autovacuum is working on the table')
    }
    if (reasons.length === 0) return
    const why = reasons.join('; ')
    if (!health.includes(`paused: ${why}`)) health.push(`paused: ${why}`)
    emit({ type: 'waiting', reason: why })
    if (o.signal?.aborted) return
    await sleep(1000)
  }
}
