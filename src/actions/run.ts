/**
 * `run`: execute migrations safely. Pre-flight (lock, history, already applied, preconditions, blockers), a
 * baseline, every transactional statement with the loads and the validation in one transaction (lock_timeout
 * always set, retried with backoff), non-transactional statements as their own steps, built-in post-checks and
 * a history row. Nothing is half-applied: any failure rolls back and is recorded.
 */
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { Database, DatabaseTarget } from '../db/database.js'
import { resolveTarget } from '../db/connect.js'
import { isRetryable, sqlstateOf, SQLSTATE, wrapDbError } from '../db/sqlstate.js'
import { DataMigrateError, isDataMigrateError } from '../errors.js'
import { readMigration, listMigrations, type MigrationFile } from '../migration/files.js'
import { parseScript } from '../sql/parse.js'
import { quoteIdent } from '../sql/quote.js'
import { openSource } from '../csv/source.js'
import { acquireSessionLock, RUN_LOCK_KEY, type LockHolder } from '../run/advisory-lock.js'
import { ensureHistory, appliedRow, insertHistory, latestByName } from '../run/history.js'
import { planUnits, type Unit, type Work } from '../run/plan-steps.js'
import { tableName, type TableRef } from '../run/classify.js'
import { VERSION } from '../version.js'
import { watchProgress, type ServerProgress } from '../run/progress-reader.js'
import { backfillOn } from './backfill.js'

export interface RunOptions {
  /** One migration file. */
  readonly migration?: string
  /** A directory: every pending migration, in order. */
  readonly dir?: string
  readonly database?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
  readonly rollback?: string
  readonly validate?: string
  /** lock_timeout for every statement (default 5000 ms). */
  readonly lockTimeoutMs?: number
  /** Attempts after a lock timeout (default 5). */
  readonly retries?: number
  /** How long to wait for another run's lock (default 10 s). */
  readonly lockWaitMs?: number
  readonly dryRun?: boolean
  readonly allowNoRollback?: boolean
  readonly onEvent?: (e: RunEvent) => void
  readonly signal?: AbortSignal
}

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'warning'

export interface RunStep {
  readonly name: string
  readonly durationMs: number
  readonly status: StepStatus
  readonly detail?: string
}

export interface ValidationRow {
  readonly check: string
  readonly expected: string
  readonly actual: string
  readonly ok: boolean
}

export interface Distribution {
  readonly table: string
  readonly column: string
  readonly rows: readonly { value: string | null; count: number; percentage: number }[]
}

export interface MigrationRun {
  readonly name: string
  readonly file: string
  readonly status: 'applied' | 'failed' | 'aborted' | 'dry-run' | 'partial'
  readonly dryRun: boolean
  readonly database: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly steps: readonly RunStep[]
  readonly validation: readonly ValidationRow[]
  readonly distributions: readonly Distribution[]
  readonly baseline: Readonly<Record<string, number>>
  readonly historyId: number | null
  readonly rowsLoaded: number
  readonly error?: { readonly code: string; readonly message: string; readonly statement?: string; readonly line?: number; readonly hint?: string }
}

export interface RunResult {
  readonly status: 'success' | 'failed' | 'nothing-to-do'
  readonly database: string
  readonly migrations: readonly MigrationRun[]
}

export type RunEvent =
  | { readonly type: 'step-start'; readonly name: string }
  | { readonly type: 'step-end'; readonly step: RunStep }
  | { readonly type: 'copy-start'; readonly name: string; readonly totalBytes: number | undefined }
  | { readonly type: 'copy-progress'; readonly bytes: number }
  | { readonly type: 'copy-end' }
  | { readonly type: 'lock-wait'; readonly holders: readonly LockHolder[] }
  | { readonly type: 'retry'; readonly attempt: number; readonly waitMs: number; readonly reason: string }
  | { readonly type: 'migration-start'; readonly name: string }
  | { readonly type: 'server-progress'; readonly step: string; readonly progress: ServerProgress }

class StepLog {
  readonly steps: RunStep[] = []
  constructor(private readonly emit: (e: RunEvent) => void) {}

  /** Time `fn` as a step; a thrown error marks it failed and propagates. */
  async run<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
    this.emit({ type: 'step-start', name })
    const t = performance.now()
    try {
      const v = await fn()
      const d = detail?.(v)
      this.add({ name, durationMs: performance.now() - t, status: 'ok', ...(d !== undefined && { detail: d }) })
      return v
    } catch (e) {
      this.add({ name, durationMs: performance.now() - t, status: 'failed', detail: (e as Error).message })
      throw e
    }
  }

  add(step: RunStep): void {
    this.steps.push(step)
    this.emit({ type: 'step-end', step })
  }
}

/** Qualified, quoted name of a table reference. */
function qualified(t: TableRef): string {
  return t.schema ? `${quoteIdent(t.schema)}.${quoteIdent(t.name)}` : quoteIdent(t.name)
}

async function tableExists(db: Database, t: TableRef): Promise<boolean> {
  const r = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [qualified(t)])
  return r.rows[0]?.t != null
}

async function columnExists(db: Database, t: TableRef, column: string): Promise<boolean> {
  const r = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped',
    [qualified(t), column],
  )
  return (r.rows[0]?.n ?? 0) > 0
}

/** Stream a `\copy` source: a file (gunzipped when compressed) or a program's standard output. */
function copySourceStream(work: Extract<Work, { kind: 'copy' }>, cwd: string): { stream: AsyncIterable<Uint8Array>; total?: number; done: () => Promise<void> } {
  const src = work.copy.source
  if (src.kind === 'file') {
    const path = resolve(cwd, src.path)
    let total: number | undefined
    try {
      total = statSync(path).size
    } catch {
      throw new DataMigrateError('FILE_NOT_FOUND', `\\copy source ${src.path} does not exist`, {
        where: { line: work.line },
        hint: 'paths in \\copy are relative to the directory data-migrate run is started from (as with psql)',
      })
    }
    return { stream: openSource(path), total, done: async () => undefined }
  }
  const child = spawn('sh', ['-c', src.command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? 1)))
  return {
    stream: child.stdout as Readable,
    done: async () => {
      const code = await exited
      if (code !== 0) {
        throw new DataMigrateError('MIGRATION_FAILED', `\\copy PROGRAM '${src.command}' exited with ${code}: ${stderr.trim().slice(0, 200)}`, { where: { line: work.line } })
      }
    },
  }
}

interface Attempt {
  db: Database
  validation: ValidationRow[]
  rowsLoaded: number
  /** Distributions of columns filled by backfill steps. */
  filled: Distribution[]
}

/** Run one unit's work on `db` (inside or outside a transaction: the caller decides). */
async function runWork(work: Work, a: Attempt, log: StepLog, opts: { cwd: string; emit: (e: RunEvent) => void; file: string; target: DatabaseTarget; signal?: AbortSignal }): Promise<void> {
  // Long steps: the server's own progress, read from a second connection (server only).
  const watched = work.kind === 'copy' || (work.kind === 'sql' && work.facts.createsIndex !== undefined) || (work.kind === 'sql' && /^(INSERT|UPDATE|DELETE|VACUUM|REINDEX|CLUSTER)/i.test(work.stmt.text.trim()))
  const stop = watched ? watchProgress(opts.target, a.db.backendPid, (progress) => opts.emit({ type: 'server-progress', step: work.label, progress })) : undefined
  try {
    await runWorkInner(work, a, log, opts)
  } finally {
    await stop?.()
  }
}

async function runWorkInner(work: Work, a: Attempt, log: StepLog, opts: { cwd: string; emit: (e: RunEvent) => void; file: string; target: DatabaseTarget; signal?: AbortSignal }): Promise<void> {
  if (work.kind === 'backfill') {
    // Batches commit one by one; the log shows the first and last few and a summary step.
    const r = await backfillOn(a.db, opts.target.display, { ...work.options, ...(opts.signal !== undefined && { signal: opts.signal }) })
    const n = r.batches.length
    const shown = n > 10 ? [...r.batches.slice(0, 5), ...r.batches.slice(-5)] : r.batches
    shown.forEach((b, k) => {
      if (n > 10 && k === 5) log.add({ name: '...', durationMs: 0, status: 'ok', detail: `${n - 10} more batches` })
      log.add({ name: `Backfill batch ${b.index}/${n}`, durationMs: b.durationMs, status: b.status === 'failed' ? 'failed' : 'ok', detail: `${b.rows.toLocaleString('en-US')} rows` })
    })
    a.filled.push({ table: work.options.table, column: work.options.column, rows: r.distribution })
    a.validation.push({ check: `${work.options.table}.${work.options.column} filled (rows left to fill)`, expected: '0', actual: String(r.validation.remaining), ok: r.validation.ok })
    log.add({ name: `${work.label} — ${r.rowsUpdated.toLocaleString('en-US')} rows in ${n} batches`, durationMs: r.durationMs, status: r.status === 'done' ? 'ok' : 'failed', ...(r.error && { detail: r.error.message }) })
    if (r.status !== 'done') throw new DataMigrateError(r.error?.code === 'LOCK_TIMEOUT' ? 'LOCK_TIMEOUT' : 'BACKFILL_PAUSED', r.error?.message ?? `backfill ${r.status}`, { where: { file: opts.file, line: work.line }, hint: 'run the migration again: the backfill resumes from its checkpoint' })
    return
  }
  if (work.kind === 'copy') {
    await log.run(work.label, async () => {
      const src = copySourceStream(work, opts.cwd)
      opts.emit({ type: 'copy-start', name: work.label, totalBytes: src.total })
      try {
        const rows = await a.db.copyFrom(work.copy.spec, src.stream, (p) => opts.emit({ type: 'copy-progress', bytes: p.bytes }))
        await src.done()
        a.rowsLoaded += rows
        return rows
      } finally {
        opts.emit({ type: 'copy-end' })
      }
    }, (rows) => `${rows.toLocaleString('en-US')} rows`)
    return
  }
  await log.run(work.label, async () => {
    try {
      const results = await a.db.exec(work.stmt.text)
      for (const r of results) collectValidation(r.rows, r.fields.map((f) => f.name), a.validation)
      return results.at(-1)?.rowCount
    } catch (e) {
      const err = wrapDbError(e, { file: opts.file, line: work.stmt.line, statement: work.stmt.index })
      throw err
    }
  }, (n) => (work.facts.fills.length > 0 || /^(INSERT|DELETE|UPDATE)/i.test(work.stmt.text.trim()) ? `${(n ?? 0).toLocaleString('en-US')} rows` : undefined))
}

/** Rows shaped `(check, expected, actual, ok)` are validation results, whoever produced them. */
function collectValidation(rows: readonly Record<string, unknown>[], fields: readonly string[], out: ValidationRow[]): void {
  if (!fields.includes('check') || !fields.includes('ok')) return
  for (const r of rows) {
    out.push({ check: String(r.check), expected: String(r.expected ?? ''), actual: String(r.actual ?? ''), ok: r.ok === true })
  }
}

function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 8000)
}

/** Execute a migration file on an open session. */
async function runOne(mig: MigrationFile, target: DatabaseTarget, session: { db: Database }, options: RunOptions, emit: (e: RunEvent) => void, preSteps: readonly RunStep[]): Promise<MigrationRun> {
  const started = new Date()
  const cwd = options.cwd ?? process.cwd()
  const dryRun = options.dryRun ?? false
  const log = new StepLog(emit)
  for (const s of preSteps) log.add(s)
  const db = (): Database => session.db
  const file = mig.path
  const baseline: Record<string, number> = {}
  const attempt: Attempt = { db: db(), validation: [], rowsLoaded: 0, filled: [] }
  const distributions: Distribution[] = []
  let historyId: number | null = null
  const completed: string[] = []
  emit({ type: 'migration-start', name: mig.name })

  const script = await parseScript(mig.text, file)
  const units = planUnits(script, file, db().serverVersion)
  const validateScript = mig.validate ? await parseScript(mig.validate.text, mig.validate.path) : undefined
  const validateUnits = validateScript ? planUnits(validateScript, mig.validate!.path, db().serverVersion) : []
  if (validateUnits.some((u) => !u.transactional)) {
    throw new DataMigrateError('SQL_UNSUPPORTED', 'the validation file holds a statement that cannot run in a transaction', { where: { file: mig.validate!.path }, hint: 'validation queries must be plain SELECTs (and DO blocks)' })
  }
  const allWork = units.flatMap((u) => u.work)

  // Pre-flight
  await log.run('Pre-check: history table', () => ensureHistory(db()))
  const previous = await log.run('Pre-check: not applied yet', async () => {
    const row = await appliedRow(db(), mig.name)
    if (row?.status === 'applied') {
      if (row.checksum === mig.checksum) {
        throw new DataMigrateError('ALREADY_APPLIED', `${mig.name} was already applied (history id ${row.id}, ${row.finished_at})`, {
          where: { file }, hint: 'nothing to do; write a new migration for further changes',
        })
      }
      throw new DataMigrateError('CHECKSUM_DRIFT', `${mig.name} changed since it was applied (history id ${row.id}): checksum ${row.checksum.slice(0, 12)}… now ${mig.checksum.slice(0, 12)}…`, {
        where: { file }, hint: 'an applied migration must not be edited; restore it and put the change in a new migration',
      })
    }
    return row
  }, (row) => (row?.status === 'partial' ? `resuming after ${row.completed.length} committed step(s) of attempt ${row.id}` : undefined))
  const resumeAfter = new Set(previous?.status === 'partial' ? previous.completed : [])
  // Work committed by an earlier (partial) attempt is not checked again: its tables exist by now.
  const done = new Set(units.filter((u) => resumeAfter.has(u.hash)).flatMap((u) => u.work))

  const created = new Set<string>()
  for (const w of allWork) {
    if (w.kind !== 'sql') continue
    if (done.has(w)) {
      for (const t of [...w.facts.creates, ...w.facts.createsIfMissing]) created.add(tableName(t))
      continue
    }
    for (const t of w.facts.creates) {
      await log.run(`Pre-check: table ${tableName(t)} does not exist`, async () => {
        if (await tableExists(db(), t)) throw new DataMigrateError('PRECONDITION_FAILED', `table ${tableName(t)} already exists`, { where: { file, line: w.stmt.line, table: tableName(t) }, hint: 'it was created before: check `data-migrate status`, or drop it if it is a leftover' })
      })
      created.add(tableName(t))
    }
    for (const t of w.facts.createsIfMissing) created.add(tableName(t))
    for (const t of w.facts.alters) {
      if (created.has(tableName(t))) continue
      await log.run(`Pre-check: table ${tableName(t)} exists`, async () => {
        if (!(await tableExists(db(), t))) throw new DataMigrateError('PRECONDITION_FAILED', `table ${tableName(t)} does not exist`, { where: { file, line: w.stmt.line, table: tableName(t) }, hint: 'run the migration that creates it first' })
      })
    }
    for (const a of w.facts.addsColumns) {
      if (a.ifNotExists || created.has(tableName(a.table))) continue
      await log.run(`Pre-check: column ${tableName(a.table)}.${a.column} does not exist`, async () => {
        if (await columnExists(db(), a.table, a.column)) throw new DataMigrateError('PRECONDITION_FAILED', `column ${a.column} already exists in ${tableName(a.table)}`, { where: { file, line: w.stmt.line, table: tableName(a.table) }, hint: 'the change may already be applied by hand' })
      })
    }
  }
  const touched = new Map<string, TableRef>()
  for (const w of allWork) {
    if (w.kind !== 'sql') continue
    for (const t of [...w.facts.alters, ...w.facts.fills.map((f) => f.table)]) if (!created.has(tableName(t))) touched.set(tableName(t), t)
  }
  if (db().kind === 'postgres' && touched.size > 0) {
    await warnBlockers(db(), [...touched.values()], log)
  }
  if (touched.size > 0) {
    await log.run('Capture baseline', async () => {
      for (const [name, t] of touched) {
        const r = await db().query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${qualified(t)}`)
        baseline[name] = Number(r.rows[0]?.n ?? 0)
      }
    }, () => Object.entries(baseline).map(([k, v]) => `${k}: ${v.toLocaleString('en-US')} rows`).join(', '))
  }

  // Execution
  const lockTimeout = options.lockTimeoutMs ?? 5000
  const retries = options.retries ?? 5
  await db().exec(`SET lock_timeout = '${Math.max(0, Math.round(lockTimeout))}ms'`)
  const lastTx = units.reduce((k, u, i) => (u.transactional ? i : k), -1)
  const validateInline = validateUnits.length > 0 && lastTx === units.length - 1
  const finalUnits: Unit[] = [...units]
  if (validateUnits.length > 0 && !validateInline) finalUnits.push({ transactional: true, work: validateUnits.flatMap((u) => u.work), hash: 'validate' })
  const lastTxIndex = finalUnits.reduce((k, u, i) => (u.transactional ? i : k), -1)
  let failure: DataMigrateError | undefined
  let aborted = false
  const onAbort = (): void => {
    aborted = true
    void session.db.cancel().catch(() => undefined)
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (let i = 0; i < finalUnits.length; i++) {
      const unit = finalUnits[i]!
      if (resumeAfter.has(unit.hash)) {
        log.add({ name: (unit.work[0] as Work).label, durationMs: 0, status: 'skipped', detail: 'committed by an earlier attempt' })
        completed.push(unit.hash)
        continue
      }
      if (!unit.transactional) {
        if (dryRun) {
          log.add({ name: `${unit.work[0]!.label} — cannot run in a transaction`, durationMs: 0, status: 'skipped', detail: 'dry run: not executed' })
          continue
        }
        await runWork(unit.work[0]!, attempt, log, { cwd, emit, file, target, ...(options.signal !== undefined && { signal: options.signal }) })
        completed.push(unit.hash)
        await postCheckIndex(db(), unit.work[0]!, log)
        continue
      }
      // A transactional unit, retried as a whole on lock timeouts.
      for (let k = 0; ; k++) {
        const mark = log.steps.length
        const valMark = attempt.validation.length
        try {
          await db().exec('BEGIN')
          for (const w of unit.work) await runWork(w, attempt, log, { cwd, emit, file, target })
          if (i === lastTxIndex && validateInline) {
            await log.run('Post-validation', async () => {
              for (const w of validateUnits.flatMap((u) => u.work)) {
                if (w.kind !== 'sql') continue
                try {
                  const results = await db().exec(w.stmt.text)
                  for (const r of results) collectValidation(r.rows, r.fields.map((f) => f.name), attempt.validation)
                } catch (e) {
                  throw wrapDbError(e, { file: mig.validate!.path, line: w.stmt.line }, 'VALIDATION_FAILED')
                }
              }
            }, () => `${attempt.validation.filter((v) => v.ok).length}/${attempt.validation.length} checks passed`)
          }
          if (i === lastTxIndex) {
            await builtInChecks(db(), allWork, created, baseline, attempt, log)
            for (const w of allWork) if (w.kind === 'sql') for (const f of w.facts.fills) distributions.push(await distribution(db(), f.table, f.column))
          }
          if (i === lastTxIndex && !dryRun && !finalUnits.slice(i + 1).some((u) => !u.transactional)) {
            historyId = await insertHistory(db(), {
              name: mig.name, checksum: mig.checksum, status: 'applied', startedAt: started, finishedAt: new Date(),
              steps: log.steps, completed, baseline, validation: attempt.validation, toolVersion: VERSION,
            })
          }
          await db().exec(dryRun ? 'ROLLBACK' : 'COMMIT')
          if (!dryRun) completed.push(unit.hash)
          break
        } catch (e) {
          await db().exec('ROLLBACK').catch(() => undefined)
          if (aborted) throw e
          if (isRetryable(e) && k < retries) {
            const wait = backoffMs(k)
            const reason = sqlstateOf(e) === SQLSTATE.lockNotAvailable ? `lock not granted within ${lockTimeout}ms` : (e as Error).message
            log.steps.splice(mark)
            attempt.validation.splice(valMark)
            log.add({ name: `Retry ${k + 1}/${retries}: ${reason}`, durationMs: wait, status: 'warning' })
            emit({ type: 'retry', attempt: k + 1, waitMs: wait, reason })
            await new Promise((r) => setTimeout(r, wait))
            continue
          }
          throw e
        }
      }
    }
    // Non-transactional units after the last transaction: record the history row on its own.
    if (!dryRun && historyId === null) {
      historyId = await insertHistory(db(), {
        name: mig.name, checksum: mig.checksum, status: 'applied', startedAt: started, finishedAt: new Date(),
        steps: log.steps, completed, baseline, validation: attempt.validation, toolVersion: VERSION,
      })
    }
  } catch (e) {
    failure = aborted ? new DataMigrateError('ABORTED', 'interrupted: the running statement was cancelled and rolled back', { cause: e }) : isDataMigrateError(e) ? e : wrapDbError(e, { file })
    if (failure.code === 'DATABASE_ERROR' && attempt.validation.some((v) => !v.ok)) {
      failure = new DataMigrateError('VALIDATION_FAILED', failure.message, { where: failure.where, cause: failure })
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  const finished = new Date()
  const status: MigrationRun['status'] = failure ? (aborted ? 'aborted' : completed.length > 0 ? 'partial' : 'failed') : dryRun ? 'dry-run' : 'applied'
  if (failure && !dryRun) {
    // The failed transaction is rolled back; record the attempt on a healthy session.
    try {
      if (aborted && target.kind === 'pglite') session.db = await target.open()
      await session.db.exec('ROLLBACK').catch(() => undefined)
      historyId = await insertHistory(session.db, {
        name: mig.name, checksum: mig.checksum, status: status as 'failed' | 'aborted' | 'partial', startedAt: started, finishedAt: finished,
        steps: log.steps, completed, baseline, validation: attempt.validation, error: failure.message,
        ...(failure.where.line !== undefined && { errorStatement: `line ${failure.where.line}` }), toolVersion: VERSION,
      })
    } catch {
      // the history row is best effort once the database itself failed
    }
  }
  return {
    name: mig.name,
    file: mig.path,
    status,
    dryRun,
    database: target.display,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    steps: log.steps,
    validation: attempt.validation,
    distributions: [...attempt.filled, ...distributions],
    baseline,
    historyId,
    rowsLoaded: attempt.rowsLoaded,
    ...(failure && {
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.where.line !== undefined && { line: failure.where.line }),
        ...(failure.hint !== undefined && { hint: failure.hint }),
      },
    }),
  }
}

/** Warn about transactions that would block this migration's locks, and leftover invalid indexes. */
async function warnBlockers(db: Database, tables: readonly TableRef[], log: StepLog): Promise<void> {
  const names = tables.map(qualified)
  const r = await db.query<{ pid: number; app: string; age: string; mode: string; rel: string }>(
    `SELECT l.pid, coalesce(a.application_name, '') AS app, (now() - a.xact_start)::text AS age, l.mode, l.relation::regclass::text AS rel
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.relation = ANY (SELECT to_regclass(x) FROM unnest($1::text[]) AS x) AND l.pid <> pg_backend_pid() AND a.xact_start < now() - interval '1 second'`,
    [names],
  )
  log.add(r.rows.length === 0
    ? { name: 'Pre-check: no long transactions on the tables', durationMs: 0, status: 'ok' }
    : { name: 'Pre-check: long transactions hold locks on the tables', durationMs: 0, status: 'warning', detail: r.rows.map((x) => `pid ${x.pid} (${x.app}) ${x.mode} on ${x.rel} for ${x.age}`).join('; ') })
  const inv = await db.query<{ idx: string }>(
    `SELECT i.indexrelid::regclass::text AS idx FROM pg_index i WHERE NOT i.indisvalid AND i.indrelid = ANY (SELECT to_regclass(x) FROM unnest($1::text[]) AS x)`,
    [names],
  )
  if (inv.rows.length > 0) log.add({ name: 'Pre-check: leftover INVALID indexes', durationMs: 0, status: 'warning', detail: `${inv.rows.map((x) => x.idx).join(', ')} (drop with DROP INDEX CONCURRENTLY and rebuild)` })
}

async function postCheckIndex(db: Database, w: Work, log: StepLog): Promise<void> {
  if (w.kind !== 'sql' || !w.facts.createsIndex?.name) return
  const name = w.facts.createsIndex.name
  const schema = w.facts.createsIndex.table.schema
  await log.run(`Post-check: index ${name} is valid`, async () => {
    const r = await db.query<{ valid: boolean | null }>('SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)', [schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name)])
    if (r.rows[0]?.valid === false) throw new DataMigrateError('VALIDATION_FAILED', `index ${name} was built INVALID`, { hint: `drop it (DROP INDEX CONCURRENTLY ${name}) and run again` })
  })
}

/** Built-in checks inside the transaction: altered tables keep their rows; new indexes are valid. */
async function builtInChecks(db: Database, work: readonly Work[], created: ReadonlySet<string>, baseline: Record<string, number>, a: Attempt, log: StepLog): Promise<void> {
  const changesRows = (t: string): boolean => work.some((w) => w.kind === 'copy' ? w.copy.table === t : w.kind === 'sql' && /^(INSERT|DELETE|TRUNCATE|MERGE)/i.test(w.stmt.text.trim()) && w.stmt.text.includes(t.split('.').pop()!))
  for (const [name, before] of Object.entries(baseline)) {
    if (created.has(name) || changesRows(name)) continue
    const t = name.includes('.') ? { schema: name.split('.')[0]!, name: name.split('.')[1]! } : { name }
    const r = await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${qualified(t)}`)
    const after = Number(r.rows[0]?.n ?? 0)
    a.validation.push({ check: `row count of ${name} unchanged`, expected: String(before), actual: String(after), ok: after === before })
    if (after !== before) throw new DataMigrateError('VALIDATION_FAILED', `row count of ${name} changed from ${before} to ${after}`, { hint: 'the migration should not add or remove rows here' })
  }
  for (const w of work) {
    if (w.kind !== 'sql') continue
    if (w.facts.createsIndex?.name && !w.facts.createsIndex.concurrent) await postCheckIndex(db, w, log)
    for (const v of w.facts.validates ?? []) {
      await log.run(`Post-check: constraint ${v.constraint} is validated`, async () => {
        const r = await db.query<{ ok: boolean }>('SELECT convalidated AS ok FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2', [qualified(v.table), v.constraint])
        if (r.rows[0]?.ok !== true) throw new DataMigrateError('VALIDATION_FAILED', `constraint ${v.constraint} on ${tableName(v.table)} is not validated`, { hint: 'run ALTER TABLE … VALIDATE CONSTRAINT again' })
      })
    }
  }
}

async function distribution(db: Database, t: TableRef, column: string): Promise<Distribution> {
  const r = await db.query<{ value: string | null; count: number; total: number }>(
    `SELECT ${quoteIdent(column)}::text AS value, count(*)::bigint AS count, sum(count(*)) OVER ()::bigint AS total
       FROM ${qualified(t)} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12`,
  )
  return {
    table: tableName(t),
    column,
    rows: r.rows.map((x) => ({ value: x.value, count: Number(x.count), percentage: Number(x.total) > 0 ? Math.round((1000 * Number(x.count)) / Number(x.total)) / 10 : 0 })),
  }
}

/**
 * Run one migration (`migration`) or every pending one of a directory (`dir`), in order, stopping at the first
 * failure.
 *
 * ```ts
 * const r = await run({ migration: 'migrations/20240115120000_create_orders.sql' })
 * if (r.status !== 'success') process.exitCode = 1
 * ```
 */
export async function run(options: RunOptions): Promise<RunResult> {
  const cwd = options.cwd ?? process.cwd()
  const emit = options.onEvent ?? (() => undefined)
  if (!options.migration && !options.dir) {
    throw new DataMigrateError('USAGE', 'run needs --migration <file> or --dir <directory>', { hint: 'data-migrate run --migration migrations/<stamp>_create_orders.sql' })
  }
  const paths = options.migration ? [resolve(cwd, options.migration)] : listMigrations(resolve(cwd, options.dir!))
  const files = paths.map((p) => readMigration(p, {
    ...(options.rollback !== undefined && { rollback: resolve(cwd, options.rollback) }),
    ...(options.validate !== undefined && { validate: resolve(cwd, options.validate) }),
  }))
  for (const f of files) {
    if (!f.rollback && !options.allowNoRollback) {
      throw new DataMigrateError('MISSING_ROLLBACK', `${f.name} has no rollback script`, {
        where: { file: f.path },
        hint: `write ${f.name}_rollback.sql beside it (or pass --rollback <file>); --allow-no-rollback runs it anyway`,
      })
    }
  }
  const target = resolveTarget({ database: options.database, env: options.env ?? process.env, cwd })
  const t0 = performance.now()
  const session = { db: await target.open({ applicationName: 'data-migrate run' }) }
  const preSteps: RunStep[] = [{ name: `Pre-check: connect (${session.db.description})`, durationMs: performance.now() - t0, status: 'ok' }]
  const migrations: MigrationRun[] = []
  try {
    const t1 = performance.now()
    const release = await acquireSessionLock(session.db, RUN_LOCK_KEY, options.lockWaitMs ?? 10_000, (holders) => emit({ type: 'lock-wait', holders }), options.signal)
    preSteps.push({ name: 'Pre-check: migration lock (no other run in progress)', durationMs: performance.now() - t1, status: 'ok' })
    try {
      let pending = files
      if (options.dir) {
        await ensureHistory(session.db)
        const latest = await latestByName(session.db)
        pending = files.filter((f) => {
          const row = latest.get(f.name)
          if (row?.status !== 'applied') return true
          if (row.checksum !== f.checksum) {
            throw new DataMigrateError('CHECKSUM_DRIFT', `${f.name} changed since it was applied (history id ${row.id})`, { where: { file: f.path }, hint: 'restore the applied file and put the change in a new migration' })
          }
          return false
        })
      }
      for (const f of pending) {
        const m = await runOne(f, target, session, { ...options, cwd }, emit, migrations.length === 0 ? preSteps : [])
        migrations.push(m)
        if (m.status !== 'applied' && m.status !== 'dry-run') break
      }
    } finally {
      await release()
    }
  } finally {
    await session.db.close()
  }
  const failed = migrations.some((m) => m.status !== 'applied' && m.status !== 'dry-run')
  return { status: failed ? 'failed' : migrations.length === 0 ? 'nothing-to-do' : 'success', database: target.display, migrations }
}
