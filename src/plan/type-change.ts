/**
 * Does `ALTER COLUMN … TYPE` rewrite the table? Only when the new type is not binary-coercible from the old one
 * (PostgreSQL docs, ALTER TABLE; strong_migrations' safe list): raising a varchar limit or removing it, varchar →
 * text, raising numeric precision at the same scale, raising a timestamp/time/interval precision, cidr → inet, and
 * (PostgreSQL 12+, session TimeZone UTC) timestamp ↔ timestamptz are free; everything else rewrites. Pure.
 */

type Json = Record<string, unknown>

const CANONICAL: Record<string, string> = {
  int2: 'smallint', smallint: 'smallint', int4: 'integer', int: 'integer', integer: 'integer', int8: 'bigint', bigint: 'bigint',
  float4: 'real', real: 'real', float8: 'double precision', 'double precision': 'double precision', bool: 'boolean', boolean: 'boolean',
  varchar: 'character varying', 'character varying': 'character varying', bpchar: 'character', char: 'character', character: 'character',
  text: 'text', numeric: 'numeric', decimal: 'numeric', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone',
  time: 'time without time zone', timetz: 'time with time zone', date: 'date', uuid: 'uuid', json: 'json', jsonb: 'jsonb',
  interval: 'interval', citext: 'citext', inet: 'inet', cidr: 'cidr', bytea: 'bytea',
}

/** A type as `format_type()` prints it, split: base name and modifiers (`character varying`, [20]). */
export interface TypeSpec {
  readonly base: string
  readonly mods: readonly number[]
}

/** Read a `format_type` string: `character varying(20)`, `numeric(12,2)`, `timestamp(3) without time zone`. */
export function parseFormatType(t: string): TypeSpec {
  const m = /^([a-z ]+?)(?:\(([\d, ]+)\))?( with(?:out)? time zone)?$/.exec(t.trim().toLowerCase())
  if (!m) return { base: t.toLowerCase(), mods: [] }
  const base = `${m[1]!.trim()}${m[3] ?? ''}`
  return { base: CANONICAL[base] ?? base, mods: m[2] ? m[2].split(',').map((x) => Number(x.trim())) : [] }
}

/** The new type of a ColumnDef/TypeName node. */
export function typeFromNode(typeName: unknown): TypeSpec {
  const tn = (typeName ?? {}) as Json
  const parts = ((tn.names as { String?: { sval?: string } }[] | undefined) ?? []).map((x) => x.String?.sval ?? '')
  const name = parts.filter((p) => p !== 'pg_catalog').join('.').toLowerCase()
  const mods = ((tn.typmods as { A_Const?: { ival?: { ival?: number } } }[] | undefined) ?? []).map((x) => x.A_Const?.ival?.ival ?? 0)
  return { base: CANONICAL[name] ?? name, mods }
}

/** Whether changing `from` to `to` rewrites the table (true), is free (false). */
export function typeChangeRewrites(from: TypeSpec, to: TypeSpec, pgVersion: number, usingClause: boolean): boolean {
  if (usingClause) return true
  const a = from.base
  const b = to.base
  const [f0, f1] = from.mods
  const [t0, t1] = to.mods
  if (a === b) {
    if (a === 'character varying') return t0 !== undefined && (f0 === undefined || t0 < f0)
    if (a === 'numeric') {
      if (t0 === undefined) return false
      if (f0 === undefined) return true
      return (t1 ?? 0) !== (f1 ?? 0) || t0 < f0
    }
    if (/^(timestamp|time|interval)/.test(a)) return t0 !== undefined && (f0 === undefined || t0 < f0)
    if (a === 'character') return t0 !== f0
    return to.mods.join() !== from.mods.join()
  }
  if (a === 'character varying' && (b === 'text' || (b === 'citext' && false))) return false
  if (a === 'text' && b === 'citext') return false
  if (a === 'citext' && b === 'text') return false
  if (a === 'cidr' && b === 'inet') return false
  if (pgVersion >= 120000 && ((a === 'timestamp without time zone' && b === 'timestamp with time zone') || (a === 'timestamp with time zone' && b === 'timestamp without time zone'))) {
    // Free only when the session TimeZone is UTC; a plan without that knowledge says "rewrite".
    return true
  }
  return true
}
