/**
 * `generate`: read a CSV in one streaming pass, infer a PostgreSQL schema from every row, and write the forward
 * migration (CREATE TABLE + load), its rollback and its validation queries, atomically.
 */
import { statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { scanCsv } from '../csv/read.js'
import { isGzipFile } from '../csv/source.js'
import type { Encoding } from '../csv/record.js'
import { createInference } from '../schema/infer.js'
import { createParallelInference, parallelWorthIt, type ParallelInference } from '../schema/parallel.js'
import { validateTableName } from '../schema/identifiers.js'
import type { DateOrder, InferredSchema } from '../schema/model.js'
import { renderType } from '../schema/model.js'
import { forwardScript, type LoadPlan } from '../sql/emit/load.js'
import { rollbackScript } from '../sql/emit/rollback.js'
import { validationScript, expectedChecks, type ExpectedCheck } from '../sql/emit/validate.js'
import { createTableSql } from '../sql/emit/create-table.js'
import { writeFilesAtomically } from '../util/atomic-write.js'
import { fileStamp, utcText } from '../util/timestamp.js'
import { DataMigrateError } from '../errors.js'

/** Options of {@link generate}; the CLI flags map one to one. */
export interface GenerateOptions {
  /** The CSV file (`.gz` accepted). */
  readonly source: string
  /** Target table name: a valid lowercase identifier. */
  readonly table: string
  /** Only `postgres` is supported. */
  readonly target?: string
  /** Database schema of the table (default `public`). */
  readonly schema?: string
  /** Output directory (default `migrations`). */
  readonly out?: string
  readonly delimiter?: string
  readonly quote?: string
  readonly encoding?: string
  /** Force header / no header; detected when undefined. */
  readonly header?: boolean
  readonly dateOrder?: DateOrder
  /** Extra null tokens besides '', NULL and \N. */
  readonly nullTokens?: readonly string[]
  /** A column name to force as primary key, or `none`. */
  readonly primaryKey?: string
  /** `varchar(n)` instead of `text`. */
  readonly varchar?: boolean
  /** Resolve relative paths against this directory (default: process.cwd()). */
  readonly cwd?: string
  /** Clock for the file stamp (tests). */
  readonly now?: Date
}

/** One column as `--json` reports it. */
export interface GeneratedColumn {
  readonly name: string
  readonly sourceName: string
  readonly type: string
  readonly nullable: boolean
  readonly nulls: number
  readonly distinct: number
  readonly distinctExact: boolean
  readonly min: string | null
  readonly max: string | null
  readonly maxLength: number
  readonly allowedValues?: readonly string[]
  readonly notes: readonly string[]
}

/** The result of {@link generate}: the `--json` document. */
export interface GenerateResult {
  readonly source: string
  readonly target: 'postgres'
  readonly schema: string
  readonly table: string
  readonly rows: number
  readonly bytes: number
  readonly dialect: {
    readonly encoding: Encoding
    readonly bom: boolean
    readonly delimiter: string
    readonly quote: string
    readonly escape: string
    readonly header: boolean
    readonly lineEnding: string
  }
  readonly columns: readonly GeneratedColumn[]
  readonly primaryKey: string | null
  readonly files: { readonly forward: string; readonly rollback: string; readonly validate: string }
  readonly load: { readonly strategy: LoadPlan['strategy']; readonly reasons: readonly string[]; readonly dateStyle?: string }
  /** The CREATE TABLE statement, as written in the forward file. */
  readonly createTable: string
  /** Checks the validation file runs, with the values expected from the CSV. */
  readonly checks: readonly ExpectedCheck[]
  readonly notes: readonly string[]
  readonly durationMs: number
}


function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/')
}

/**
 * Generate the migration trio for a CSV file.
 *
 * ```ts
 * const r = await generate({ source: 'examples/orders.csv', table: 'orders' })
 * console.log(r.files.forward, r.columns.map((c) => `${c.name} ${c.type}`))
 * ```
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const started = Date.now()
  const cwd = options.cwd ?? process.cwd()
  const target = options.target ?? 'postgres'
  if (target !== 'postgres') {
    throw new DataMigrateError('INVALID_OPTION', `--target ${target} is not supported`, { hint: 'data-migrate generates PostgreSQL migrations: use --target postgres' })
  }
  const table = validateTableName(options.table)
  const dbSchema = validateTableName(options.schema ?? 'public')
  const sourceAbs = resolve(cwd, options.source)
  const inference: { current?: ReturnType<typeof createInference>; parallel?: ParallelInference } = {}
  const inferOptions = {
    table,
    ...(options.dateOrder !== undefined && { dateOrder: options.dateOrder }),
    ...(options.nullTokens !== undefined && { nullTokens: options.nullTokens }),
    ...(options.primaryKey !== undefined && { primaryKey: options.primaryKey }),
    ...(options.varchar !== undefined && { varchar: options.varchar }),
  }
  let fileBytes = 0
  try {
    fileBytes = statSync(sourceAbs).size
  } catch {
    // scanCsv reports a missing or unreadable file with its own error
  }
  let schema: InferredSchema
  try {
    const summary = await scanCsv(
      sourceAbs,
      {
        displayName: options.source,
        ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
        ...(options.quote !== undefined && { quote: options.quote }),
        ...(options.header !== undefined && { header: options.header }),
        ...(options.encoding !== undefined && { encoding: options.encoding }),
        onBytes: (chunk) => inference.parallel?.bytes(chunk),
      },
      (dialect, headerNames) => {
        // Called again when a late invalid UTF-8 byte restarts the pass as Windows-1252.
        inference.parallel?.abort()
        inference.parallel = undefined
        if (parallelWorthIt(fileBytes, headerNames.length)) {
          inference.parallel = createParallelInference(dialect, headerNames, inferOptions)
          return inference.parallel
        }
        inference.current = createInference(dialect, headerNames, inferOptions)
        return inference.current
      },
    )
    const sum = { records: summary.records, bytes: summary.bytes }
    if (inference.parallel) schema = await inference.parallel.finish(sum)
    else if (inference.current) schema = inference.current.finish(sum)
    else throw new DataMigrateError('INTERNAL', 'the scanner produced no records sink')
  } finally {
    inference.parallel?.abort()
  }

  const now = options.now ?? new Date()
  const stamp = fileStamp(now)
  const generatedAt = utcText(now)
  const outDir = resolve(cwd, options.out ?? 'migrations')
  const base = `${stamp}_create_${table}`
  const forwardPath = join(outDir, `${base}.sql`)
  const rollbackPath = join(outDir, `${base}_rollback.sql`)
  const validatePath = join(outDir, `${base}_validate.sql`)
  const display = (p: string): string => {
    const r = relative(cwd, p)
    return toPosix(r.startsWith('..') || isAbsolute(r) ? p : r)
  }
  // \copy paths are relative to the directory psql (or data-migrate run) is started from: where generate ran.
  const copyPath = display(sourceAbs)
  const forwardFile = `${base}.sql`
  const { script: forward, plan: load } = forwardScript({
    schema, table, dbSchema, sourcePath: copyPath, gzip: isGzipFile(sourceAbs), sourceName: options.source, generatedAt,
  })
  const validate = validationScript({ schema, table, dbSchema, forwardFile, generatedAt })
  const rollback = rollbackScript({ table, schema: dbSchema, forwardFile, generatedAt })
  writeFilesAtomically([
    { path: forwardPath, content: forward },
    { path: rollbackPath, content: rollback },
    { path: validatePath, content: validate },
  ])
  const d = schema.dialect
  return {
    source: options.source,
    target: 'postgres',
    schema: dbSchema,
    table,
    rows: schema.rows,
    bytes: schema.bytes,
    dialect: { encoding: d.encoding, bom: d.bom, delimiter: d.delimiter, quote: d.quote, escape: d.escape, header: d.header, lineEnding: d.lineEnding },
    columns: schema.columns.map((c) => ({
      name: c.name,
      sourceName: c.sourceName,
      type: renderType(c.type),
      nullable: c.nullable,
      nulls: c.stats.nulls,
      distinct: c.stats.distinct,
      distinctExact: c.stats.distinctExact,
      min: c.stats.min ?? null,
      max: c.stats.max ?? null,
      maxLength: c.stats.maxLength,
      ...(c.allowedValues && { allowedValues: c.allowedValues }),
      notes: c.notes,
    })),
    primaryKey: schema.primaryKey ?? null,
    files: { forward: display(forwardPath), rollback: display(rollbackPath), validate: display(validatePath) },
    load: { strategy: load.strategy, reasons: load.reasons, ...(load.dateStyle && { dateStyle: load.dateStyle }) },
    createTable: createTableSql(schema, table, dbSchema),
    checks: expectedChecks(schema, table, dbSchema),
    notes: schema.notes,
    durationMs: Date.now() - started,
  }
}
