/**
 * data-migrate as a library: the same actions as the CLI, with typed options and results.
 *
 * ```ts
 * import { generate } from 'data-migrate'
 * const result = await generate({ source: 'examples/orders.csv', table: 'orders' })
 * ```
 */
export { generate } from './actions/generate.js'
export type { GenerateOptions, GenerateResult, GeneratedColumn } from './actions/generate.js'
export { plan } from './actions/plan.js'
export type { PlanOptions, PlanResult } from './actions/plan.js'
export { run } from './actions/run.js'
export type { RunOptions, RunResult, MigrationRun, RunEvent, RunStep, ValidationRow } from './actions/run.js'
export { status } from './actions/status.js'
export { backfill } from './actions/backfill.js'
export type { BackfillOptions, BackfillResult, BackfillBatch, BackfillEvent } from './actions/backfill.js'
export type { StatusOptions, StatusResult, StatusEntry } from './actions/status.js'
export { DataMigrateError, ERROR_CODES, EXIT, isDataMigrateError, formatError } from './errors.js'
export type { ErrorCode, ErrorLocation, ExitCode } from './errors.js'
export type { Database, DatabaseTarget, QueryResult, CopySpec } from './db/database.js'
export { resolveTarget, connect } from './db/connect.js'
