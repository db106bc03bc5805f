/**
 * psql's `\copy` read into a COPY the database layer can stream: `\copy table [(cols)] FROM 'file' | PROGRAM
 * 'cmd' | stdin [WITH] (options)` (also the old `csv header delimiter ';'` option style). The options are read
 * by the real parser from a synthesised `COPY … FROM STDIN …`.
 */
import { parseSync } from 'libpg-query'
import type { CopySpec } from '../db/database.js'
import { DataMigrateError } from '../errors.js'

export type CopySource = { kind: 'file'; path: string } | { kind: 'program'; command: string }

export interface PsqlCopy {
  readonly spec: CopySpec
  readonly source: CopySource
  /** `schema.table` as written, for labels. */
  readonly table: string
}

const PSQL_STRING = /^'((?:[^']|'')*)'/

function unquote(s: string): string {
  return s.replace(/''/g, "'")
}

type Def = { DefElem?: { defname?: string; arg?: { String?: { sval?: string }; Boolean?: { boolval?: boolean }; Integer?: { ival?: number }; List?: { items?: { String?: { sval?: string } }[] } } } }

/** Parse the arguments of a `\copy` line (everything after `\copy`). */
export function parseCopyMeta(args: string, where: { file?: string; line: number }): PsqlCopy {
  const fail = (msg: string, hint: string): DataMigrateError => new DataMigrateError('SQL_UNSUPPORTED', msg, { where: { ...(where.file !== undefined && { file: where.file }), line: where.line }, hint })
  const m = /^([\s\S]+?)\s+from\s+([\s\S]*)$/i.exec(args.trim())
  if (!m) throw fail('only \\copy … FROM is supported in a migration', 'a migration loads data; exports (\\copy … TO) do not belong in it')
  const target = m[1]!.trim()
  let rest = m[2]!.trim()
  let source: CopySource
  const prog = /^program\s+/i.exec(rest)
  if (prog) {
    const q = PSQL_STRING.exec(rest.slice(prog[0].length))
    if (!q) throw fail('\\copy … FROM PROGRAM needs a quoted command', "write PROGRAM 'gzip -dc data.csv.gz'")
    source = { kind: 'program', command: unquote(q[1]!) }
    rest = rest.slice(prog[0].length + q[0].length)
  } else if (/^(stdin|pstdin)\b/i.test(rest)) {
    throw fail('\\copy … FROM stdin reads the terminal, which a migration run does not have', "put the data in a file and use \\copy … FROM 'file.csv'")
  } else {
    const q = PSQL_STRING.exec(rest)
    if (q) {
      source = { kind: 'file', path: unquote(q[1]!) }
      rest = rest.slice(q[0].length)
    } else {
      const w = /^(\S+)/.exec(rest)!
      source = { kind: 'file', path: w[1]! }
      rest = rest.slice(w[0].length)
    }
  }
  let stmt: { CopyStmt?: { relation?: { schemaname?: string; relname?: string }; attlist?: { String?: { sval?: string } }[]; options?: Def[] } } | undefined
  try {
    stmt = parseSync(`COPY ${target} FROM STDIN ${rest}`).stmts?.[0]?.stmt as typeof stmt
  } catch (e) {
    throw fail(`cannot read the \\copy options: ${(e as Error).message}`, 'write them as WITH (FORMAT csv, HEADER true, …)')
  }
  const copy = stmt?.CopyStmt
  if (!copy?.relation?.relname) throw fail('\\copy needs a table', 'write \\copy table (columns) FROM …')
  const spec: { -readonly [K in keyof CopySpec]?: CopySpec[K] } = { format: 'text' }
  const extra: string[] = []
  for (const o of copy.options ?? []) {
    const d = o.DefElem
    if (!d?.defname) continue
    const sval = d.arg?.String?.sval
    const bool = d.arg?.Boolean?.boolval ?? (sval === undefined ? true : !/^(false|off|0)$/i.test(sval))
    switch (d.defname) {
      case 'format':
        if (sval !== 'csv' && sval !== 'text' && sval !== 'binary') throw fail(`unknown COPY format ${sval}`, 'use csv or text')
        spec.format = sval
        break
      case 'csv':
        spec.format = 'csv'
        break
      case 'header':
        if (sval !== undefined && /^match$/i.test(sval)) extra.push('HEADER MATCH')
        else spec.header = bool
        break
      case 'delimiter':
        spec.delimiter = sval ?? ''
        break
      case 'quote':
        spec.quote = sval ?? ''
        break
      case 'escape':
        spec.escape = sval ?? ''
        break
      case 'null':
        spec.null = sval ?? ''
        break
      case 'encoding':
        spec.encoding = sval ?? ''
        break
      case 'force_null':
      case 'force_not_null': {
        const cols = (d.arg?.List?.items ?? []).map((i) => `"${(i.String?.sval ?? '').replace(/"/g, '""')}"`)
        if (d.defname === 'force_null') spec.forceNull = cols
        else spec.forceNotNull = cols
        break
      }
      default:
        throw fail(`COPY option ${d.defname} is not supported by data-migrate run`, 'supported: FORMAT, HEADER, DELIMITER, QUOTE, ESCAPE, NULL, ENCODING, FORCE_NULL, FORCE_NOT_NULL')
    }
  }
  const r = copy.relation
  const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`
  const cols = (copy.attlist ?? []).map((a) => qi(a.String?.sval ?? ''))
  return {
    spec: {
      ...spec,
      format: spec.format ?? 'text',
      target: r.schemaname ? `${qi(r.schemaname)}.${qi(r.relname!)}` : qi(r.relname!),
      ...(cols.length > 0 && { columns: cols }),
      ...(extra.length > 0 && { extraOptions: extra.join(', ') }),
    } as CopySpec,
    source,
    table: r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname!,
  }
}
