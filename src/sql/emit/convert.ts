/**
 * How a staged text value becomes a typed one. The staging table is loaded by `COPY … (FORMAT csv)` with the
 * default null handling, so an unquoted empty field arrives as NULL and a quoted `""` as ''. This expression then
 * maps null tokens (and '' for non-text columns) to NULL and converts the text *explicitly*, independent of the
 * session's DateStyle or locale: decimal commas and thousands separators are removed, day-first dates are
 * rearranged to ISO (2-digit years as PostgreSQL reads them: 00–69 → 20xx). Pure.
 */
import type { InferredColumn } from '../../schema/model.js'
import { renderType } from '../../schema/model.js'
import { quoteLiteral } from '../quote.js'

const TEXT = new Set(['text', 'varchar'])

/** True when the column's text needs more than a plain cast (or null-token mapping) to be read. */
export function needsConversion(column: InferredColumn): boolean {
  return column.format.kind !== 'native' || column.stats.nullTokensSeen.length > 0
}

function dayFirstToIso(x: string, order: 'DMY' | 'MDY'): string {
  const [d, m] = order === 'DMY' ? ['q.m[1]', 'q.m[2]'] : ['q.m[2]', 'q.m[1]']
  const year = "CASE WHEN length(q.m[3]) = 2 THEN ((CASE WHEN q.m[3]::int < 70 THEN 2000 ELSE 1900 END) + q.m[3]::int)::text ELSE q.m[3] END"
  const iso = `lpad(${year}, 4, '0') || '-' || lpad(${m}, 2, '0') || '-' || lpad(${d}, 2, '0') || q.m[4]`
  // Year-first values in the same column are already ISO: they pass through unchanged.
  return `(SELECT CASE WHEN q.m IS NULL THEN ${x} ELSE ${iso} END FROM (SELECT regexp_match(${x}, '^(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4}|\\d{2})(.*)$') AS m) AS q)`
}

/**
 * SQL turning the raw text `x`. With `dateStyleOrder`, the script has set `DateStyle` to that order, so dates in
 * that order are cast natively (PostgreSQL's date parser is far faster than a regular expression per value).
 * Otherwise the text (an expression, e.g. a staging column) is converted into `column`'s type, meaning exactly
 * what the CSV meant. `nullTokens` are the file's null tokens; only those seen in the column are tested.
 */
export function readExpression(column: InferredColumn, x: string, nullTokens: readonly string[], options: { dateStyleOrder?: 'DMY' | 'MDY' | 'YMD' } = {}): string {
  const type = renderType(column.type)
  const isText = TEXT.has(column.type.kind)
  const tokens = column.stats.nullTokensSeen.filter((t) => t !== '' && nullTokens.includes(t))
  const nullIf: string[] = []
  if (!isText) nullIf.push(`${x} = ''`)
  if (tokens.length > 0) nullIf.push(`${x} IN (${tokens.map(quoteLiteral).join(', ')})`)
  let conv: string
  const f = column.format
  if (f.kind === 'number') {
    let t = x
    if (f.group) t = `replace(${t}, ${quoteLiteral(f.group)}, '')`
    if (f.decimal === ',') t = `replace(${t}, ',', '.')`
    conv = `${t}::${type}`
  } else if (f.kind === 'date-order' && f.order !== 'YMD' && f.order !== options.dateStyleOrder) {
    conv = `${dayFirstToIso(x, f.order)}::${type}`
  } else {
    conv = isText && column.type.kind === 'text' ? x : `${x}::${type}`
  }
  return nullIf.length > 0 ? `CASE WHEN ${nullIf.join(' OR ')} THEN NULL ELSE ${conv} END` : conv
}
