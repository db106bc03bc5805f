/**
 * Header text → SQL column names: snake_case ASCII, unique (case-insensitively, after truncation to
 * PostgreSQL's 63-byte limit), never empty, never a reserved word. Pure.
 */
import { DataMigrateError } from '../errors.js'

/** PostgreSQL's reserved key words (SQL Key Words appendix: "reserved" and "reserved (can be function or type)"). */
export const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'binary', 'both',
  'case', 'cast', 'check', 'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross',
  'current_catalog', 'current_date', 'current_role', 'current_schema', 'current_time', 'current_timestamp',
  'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for',
  'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in', 'initially', 'inner', 'intersect',
  'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'localtime', 'localtimestamp',
  'natural', 'not', 'notnull', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer', 'overlaps', 'placing',
  'primary', 'references', 'returning', 'right', 'select', 'session_user', 'similar', 'some', 'symmetric',
  'system_user', 'table', 'tablesample', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using',
  'variadic', 'verbose', 'when', 'where', 'window', 'with',
])

const MAX_BYTES = 63

/** snake_case ASCII form of one header (may be empty; uniqueness is handled by {@link columnNames}). */
export function snakeCase(header: string): string {
  const ascii = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining marks left by NFKD (é → e)
    .replace(/ß/g, 'ss')
    .replace(/[Øø]/g, 'o')
    .replace(/[Ææ]/g, 'ae')
    .replace(/[Œœ]/g, 'oe')
    .replace(/[Łł]/g, 'l')
    .replace(/%/g, ' pct ')
    .replace(/#/g, ' num ')
    // camelCase and PascalCase word boundaries: orderId → order_id, HTTPCode → http_code
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
  return ascii.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
}

function truncateBytes(s: string, max: number): string {
  // Names are ASCII by now, so bytes = characters.
  return s.length <= max ? s : s.slice(0, max).replace(/_+$/, '')
}

/**
 * SQL names for a header row: snake_case, `column_<n>` when empty, `_` prefix on a leading digit, `_` suffix on
 * reserved words, ≤ 63 bytes, unique (`name_2`, `name_3`…).
 */
export function columnNames(headers: readonly string[]): string[] {
  const used = new Set<string>()
  return headers.map((h, i) => {
    let base = snakeCase(h)
    if (base === '') base = `column_${i + 1}`
    if (/^[0-9]/.test(base)) base = `_${base}`
    base = truncateBytes(base, MAX_BYTES)
    if (RESERVED.has(base)) base = `${base}_`
    let name = base
    for (let k = 2; used.has(name); k++) {
      const suffix = `_${k}`
      name = `${truncateBytes(base, MAX_BYTES - suffix.length)}${suffix}`
    }
    used.add(name)
    return name
  })
}

/**
 * A table or schema name given by the user must already be a plain lowercase identifier: we never rename a
 * target silently. Returns it, or throws `INVALID_IDENTIFIER` (exit 2) suggesting the normalised form.
 */
export function validateTableName(name: string, what = 'table'): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && Buffer.byteLength(name) <= MAX_BYTES && !RESERVED.has(name)) return name
  const suggestion = columnNames([name])[0] ?? 'my_table'
  throw new DataMigrateError('INVALID_IDENTIFIER', `${what} name ${JSON.stringify(name)} is not a valid identifier`, {
    hint: `use lowercase letters, digits and _ (at most 63 bytes, not a reserved word), e.g. --${what} ${suggestion}`,
  })
}
