/**
 * PostgreSQL's table lock modes (spelled as in `pg_locks.mode`), their order, and what each blocks
 * (https://www.postgresql.org/docs/current/explicit-locking.html). Pure data.
 */

export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const

export type LockMode = (typeof LOCK_MODES)[number]

/** The stronger of two modes (by the conflict order of the table above). */
export function strongest(a: LockMode | undefined, b: LockMode): LockMode {
  if (a === undefined) return b
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b
}

/** Conflict table: mode → the modes it conflicts with. */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: [...LOCK_MODES],
}

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b)
}

/** What a lock held by a migration stops other sessions from doing. */
export interface Blocks {
  /** Plain SELECT (AccessShareLock). */
  readonly reads: boolean
  /** INSERT/UPDATE/DELETE (RowExclusiveLock). */
  readonly writes: boolean
  /** Other schema changes, VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY (ShareUpdateExclusiveLock). */
  readonly ddl: boolean
  /** A short phrase for reports: "reads and writes", "writes", "other DDL only", "nothing". */
  readonly text: string
}

/** What `mode` blocks. */
export function blocks(mode: LockMode): Blocks {
  const reads = conflicts(mode, 'AccessShareLock')
  const writes = conflicts(mode, 'RowExclusiveLock')
  const ddl = conflicts(mode, 'ShareUpdateExclusiveLock')
  const text = reads
    ? 'reads and writes'
    : writes
      ? 'writes (reads continue)'
      : ddl
        ? 'other DDL, VACUUM and ANALYZE (reads and writes continue)'
        : conflicts(mode, 'ShareLock')
          ? 'CREATE INDEX and most DDL (reads and writes continue)'
          : 'only ACCESS EXCLUSIVE/EXCLUSIVE locks (most ALTER TABLE, DROP)'
  return { reads, writes, ddl, text }
}
