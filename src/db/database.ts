/**
 * The small interface every action talks to. Two implementations: {@link PgDatabase} (a real server, through
 * `pg` and `pg-copy-streams`) and {@link PgliteDatabase} (the embedded default, PGlite in a worker thread).
 * Nothing outside `src/db/` imports a driver.
 */

/** One result set. Rows are plain objects keyed by column name; values as the driver parses them. */
export interface QueryResult<R = Record<string, unknown>> {
  readonly rows: R[]
  /** Rows affected (INSERT/UPDATE/DELETE/COPY) or returned. */
  readonly rowCount: number
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[]
  /** The command tag's verb, e.g. `UPDATE`, `CREATE TABLE`, when known. */
  readonly command?: string
}

/** Options of a COPY … FROM, structured so each backend can spell it its own way. */
export interface CopySpec {
  /** Already-quoted target, e.g. `"public"."orders"` or a staging table. */
  readonly target: string
  /** Already-quoted column list, if any. */
  readonly columns?: readonly string[]
  readonly format: 'csv' | 'text' | 'binary'
  readonly delimiter?: string
  readonly quote?: string
  readonly escape?: string
  readonly header?: boolean
  readonly null?: string
  readonly encoding?: string
  readonly forceNull?: readonly string[]
  readonly forceNotNull?: readonly string[]
  /** Raw option text from a migration file when it holds options we do not model; appended verbatim. */
  readonly extraOptions?: string
}

/** Progress of a streaming load: bytes and rows (rows known at the end, or when the backend reports them). */
export interface CopyProgress {
  readonly bytes: number
}

/** A notice raised by the server (RAISE NOTICE, warnings). */
export interface Notice {
  readonly severity: string
  readonly message: string
}

export type BackendKind = 'postgres' | 'pglite'

/** A single database session. Not safe for concurrent use: one query at a time, like a connection. */
export interface Database {
  readonly kind: BackendKind
  /** `server_version_num`, e.g. 150020. */
  readonly serverVersion: number
  /** A short human description: `PostgreSQL 15.20 at 127.0.0.1:5432/test` or `PGlite (PostgreSQL 18.x) at .data-migrate/db`. */
  readonly description: string
  /** Run one statement with bound parameters (extended protocol). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
  /**
   * Run a script of one or more statements with the simple protocol (no parameters). Returns the result of every
   * statement. Several statements in one call run in an implicit transaction, as PostgreSQL does.
   */
  exec(sql: string): Promise<QueryResult[]>
  /**
   * Stream a CSV/text body into `COPY spec FROM STDIN`. Returns the number of rows loaded. An error in the
   * source aborts the COPY (the server discards it). `onProgress` is called as bytes are sent.
   */
  copyFrom(
    spec: CopySpec,
    source: AsyncIterable<Uint8Array>,
    onProgress?: (p: CopyProgress) => void,
  ): Promise<number>
  /** Backend process id of this session (`pg_backend_pid()`). */
  readonly backendPid: number
  /**
   * Cancel the statement now running, from outside (signal handler, timer). On a server this sends a cancel
   * request; on PGlite it terminates the worker, which discards the open transaction, and the session is dead.
   */
  cancel(): Promise<void>
  /** Called for every server notice. */
  onNotice(listener: (n: Notice) => void): void
  close(): Promise<void>
}

/** A way to open further sessions to the same database (for progress readers, lock checks, tests). */
export interface DatabaseTarget {
  readonly kind: BackendKind
  /** Connection string (server) or data directory (PGlite). Never printed with a password. */
  readonly display: string
  open(options?: { applicationName?: string }): Promise<Database>
  /** Whether more than one session can be open at once (false for PGlite). */
  readonly multiSession: boolean
}
