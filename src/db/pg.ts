import pg from 'pg'
import { from as copyFromStream } from 'pg-copy-streams'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type {
  CopyProgress, CopySpec, Database, DatabaseTarget, Notice, QueryResult,
} from './database.js'
import { copyFromSql } from './copy-sql.js'
import { parseValue, OVERRIDDEN_OIDS } from './values.js'
import { DataMigrateError } from '../errors.js'
import { wrapDbError } from './sqlstate.js'

const typeParsers = {
  getTypeParser(oid: number) {
    return OVERRIDDEN_OIDS.includes(oid) ? (text: string) => parseValue(oid, text) : (text: string) => text
  },
}

/** Hide the password of a connection string for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@')
  }
}

/** A session on a PostgreSQL server. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const
  readonly #client: pg.Client
  readonly #url: string
  readonly #listeners: ((n: Notice) => void)[] = []
  #closed = false
  serverVersion = 0
  backendPid = 0
  description = ''

  private constructor(client: pg.Client, url: string) {
    this.#client = client
    this.#url = url
    client.on('notice', (msg: { severity?: string; message?: string }) => {
      const n: Notice = { severity: msg.severity ?? 'NOTICE', message: msg.message ?? '' }
      for (const l of this.#listeners) l(n)
    })
    // An idle client whose server goes away emits 'error'; without a listener Node would crash the process.
    client.on('error', () => undefined)
  }

  /** Connect; throws `CONNECT_FAILED` (exit 3) when the server does not answer. */
  static async connect(url: string, options: { applicationName?: string } = {}): Promise<PgDatabase> {
    const client = new pg.Client({
      connectionString: url,
      application_name: options.applicationName ?? 'data-migrate',
      types: typeParsers,
      connectionTimeoutMillis: 10_000,
    })
    try {
      await client.connect()
    } catch (e) {
      throw new DataMigrateError('CONNECT_FAILED', `could not connect to ${redactUrl(url)}: ${(e as Error).message}`, {
        hint: 'check --database / DATABASE_URL, and that the server is running and accepts connections',
        cause: e,
      })
    }
    const db = new PgDatabase(client, url)
    const r = await client.query<{ v: number; pid: number; host: string | null; port: number | null; d: string }>(
      `SELECT current_setting('server_version_num')::int AS v, pg_backend_pid() AS pid, inet_server_addr()::text AS host,
              inet_server_port() AS port, current_database() AS d`,
    )
    const row = r.rows[0]!
    db.serverVersion = row.v
    db.backendPid = row.pid
    const major = Math.floor(row.v / 10000)
    db.description = `PostgreSQL ${major}.${row.v % 100} at ${redactUrl(url)}`
    return db
  }

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    try {
      const r = await this.#client.query({ text: sql, values: params as unknown[] })
      return {
        rows: r.rows as R[],
        rowCount: r.rowCount ?? r.rows.length,
        fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
        command: r.command,
      }
    } catch (e) {
      throw wrapDbError(e)
    }
  }

  async exec(sql: string): Promise<QueryResult[]> {
    try {
      const res = (await this.#client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[]
      const list = Array.isArray(res) ? res : [res]
      return list.map((r) => ({
        rows: r.rows as Record<string, unknown>[],
        rowCount: r.rowCount ?? r.rows?.length ?? 0,
        fields: (r.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
        command: r.command,
      }))
    } catch (e) {
      throw wrapDbError(e)
    }
  }

  async copyFrom(spec: CopySpec, source: AsyncIterable<Uint8Array>, onProgress?: (p: CopyProgress) => void): Promise<number> {
    const sql = copyFromSql(spec, 'STDIN')
    const stream = this.#client.query(copyFromStream(sql))
    let bytes = 0
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length
        onProgress?.({ bytes })
        cb(null, chunk)
      },
    })
    try {
      await pipeline(Readable.from(source, { objectMode: false }), meter, stream)
    } catch (e) {
      throw wrapDbError(e)
    }
    return Number(stream.rowCount ?? 0)
  }

  async cancel(): Promise<void> {
    if (this.#closed) return
    // A cancel request must come from outside the busy session: a second short-lived connection.
    const other = new pg.Client({ connectionString: this.#url, application_name: 'data-migrate cancel' })
    try {
      await other.connect()
      await other.query('SELECT pg_cancel_backend($1)', [this.backendPid])
    } finally {
      await other.end().catch(() => undefined)
    }
  }

  onNotice(listener: (n: Notice) => void): void {
    this.#listeners.push(listener)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#client.end().catch(() => undefined)
  }
}

/** A server reachable by URL; opens as many sessions as asked. */
export function pgTarget(url: string): DatabaseTarget {
  return {
    kind: 'postgres',
    display: redactUrl(url),
    multiSession: true,
    open: (options) => PgDatabase.connect(url, options),
  }
}
