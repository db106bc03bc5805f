/**
 * The forward migration: one transaction that creates the table and loads every row of the CSV with `\copy`,
 * so that each stored value means what the CSV meant. Two strategies:
 * - direct: `\copy` straight into the table when PostgreSQL's input functions read every field as written
 *   (ISO values, or day-first dates that `SET LOCAL datestyle` covers, one null token, UTF-8 or Windows-1252);
 * - staging: `\copy` into a temporary all-text table, then `INSERT … SELECT` with an explicit conversion per
 *   column (decimal comma, mixed date orders, several null tokens, a BOM without header).
 * Pure: schema in, psql script text out.
 */
import type { InferredColumn, InferredSchema, DateOrder } from '../../schema/model.js'
import { quoteIdent, quoteLiteral, quoteQualified, quotePsqlFilename } from '../quote.js'
import { createTableSql } from './create-table.js'
import { readExpression } from './convert.js'

export interface LoadPlan {
  readonly strategy: 'direct' | 'staging'
  /** Why staging was needed, for the report. */
  readonly reasons: readonly string[]
  /** `SET LOCAL datestyle` value when the direct load relies on it. */
  readonly dateStyle?: string
}

export interface ForwardScriptOptions {
  readonly schema: InferredSchema
  readonly table: string
  readonly dbSchema: string
  /** The CSV path as `\copy` should open it: relative to the directory where the script is run. */
  readonly sourcePath: string
  /** The source is gzip-compressed. */
  readonly gzip: boolean
  readonly sourceName: string
  readonly generatedAt: string
}

const TEXT_KINDS = new Set(['text', 'varchar'])

function isText(c: InferredColumn): boolean {
  return TEXT_KINDS.has(c.type.kind)
}

/** Decide how to load: direct when no conversion is needed, else staging. */
export function planLoad(schema: InferredSchema): LoadPlan {
  const reasons: string[] = []
  const orders = new Set<DateOrder>()
  for (const c of schema.columns) {
    if (c.format.kind === 'number') reasons.push(`${c.name}: numbers written with '${c.format.decimal}' as decimal separator${c.format.group ? ` and '${c.format.group}' grouping` : ''}`)
    if (c.format.kind === 'date-order') orders.add(c.format.order)
    const tokens = c.stats.nullTokensSeen.filter((t) => t !== '')
    if (tokens.length > 0) reasons.push(`${c.name}: null written as ${tokens.map((t) => `'${t}'`).join(', ')}`)
  }
  if (orders.size > 1) reasons.push(`date columns use different day/month orders (${[...orders].join(', ')})`)
  if (schema.dialect.bom && !schema.dialect.header) reasons.push('byte-order mark on a file without header (COPY would keep it in the first value)')
  const delimiterOk = schema.dialect.delimiter.length === 1 && schema.dialect.delimiter.charCodeAt(0) < 128
  if (!delimiterOk) reasons.push(`delimiter ${JSON.stringify(schema.dialect.delimiter)} is not a single-byte character COPY accepts`)
  // One day/month order in the whole file: DateStyle reads it natively, on either strategy.
  const order = orders.size === 1 ? [...orders][0] : undefined
  const strategy = reasons.length > 0 ? 'staging' : 'direct'
  return order ? { strategy, reasons, dateStyle: `ISO, ${order}` } : { strategy, reasons }
}

/** COPY's `ENCODING` for the file, or undefined when the input is transcoded by a program first. */
function copyEncoding(schema: InferredSchema): string | undefined {
  switch (schema.dialect.encoding) {
    case 'utf-8':
      return 'UTF8'
    case 'windows-1252':
      return 'WIN1252'
    default:
      return undefined
  }
}

/** Single-quote a word for `sh -c`. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** The `FROM …` part of `\copy`: the file, or a program that decompresses/transcodes it. */
function copySource(opts: ForwardScriptOptions): string {
  const enc = opts.schema.dialect.encoding
  const steps: string[] = []
  if (opts.gzip) steps.push(`gzip -dc ${shellQuote(opts.sourcePath)}`)
  if (enc === 'utf-16le' || enc === 'utf-16be') {
    const from = enc === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'
    // iconv with an explicit byte order keeps a BOM as U+FEFF; strip it (the header line is skipped anyway).
    steps.push(opts.gzip ? `iconv -f ${from} -t UTF-8` : `iconv -f ${from} -t UTF-8 ${shellQuote(opts.sourcePath)}`)
  }
  if (steps.length === 0) return quotePsqlFilename(opts.sourcePath)
  return `PROGRAM ${quotePsqlFilename(steps.join(' | '))}`
}

function copyOptionList(schema: InferredSchema, forceNull: readonly string[], encoding: string | undefined): string {
  const d = schema.dialect
  const opts = ['FORMAT csv', `HEADER ${d.header ? 'true' : 'false'}`, `DELIMITER ${quoteLiteral(d.delimiter)}`]
  if (d.quote) {
    opts.push(`QUOTE ${quoteLiteral(d.quote)}`)
    if (d.escape && d.escape !== d.quote) opts.push(`ESCAPE ${quoteLiteral(d.escape)}`)
  } else {
    // No quoting in the file: pick a quote byte that cannot appear, so COPY treats every byte literally.
    opts.push(`QUOTE ${quoteLiteral('\u0001')}`)
  }
  if (encoding) opts.push(`ENCODING ${quoteLiteral(encoding)}`)
  if (forceNull.length > 0) opts.push(`FORCE_NULL (${forceNull.join(', ')})`)
  return `(${opts.join(', ')})`
}

/** The staging table's column names: c1…cN, independent of user names. */
function stagingColumn(i: number): string {
  return quoteIdent(`c${i + 1}`)
}

/** Build the forward psql script. */
export function forwardScript(opts: ForwardScriptOptions): { script: string; plan: LoadPlan } {
  const { schema, table, dbSchema } = opts
  const plan = planLoad(schema)
  const target = quoteQualified(dbSchema, table)
  const columnList = schema.columns.map((c) => quoteIdent(c.name))
  const encoding = copyEncoding(schema)
  const out: string[] = [
    `-- Forward migration: load ${opts.sourceName} into ${dbSchema}.${table}`,
    `-- Generated by data-migrate at ${opts.generatedAt}: ${schema.rows} rows, ${schema.columns.length} columns, types inferred from every row.`,
    `-- Run from the directory where it was generated (the \\copy path is relative to it):`,
    `--   psql -v ON_ERROR_STOP=1 -d <db> -f <this file>      or      data-migrate run --migration <this file>`,
    '\\set ON_ERROR_STOP on',
    '',
    'BEGIN;',
  ]
  if (plan.dateStyle) out.push(`SET LOCAL datestyle = ${quoteLiteral(plan.dateStyle)};`)
  out.push('', `${createTableSql(schema, table, dbSchema)};`, '')
  if (plan.strategy === 'direct') {
    // A quoted empty string ("") is '' for COPY; for a non-text column it means "no value".
    const forceNull = schema.columns.filter((c) => !isText(c) && c.stats.quotedEmpty).map((c) => quoteIdent(c.name))
    out.push(`\\copy ${target} (${columnList.join(', ')}) FROM ${copySource(opts)} WITH ${copyOptionList(schema, forceNull, encoding)}`)
  } else {
    const stage = quoteIdent(`_dm_stage_${table}`.slice(0, 63))
    out.push(`-- Conversions needed: ${plan.reasons.join('; ')}.`)
    out.push(`-- Rows are copied as text into a temporary table, then converted column by column.`)
    out.push(`CREATE TEMPORARY TABLE ${stage} (${schema.columns.map((_, i) => `${stagingColumn(i)} text`).join(', ')}) ON COMMIT DROP;`)
    out.push(`\\copy ${stage} FROM ${copySource(opts)} WITH ${copyOptionList(schema, [], encoding)}`)
    const exprs = schema.columns.map((c, i) => {
      let raw = `${stage}.${stagingColumn(i)}`
      if (i === 0 && schema.dialect.bom && !schema.dialect.header) raw = `regexp_replace(${raw}, '^\\uFEFF', '')`
      // Staging columns are text: every column goes through its read expression (a plain cast when native).
      const order = plan.dateStyle?.slice(5) as 'DMY' | 'MDY' | undefined
      return readExpression(c, raw, schema.nullTokens, order ? { dateStyleOrder: order } : {})
    })
    out.push(`INSERT INTO ${target} (${columnList.join(', ')})`)
    out.push(`SELECT ${exprs.map((e, i) => `${e} AS ${columnList[i]}`).join(',\n       ')}`)
    out.push(`FROM ${stage};`)
  }
  out.push('', `ANALYZE ${target};`, '', 'COMMIT;', '')
  return { script: out.join('\n'), plan }
}
