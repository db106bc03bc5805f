import { DataMigrateError, type ErrorCode, type ErrorLocation, type ServerErrorFields } from '../errors.js'

/** SQLSTATE codes the tools react to. */
export const SQLSTATE = {
  lockNotAvailable: '55P03',
  deadlock: '40P01',
  serializationFailure: '40001',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  duplicateTable: '42P07',
  duplicateColumn: '42701',
  activeSqlTransaction: '25001',
  inFailedTransaction: '25P02',
  raiseException: 'P0001',
} as const

/** A server error as the drivers report it (pg's DatabaseError, PGlite's, or one rebuilt from a worker). */
export interface DriverError {
  readonly message: string
  readonly code?: string
  readonly detail?: string
  readonly hint?: string
  readonly position?: string | number
  readonly table?: string
  readonly column?: string
  readonly constraint?: string
  readonly where?: string
  readonly severity?: string
}

/** True when `e` looks like a server ErrorResponse (has a 5-character SQLSTATE). */
export function isDriverError(e: unknown): e is DriverError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as { code: string }).code)
}

/** The SQLSTATE of an error, if it is a server error (wrapped or not). */
export function sqlstateOf(e: unknown): string | undefined {
  if (e instanceof DataMigrateError) return e.server?.sqlstate
  return isDriverError(e) ? e.code : undefined
}

/** True for the errors a retry can cure: lock timeout, deadlock, serialization failure. */
export function isRetryable(e: unknown): boolean {
  const s = sqlstateOf(e)
  return s === SQLSTATE.lockNotAvailable || s === SQLSTATE.deadlock || s === SQLSTATE.serializationFailure
}

export function serverFields(e: DriverError): ServerErrorFields {
  const pos = e.position === undefined ? undefined : Number(e.position)
  return {
    ...(e.code !== undefined && { sqlstate: e.code }),
    ...(e.detail !== undefined && { detail: e.detail }),
    ...(e.hint !== undefined && { hint: e.hint }),
    ...(pos !== undefined && !Number.isNaN(pos) && { position: pos }),
    ...(e.table !== undefined && { table: e.table }),
    ...(e.column !== undefined && { column: e.column }),
    ...(e.constraint !== undefined && { constraint: e.constraint }),
    ...(e.where !== undefined && { where: e.where }),
  }
}

/**
 * Wrap any error thrown by a driver into a {@link DataMigrateError}, keeping the server's fields. Lock timeouts
 * become `LOCK_TIMEOUT` (exit 3); other server errors `DATABASE_ERROR` unless `code` says otherwise.
 */
export function wrapDbError(e: unknown, where: ErrorLocation = {}, code?: ErrorCode): DataMigrateError {
  if (e instanceof DataMigrateError) {
    // Already wrapped by the driver layer: add the place (file, line, statement) when the caller knows it.
    const merged = { ...where, ...e.where }
    if (Object.keys(merged).length === Object.keys(e.where).length && (code === undefined || code === e.code)) return e
    return new DataMigrateError(code ?? e.code, e.message, {
      where: merged,
      cause: e.cause ?? e,
      ...(e.hint !== undefined && { hint: e.hint }),
      ...(e.server !== undefined && { server: e.server }),
    })
  }
  if (isDriverError(e)) {
    const fields = serverFields(e)
    const c: ErrorCode = code ?? (e.code === SQLSTATE.lockNotAvailable ? 'LOCK_TIMEOUT' : 'DATABASE_ERROR')
    return new DataMigrateError(c, `${e.message} (SQLSTATE ${e.code})`, {
      where,
      server: fields,
      cause: e,
      ...(e.hint !== undefined && { hint: e.hint }),
    })
  }
  const msg = e instanceof Error ? e.message : String(e)
  return new DataMigrateError(code ?? 'DATABASE_ERROR', msg, { where, cause: e })
}
