/**
 * The only way names and literal values reach generated SQL text. Values sent to a server at run time are bound
 * as parameters instead; these are for SQL files written to disk.
 */

/** Quote an identifier: always double-quoted, embedded quotes doubled. NUL is refused. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL byte')
  return `"${name.replace(/"/g, '""')}"`
}

/** `"schema"."table"`. */
export function quoteQualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name)
}

/**
 * Quote a string literal. Uses the standard-conforming form `'…'` with quotes doubled; strings containing a
 * backslash are still safe because `standard_conforming_strings` is on by default since 9.1 and generated
 * files set it explicitly.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL byte')
  return `'${value.replace(/'/g, "''")}'`
}

/** A psql `\copy` file name argument: single-quoted, quotes doubled (psql's own rule). */
export function quotePsqlFilename(path: string): string {
  return `'${path.replace(/'/g, "''")}'`
}
