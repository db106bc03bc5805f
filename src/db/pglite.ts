import { Worker } from 'node:worker_threads'
import { TextDecoder } from 'node:util'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type {
  CopyProgress, CopySpec, Database, DatabaseTarget, Notice, QueryResult,
} from './database.js'
import { copyFromSql } from './copy-sql.js'
import { OVERRIDDEN_OIDS, parseValue } from './values.js'
import { DataMigrateError } from '../errors.js'
import { wrapDbError, type DriverError } from './sqlstate.js'

/**
 * PGlite runs in a worker thread. Its queries run synchronously inside WASM and would block the event loop:
 * no progress bar, no Ctrl-C, no timers (statement_timeout never fires in the WASM build). In a worker, the main
 * thread stays responsive and `cancel()` can terminate the worker, the only way to stop a runaway statement.
 *
 * The worker body is plain JavaScript kept here as a string so it runs the same from TypeScript sources (tests)
 * and from the compiled `dist/`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const { PGlite } = await import(workerData.pgliteUrl)
  const text = (v) => v
  const parsers = {}
  for (const oid of workerData.textOids) parsers[oid] = text
  let db
  try {
    db = await PGlite.create(workerData.dataDir ?? undefined, { parsers })
    const r = await db.query("SELECT current_setting('server_version_num') AS v, pg_backend_pid() AS pid, version() AS full")
    parentPort.postMessage({ type: 'ready', version: Number(r.rows[0].v), pid: Number(r.rows[0].pid), full: r.rows[0].full })
  } catch (e) {
    parentPort.postMessage({ type: 'fatal', message: String(e && e.message || e) })
    return
  }
  const onNotice = (n) => parentPort.postMessage({ type: 'notice', severity: n.severity, message: n.message })
  const errorOf = (e) => ({
    message: String(e && e.message || e), code: e && e.code, detail: e && e.detail, hint: e && e.hint,
    position: e && e.position, table: e && e.table, column: e && e.column, constraint: e && e.constraint,
    where: e && e.where, severity: e && e.severity,
  })
  const shape = (r) => ({ rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, fields: r.fields })
  parentPort.on('message', async (m) => {
    try {
      let result
      if (m.op === 'query') result = shape(await db.query(m.sql, m.params, { onNotice }))
      else if (m.op === 'exec') result = (await db.exec(m.sql, { onNotice })).map(shape)
      else if (m.op === 'copy') result = shape(await db.query(m.sql, [], { blob: new Blob([m.data]), onNotice }))
      else if (m.op === 'close') { await db.close(); result = null }
      parentPort.postMessage({ id: m.id, ok: true, result })
    } catch (e) {
      parentPort.postMessage({ id: m.id, ok: false, error: errorOf(e) })
    }
  })
})()
`

interface RawResult {
  rows: Record<string, unknown>[]
  rowCount: number
  fields: { name: string; dataTypeID: number }[]
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void }

/** Bytes sent per COPY chunk: PGlite reads a COPY body from a Blob, not a stream, so a load goes in pieces. */
const COPY_CHUNK_BYTES = 16 * 1024 * 1024

function pgliteModuleUrl(): string {
  const require = createRequire(import.meta.url)
  return pathToFileURL(require.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js')
}

/**
 * An exclusive lock file beside the data directory: PGlite has none, and two processes opening the same
 * directory corrupt it (electric-sql/pglite#1106). A lock left by a dead process is taken over.
 */
class DirLock {
  readonly path: string
  #held = false

  constructor(dataDir: string) {
    this.path = `${resolve(dataDir)}.lock`
  }

  acquire(): void {
    mkdirSync(dirname(this.path), { recursive: true })
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.path, 'wx')
        writeSync(fd, String(process.pid))
        closeSync(fd)
        this.#held = true
        return
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
        const pid = Number(readFileSync(this.path, 'utf8').trim())
        if (pid && pid !== process.pid && isAlive(pid)) {
          throw new DataMigrateError('LOCK_BUSY', `the embedded database ${dirname(this.path)} is in use by process ${pid}`, {
            hint: 'wait for the other data-migrate command to finish; PGlite allows one process at a time',
          })
        }
        if (pid === process.pid) {
          throw new DataMigrateError('LOCK_BUSY', `the embedded database ${dirname(this.path)} is already open in this process`, {
            hint: 'close the first session before opening another (PGlite is single-session)',
          })
        }
        unlinkSync(this.path) // stale: its process is gone
      }
    }
  }

  release(): void {
    if (!this.#held) return
    this.#held = false
    try {
      unlinkSync(this.path)
    } catch {
      // already gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Find the end of the last complete CSV record in `buf` (index after its newline), honouring quotes. */
export function lastRecordEnd(buf: Uint8Array, quote: number, escape: number): number {
  // Scanning always starts at a record boundary, so outside quotes.
  let inQuote = false
  let last = -1
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!
    if (inQuote) {
      if (c === escape && escape !== quote && i + 1 < buf.length) {
        i++
      } else if (c === quote) {
        inQuote = false
      }
    } else if (c === quote) {
      inQuote = true
    } else if (c === 10) {
      last = i + 1
    }
  }
  return last
}

const DECODER_LABELS: Record<string, string> = {
  WIN1252: 'windows-1252', LATIN1: 'iso-8859-1', LATIN9: 'iso-8859-15', WIN1250: 'windows-1250', WIN1251: 'windows-1251',
  UTF16: 'utf-16le', SJIS: 'shift_jis', EUC_JP: 'euc-jp', GBK: 'gbk', BIG5: 'big5', KOI8R: 'koi8-r',
}

/** A decoder for a COPY `ENCODING` other than UTF-8, or undefined when the bytes are already UTF-8. */
function clientDecoder(encoding: string | undefined): TextDecoder | undefined {
  if (encoding === undefined) return undefined
  const key = encoding.toUpperCase().replace(/[-_ ]/g, '')
  if (key === 'UTF8' || key === 'UNICODE' || key === 'SQLASCII') return undefined
  const label = DECODER_LABELS[key] ?? DECODER_LABELS[encoding.toUpperCase()] ?? encoding.toLowerCase()
  try {
    return new TextDecoder(label, { fatal: false })
  } catch {
    throw new DataMigrateError('SQL_UNSUPPORTED', `COPY encoding ${encoding} is not supported on the embedded database`, {
      hint: 'convert the file to UTF-8 or load it into a PostgreSQL server',
    })
  }
}

/** A session on the embedded PostgreSQL (PGlite), in a worker thread. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const
  readonly #worker: Worker
  readonly #lock: DirLock | undefined
  readonly #pending = new Map<number, Pending>()
  readonly #listeners: ((n: Notice) => void)[] = []
  #nextId = 1
  #dead: Error | undefined
  serverVersion = 0
  backendPid = 0
  description = ''

  private constructor(worker: Worker, lock: DirLock | undefined) {
    this.#worker = worker
    this.#lock = lock
    worker.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: DriverError; type?: string; severity?: string; message?: string }) => {
      if (m.type === 'notice') {
        for (const l of this.#listeners) l({ severity: m.severity ?? 'NOTICE', message: m.message ?? '' })
        return
      }
      if (m.id === undefined) return
      const p = this.#pending.get(m.id)
      if (!p) return
      this.#pending.delete(m.id)
      if (m.ok) p.resolve(m.result)
      else p.reject(Object.assign(new Error(m.error?.message ?? 'PGlite error'), m.error))
    })
    const fail = (err: Error): void => {
      this.#dead ??= err
      for (const p of this.#pending.values()) p.reject(err)
      this.#pending.clear()
      this.#lock?.release()
    }
    worker.on('error', fail)
    worker.on('exit', () => fail(new DataMigrateError('ABORTED', 'the embedded database session ended')))
  }

  /**
   * Open PGlite on `dataDir` (created on first use; the first initdb takes a few seconds), or in memory when
   * `dataDir` is undefined.
   */
  static async open(dataDir: string | undefined): Promise<PgliteDatabase> {
    let lock: DirLock | undefined
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true })
      lock = new DirLock(dataDir)
      lock.acquire()
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pgliteUrl: pgliteModuleUrl(), dataDir: dataDir === undefined ? null : resolve(dataDir), textOids: OVERRIDDEN_OIDS },
    })
    const db = new PgliteDatabase(worker, lock)
    try {
      const ready = await new Promise<{ version: number; pid: number }>((res, rej) => {
        const onMsg = (m: { type?: string; version?: number; pid?: number; message?: string }): void => {
          if (m.type === 'ready') {
            worker.off('message', onMsg)
            res({ version: m.version ?? 0, pid: m.pid ?? 0 })
          } else if (m.type === 'fatal') {
            worker.off('message', onMsg)
            rej(new DataMigrateError('CONNECT_FAILED', `could not open the embedded database${dataDir ? ` at ${dataDir}` : ''}: ${m.message}`, {
              hint: 'the directory may be damaged; move it away to start with a fresh embedded database',
            }))
          }
        }
        worker.on('message', onMsg)
        worker.once('error', rej)
      })
      db.serverVersion = ready.version
      db.backendPid = ready.pid
      const major = Math.floor(ready.version / 10000)
      db.description = `PGlite (PostgreSQL ${major}.${ready.version % 100}) ${dataDir ? `at ${dataDir}` : 'in memory'}`
      return db
    } catch (e) {
      await worker.terminate()
      lock?.release()
      throw e
    }
  }

  #call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead)
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#worker.postMessage({ ...msg, id }, transfer)
    })
  }

  #shape<R>(r: RawResult): QueryResult<R> {
    const fields = r.fields ?? []
    const rows = r.rows.map((row) => {
      for (const f of fields) {
        const v = row[f.name]
        if (typeof v === 'string' && OVERRIDDEN_OIDS.includes(f.dataTypeID)) row[f.name] = parseValue(f.dataTypeID, v)
      }
      return row as R
    })
    return { rows, rowCount: r.rowCount, fields }
  }

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    try {
      return this.#shape<R>(await this.#call<RawResult>({ op: 'query', sql, params }))
    } catch (e) {
      throw wrapDbError(e)
    }
  }

  async exec(sql: string): Promise<QueryResult[]> {
    try {
      const list = await this.#call<RawResult[]>({ op: 'exec', sql })
      return list.map((r) => this.#shape(r))
    } catch (e) {
      throw wrapDbError(e)
    }
  }

  /**
   * COPY FROM STDIN hangs PGlite, so the body goes through `/dev/blob` in chunks cut at record boundaries, all
   * inside the caller's transaction (a failing chunk fails the transaction like a failing COPY would).
   */
  async copyFrom(spec: CopySpec, source: AsyncIterable<Uint8Array>, onProgress?: (p: CopyProgress) => void): Promise<number> {
    // PGlite's COPY … ENCODING 'WIN1252' loads nothing and leaves the backend broken (seen on 0.5.16), so
    // non-UTF-8 input is decoded here, one record-aligned chunk at a time, and sent as UTF-8.
    const decoder = clientDecoder(spec.encoding)
    if (decoder) spec = { ...spec, encoding: undefined }
    const quote = (spec.quote ?? '"').charCodeAt(0)
    const escape = (spec.escape ?? spec.quote ?? '"').charCodeAt(0)
    let pending: Uint8Array[] = []
    let pendingBytes = 0
    let sent = 0
    let rows = 0
    let first = true
    const send = async (data: Uint8Array): Promise<void> => {
      if (data.length === 0) return
      const header = first ? spec.header : false
      first = false
      // A copy with an ArrayBuffer of its own, safe to transfer (Buffer#slice is a view, and small Buffers share a pool).
      const copy = new Uint8Array(decoder ? Buffer.from(decoder.decode(data, { stream: true })) : data)
      const r = await this.#call<RawResult>({ op: 'copy', sql: copyFromSql(spec, `'/dev/blob'`, header), data: copy }, [copy.buffer as ArrayBuffer])
      rows += r.rowCount
      sent += data.length
      onProgress?.({ bytes: sent })
    }
    try {
      for await (const chunk of source) {
        pending.push(chunk)
        pendingBytes += chunk.length
        if (pendingBytes < COPY_CHUNK_BYTES) continue
        const buf = Buffer.concat(pending, pendingBytes)
        const end = spec.format === 'csv' ? lastRecordEnd(buf, quote, escape) : buf.lastIndexOf(10) + 1
        if (end <= 0) continue // one record longer than a chunk: keep reading
        await send(buf.subarray(0, end))
        const rest = buf.subarray(end)
        pending = rest.length ? [Buffer.from(rest)] : []
        pendingBytes = rest.length
      }
      if (pendingBytes > 0) await send(Buffer.concat(pending, pendingBytes))
      return rows
    } catch (e) {
      throw wrapDbError(e)
    }
  }

  async cancel(): Promise<void> {
    // Terminating the worker abandons the open transaction: PostgreSQL recovers from WAL on the next open.
    this.#dead ??= new DataMigrateError('ABORTED', 'the statement was cancelled')
    await this.#worker.terminate()
    this.#lock?.release()
  }

  onNotice(listener: (n: Notice) => void): void {
    this.#listeners.push(listener)
  }

  async close(): Promise<void> {
    if (!this.#dead) {
      try {
        await this.#call({ op: 'close' })
      } catch {
        // closing a broken session: terminate below
      }
    }
    this.#dead ??= new DataMigrateError('ABORTED', 'the embedded database session is closed')
    await this.#worker.terminate()
    this.#lock?.release()
  }
}

/** The embedded database in `dataDir` (or memory). Single-session: a second `open` waits for none and fails. */
export function pgliteTarget(dataDir: string | undefined): DatabaseTarget {
  return {
    kind: 'pglite',
    display: dataDir ?? 'memory',
    multiSession: false,
    open: () => PgliteDatabase.open(dataDir),
  }
}
