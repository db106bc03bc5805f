/**
 * The history table `data_migrate.history`: one row per attempt (applied, failed, aborted), with the checksum,
 * the step log, the baseline and the validation results. Created on first use.
 */
import type { Database } from '../db/database.js'

export const HISTORY_TABLE = 'data_migrate.history'

const DDL = `
CREATE SCHEMA IF NOT EXISTS data_migrate;
CREATE TABLE IF NOT EXISTS data_migrate.history (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  checksum      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('applied', 'failed', 'aborted', 'partial')),
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL,
  duration_ms   bigint NOT NULL,
  steps         jsonb NOT NULL DEFAULT '[]',
  completed     jsonb NOT NULL DEFAULT '[]',
  baseline      jsonb NOT NULL DEFAULT '{}',
  validation    jsonb NOT NULL DEFAULT '[]',
  error         text,
  error_statement text,
  tool_version  text NOT NULL,
  applied_by    text NOT NULL DEFAULT current_user
);
CREATE INDEX IF NOT EXISTS history_name_idx ON data_migrate.history (name, id);
`

export interface HistoryRow {
  readonly id: number
  readonly name: string
  readonly checksum: string
  readonly status: 'applied' | 'failed' | 'aborted' | 'partial'
  readonly finished_at: string
  /** Hashes of non-transactional steps already committed (a re-run resumes after them). */
  readonly completed: string[]
  readonly error: string | null
}

export interface NewHistoryRow {
  readonly name: string
  readonly checksum: string
  readonly status: HistoryRow['status']
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly steps: unknown
  readonly completed: readonly string[]
  readonly baseline: unknown
  readonly validation: unknown
  readonly error?: string
  readonly errorStatement?: string
  readonly toolVersion: string
}

/** Create the schema and table when missing. */
export async function ensureHistory(db: Database): Promise<void> {
  const r = await db.query<{ t: string | null }>(`SELECT to_regclass('data_migrate.history')::text AS t`)
  if (r.rows[0]?.t) return
  await db.exec(DDL)
}

/** The latest attempt of each migration, by name. */
export async function latestByName(db: Database): Promise<Map<string, HistoryRow>> {
  const r = await db.query<HistoryRow>(
    `SELECT DISTINCT ON (name) id::int AS id, name, checksum, status, finished_at::text AS finished_at, completed, error
       FROM data_migrate.history ORDER BY name, id DESC`,
  )
  return new Map(r.rows.map((row) => [row.name, row]))
}

/** The applied row of a migration, if any. */
export async function appliedRow(db: Database, name: string): Promise<HistoryRow | undefined> {
  const r = await db.query<HistoryRow>(
    `SELECT id::int AS id, name, checksum, status, finished_at::text AS finished_at, completed, error
       FROM data_migrate.history WHERE name = $1 ORDER BY id DESC LIMIT 1`,
    [name],
  )
  return r.rows[0]
}

/** Insert one attempt; returns its id. Values are bound, never spliced. */
export async function insertHistory(db: Database, row: NewHistoryRow): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO data_migrate.history (name, checksum, status, started_at, finished_at, duration_ms, steps, completed, baseline, validation, error, error_statement, tool_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13) RETURNING id::int AS id`,
    [
      row.name, row.checksum, row.status, row.startedAt.toISOString(), row.finishedAt.toISOString(),
      row.finishedAt.getTime() - row.startedAt.getTime(), JSON.stringify(row.steps), JSON.stringify(row.completed),
      JSON.stringify(row.baseline), JSON.stringify(row.validation), row.error ?? null, row.errorStatement ?? null, row.toolVersion,
    ],
  )
  return r.rows[0]!.id
}
