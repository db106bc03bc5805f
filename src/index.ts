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
export { DataMigrateError, ERROR_CODES, EXIT, isDataMigrateError, formatError } from './errors.js'
export type { ErrorCode, ErrorLocation, ExitCode } from './errors.js'
export type { Database, DatabaseTarget, QueryResult, CopySpec } from './db/database.js'
export { resolveTarget, connect } from './db/connect.js'
