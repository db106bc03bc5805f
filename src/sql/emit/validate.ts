/**
 * The validation script: checks that what was loaded is what the CSV held. All data checks come from one scan
 * of the table (row count, nulls per column, allowed sets, value ranges); the primary key and NOT NULLs are
 * confirmed from the catalog. It prints one row per check — `(check, expected, actual, ok)` — and then raises
 * an error when any check failed, so `psql -v ON_ERROR_STOP=1` exits non-zero and `data-migrate run` rolls back.
 * Pure: schema in, SQL text out.
 */
import type { InferredColumn, InferredSchema } from '../../schema/model.js'
import { renderType } from '../../schema/model.js'
import { quoteIdent, quoteLiteral, quoteQualified } from '../quote.js'

/** One check as the validation script reports it, with the value the inference expects. */
export interface ExpectedCheck {
  readonly check: string
  readonly expected: string
}

const RANGE_KINDS = new Set(['smallint', 'integer', 'bigint', 'numeric', 'double precision', 'date', 'time', 'timestamp', 'timestamptz'])

/** Whether the report can promise a min/max check for a column (text order depends on collation: skipped). */
function hasRange(c: InferredColumn): boolean {
  return RANGE_KINDS.has(c.type.kind) && c.stats.min !== undefined && c.stats.max !== undefined
}

/** A typed literal for a value in the column's canonical text form (as inference reports min/max). */
function typedLiteral(c: InferredColumn, value: string): string {
  return `${quoteLiteral(value)}::${renderType(c.type)}`
}

interface CheckSql extends ExpectedCheck {
  /** Aggregates this check needs from the scan, `alias → expression`. */
  readonly aggregates: readonly [string, string][]
  readonly actual: string
  readonly ok: string
}

function checksFor(schema: InferredSchema, table: string, dbSchema: string): CheckSql[] {
  const checks: CheckSql[] = [
    { check: 'row count', expected: String(schema.rows), aggregates: [['n', 'count(*)']], actual: 'n::text', ok: `n = ${schema.rows}` },
  ]
  const rel = quoteLiteral(quoteQualified(dbSchema, table))
  if (schema.primaryKey) {
    const pk = schema.primaryKey
    const exists = `EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = ${rel}::regclass AND c.contype = 'p' AND c.convalidated AND a.attname = ${quoteLiteral(pk)})`
    checks.push({ check: `primary key ${pk} unique and not null`, expected: 'enforced', aggregates: [], actual: `CASE WHEN ${exists} THEN 'enforced' ELSE 'missing' END`, ok: exists })
  }
  schema.columns.forEach((c, i) => {
    const col = quoteIdent(c.name)
    const nulls = `nulls_${i + 1}`
    if (c.name === schema.primaryKey) return
    checks.push(
      c.nullable
        ? { check: `nulls in ${c.name}`, expected: String(c.stats.nulls), aggregates: [[nulls, `count(*) FILTER (WHERE ${col} IS NULL)`]], actual: `${nulls}::text`, ok: `${nulls} = ${c.stats.nulls}` }
        : { check: `no nulls in ${c.name}`, expected: '0', aggregates: [[nulls, `count(*) FILTER (WHERE ${col} IS NULL)`]], actual: `${nulls}::text`, ok: `${nulls} = 0` },
    )
    if (c.allowedValues && c.allowedValues.length > 0) {
      const outside = `outside_${i + 1}`
      const list = c.allowedValues.map((v) => typedLiteral(c, v)).join(', ')
      checks.push({
        check: `${c.name} in allowed set (${c.allowedValues.length} values)`,
        expected: '0 outside',
        aggregates: [[outside, `count(*) FILTER (WHERE ${col} IS NOT NULL AND ${col} NOT IN (${list}))`]],
        actual: `${outside}::text || ' outside'`,
        ok: `${outside} = 0`,
      })
    }
    if (hasRange(c)) {
      const lo = `min_${i + 1}`
      const hi = `max_${i + 1}`
      checks.push({
        check: `range of ${c.name}`,
        expected: `${c.stats.min} .. ${c.stats.max}`,
        aggregates: [[lo, `min(${col})`], [hi, `max(${col})`]],
        actual: `${lo}::text || ' .. ' || ${hi}::text`,
        ok: `${lo} = ${typedLiteral(c, c.stats.min!)} AND ${hi} = ${typedLiteral(c, c.stats.max!)}`,
      })
    }
  })
  return checks
}

/** The checks the validation script runs, with expected values (for the generate report). */
export function expectedChecks(schema: InferredSchema, table: string, dbSchema: string): ExpectedCheck[] {
  return checksFor(schema, table, dbSchema).map(({ check, expected }) => ({ check, expected }))
}

/** Build the validation script. */
export function validationScript(opts: { schema: InferredSchema; table: string; dbSchema: string; forwardFile: string; generatedAt: string }): string {
  const { schema, table, dbSchema } = opts
  const checks = checksFor(schema, table, dbSchema)
  const view = quoteIdent(`_dm_validate_${table}`.slice(0, 63))
  const aggregates = checks.flatMap((c) => c.aggregates)
  const scan = `WITH s AS (\n  SELECT ${aggregates.map(([alias, expr]) => `${expr} AS ${alias}`).join(',\n         ')}\n  FROM ${quoteQualified(dbSchema, table)}\n)`
  const rows = checks.map(
    (c, k) => `${k === 0 ? 'SELECT' : 'UNION ALL SELECT'} ${k + 1} AS n, ${quoteLiteral(c.check)} AS "check", ${quoteLiteral(c.expected)} AS expected, ${c.actual} AS actual, (${c.ok}) IS TRUE AS ok FROM s`,
  )
  return [
    `-- Validation for ${opts.forwardFile}`,
    `-- Generated by data-migrate at ${opts.generatedAt}. One row per check (check, expected, actual, ok); fails when any check fails.`,
    '\\set ON_ERROR_STOP on',
    '',
    // A temporary table, not a view: the checks scan the table once, then are read twice (rows, then the verdict).
    `DROP TABLE IF EXISTS pg_temp.${view};`,
    `CREATE TEMPORARY TABLE ${view} AS`,
    scan,
    `${rows.join('\n')};`,
    '',
    `SELECT "check", expected, actual, ok FROM ${view} ORDER BY n;`,
    '',
    'DO $data_migrate$',
    'DECLARE',
    '  failed text;',
    'BEGIN',
    `  SELECT string_agg("check" || ' (expected ' || expected || ', got ' || coalesce(actual, 'null') || ')', '; ' ORDER BY n) INTO failed FROM ${view} WHERE NOT ok;`,
    '  IF failed IS NOT NULL THEN',
    `    RAISE EXCEPTION 'data-migrate validation failed: %', failed;`,
    '  END IF;',
    'END',
    '$data_migrate$;',
    '',
    '-- All checks passed: leave nothing behind in the session.',
    `DROP TABLE ${view};`,
    '',
  ].join('\n')
}
