/**
 * The one error class of data-migrate. Every error that reaches a user carries a stable UPPER_SNAKE `code`,
 * a one-line message naming where the problem is (file:line, statement, table), a hint, and the exit code the
 * CLI returns for it (see {@link EXIT_CODES}).
 */

/** Exit codes, as documented in SPEC "Everywhere". */
export const EXIT = {
  ok: 0,
  failed: 1,
  badInput: 2,
  connectOrLock: 3,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Where an error happened. Every field is optional; the renderer prints what is known. */
export interface ErrorLocation {
  readonly file?: string
  readonly line?: number
  readonly column?: number
  /** 1-based record number in a CSV file (differs from the line when fields hold newlines). */
  readonly record?: number
  /** 1-based statement number in a migration file. */
  readonly statement?: number
  readonly table?: string
}

/** Error codes and the exit code each maps to. The only `code → exit` table in the project. */
export const ERROR_CODES = {
  USAGE: EXIT.badInput,
  FILE_NOT_FOUND: EXIT.badInput,
  FILE_UNREADABLE: EXIT.badInput,
  CSV_EMPTY: EXIT.badInput,
  CSV_BINARY: EXIT.badInput,
  CSV_ENCODING: EXIT.badInput,
  CSV_RAGGED_ROW: EXIT.badInput,
  CSV_UNTERMINATED_QUOTE: EXIT.badInput,
  CSV_BAD_QUOTE: EXIT.badInput,
  CSV_DIALECT: EXIT.badInput,
  CSV_HEADER: EXIT.badInput,
  INVALID_IDENTIFIER: EXIT.badInput,
  INVALID_OPTION: EXIT.badInput,
  SQL_SYNTAX: EXIT.badInput,
  SQL_UNSUPPORTED: EXIT.badInput,
  MISSING_ROLLBACK: EXIT.badInput,
  ALREADY_APPLIED: EXIT.badInput,
  CHECKSUM_DRIFT: EXIT.badInput,
  PRECONDITION_FAILED: EXIT.failed,
  MIGRATION_FAILED: EXIT.failed,
  VALIDATION_FAILED: EXIT.failed,
  ABORTED: EXIT.failed,
  BACKFILL_INVALID: EXIT.badInput,
  BACKFILL_PAUSED: EXIT.failed,
  CONNECT_FAILED: EXIT.connectOrLock,
  LOCK_TIMEOUT: EXIT.connectOrLock,
  LOCK_BUSY: EXIT.connectOrLock,
  DATABASE_ERROR: EXIT.failed,
  INTERNAL: EXIT.failed,
} as const satisfies Record<string, ExitCode>

export type ErrorCode = keyof typeof ERROR_CODES

/** Fields PostgreSQL sends with an ErrorResponse, kept when a server error is wrapped. */
export interface ServerErrorFields {
  readonly sqlstate?: string
  readonly detail?: string
  readonly hint?: string
  readonly position?: number
  readonly table?: string
  readonly column?: string
  readonly constraint?: string
  readonly where?: string
}

export interface DataMigrateErrorOptions {
  readonly hint?: string
  readonly where?: ErrorLocation
  readonly cause?: unknown
  readonly server?: ServerErrorFields
}

/**
 * A typed, user-facing error.
 *
 * ```ts
 * throw new DataMigrateError('CSV_RAGGED_ROW', 'row has 4 fields, the header has 5', {
 *   where: { file: 'orders.csv', line: 12 },
 *   hint: 'check for an unquoted delimiter in that row',
 * })
 * ```
 */
export class DataMigrateError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly where: ErrorLocation
  readonly server: ServerErrorFields | undefined

  constructor(code: ErrorCode, message: string, options: DataMigrateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DataMigrateError'
    this.code = code
    this.hint = options.hint
    this.where = options.where ?? {}
    this.server = options.server
  }

  /** The CLI exit code for this error. */
  get exitCode(): ExitCode {
    return ERROR_CODES[this.code]
  }

  /** `file:line:column` (or whatever part is known), for the one-line message. */
  get location(): string {
    return formatLocation(this.where)
  }

  /** Serialisable form used by `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      where: this.where,
      hint: this.hint,
      server: this.server,
      exitCode: this.exitCode,
    }
  }
}

/** Render a location as `file:line:col (record N, statement N, table T)`. */
export function formatLocation(where: ErrorLocation): string {
  let head = where.file ?? ''
  if (where.line !== undefined) head += `${head ? ':' : 'line '}${where.line}`
  if (where.column !== undefined && where.line !== undefined) head += `:${where.column}`
  const extra: string[] = []
  if (where.record !== undefined) extra.push(`record ${where.record}`)
  if (where.statement !== undefined) extra.push(`statement ${where.statement}`)
  if (where.table !== undefined) extra.push(`table ${where.table}`)
  if (extra.length === 0) return head
  return head ? `${head} (${extra.join(', ')})` : extra.join(', ')
}

/** True when `e` is a {@link DataMigrateError}, optionally with the given code. */
export function isDataMigrateError(e: unknown, code?: ErrorCode): e is DataMigrateError {
  return e instanceof DataMigrateError && (code === undefined || e.code === code)
}

/** The one-line message the CLI prints for an error: `error CODE: location: message` + hint line. */
export function formatError(e: DataMigrateError): string {
  const loc = e.location
  let out = `error ${e.code}: ${loc ? `${loc}: ` : ''}${e.message}`
  if (e.server?.detail) out += `\n  detail: ${e.server.detail}`
  if (e.hint) out += `\n  hint: ${e.hint}`
  return out
}
