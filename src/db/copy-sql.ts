import type { CopySpec } from './database.js'
import { quoteLiteral } from '../sql/quote.js'

/** The `WITH (…)` option list of a COPY, from a {@link CopySpec}. `headerOverride` lets PGlite chunk a load. */
export function copyOptions(spec: CopySpec, headerOverride?: boolean): string {
  const opts: string[] = [`FORMAT ${spec.format}`]
  if (spec.delimiter !== undefined) opts.push(`DELIMITER ${quoteLiteral(spec.delimiter)}`)
  if (spec.quote !== undefined) opts.push(`QUOTE ${quoteLiteral(spec.quote)}`)
  if (spec.escape !== undefined) opts.push(`ESCAPE ${quoteLiteral(spec.escape)}`)
  const header = headerOverride ?? spec.header
  if (header !== undefined) opts.push(`HEADER ${header ? 'true' : 'false'}`)
  if (spec.null !== undefined) opts.push(`NULL ${quoteLiteral(spec.null)}`)
  if (spec.encoding !== undefined) opts.push(`ENCODING ${quoteLiteral(spec.encoding)}`)
  if (spec.forceNull?.length) opts.push(`FORCE_NULL (${spec.forceNull.join(', ')})`)
  if (spec.forceNotNull?.length) opts.push(`FORCE_NOT_NULL (${spec.forceNotNull.join(', ')})`)
  if (spec.extraOptions) opts.push(spec.extraOptions)
  return `(${opts.join(', ')})`
}

/** `COPY target (cols) FROM <source> WITH (…)`. */
export function copyFromSql(spec: CopySpec, source: string, headerOverride?: boolean): string {
  const cols = spec.columns?.length ? ` (${spec.columns.join(', ')})` : ''
  return `COPY ${spec.target}${cols} FROM ${source} WITH ${copyOptions(spec, headerOverride)}`
}
