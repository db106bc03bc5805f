/**
 * Split a psql script into what psql would execute: SQL statements (ended by `;` outside quotes, comments and
 * dollar-quoted bodies), psql meta-commands (`\copy`, `\set`, …), and data-migrate directives
 * (`-- data-migrate:<name> <args>` comment lines). Pure: text in, items out, with 1-based line numbers.
 */
import { DataMigrateError } from '../errors.js'

/** One SQL statement, its text without the trailing `;`. */
export interface SqlItem {
  readonly kind: 'sql'
  readonly text: string
  /** 1-based line of the statement's first non-blank, non-comment character. */
  readonly line: number
  readonly endLine: number
  /** 1-based column of the statement's first character on `line`. */
  readonly column: number
  /** 0-based character offset of `text` in the script. */
  readonly offset: number
}

/** A psql backslash command, e.g. `\copy t FROM 'f.csv' WITH (FORMAT csv)` → command `copy`. */
export interface MetaItem {
  readonly kind: 'meta'
  /** The command name without the backslash, lower-cased (`copy`, `set`, `echo`, `i`…). */
  readonly command: string
  /** Everything after the command name, trimmed (the rest of the line). */
  readonly args: string
  readonly text: string
  readonly line: number
}

/** A `-- data-migrate:<name> <args>` comment on a line of its own. */
export interface DirectiveItem {
  readonly kind: 'directive'
  readonly name: string
  readonly args: string
  readonly line: number
}

export type ScriptItem = SqlItem | MetaItem | DirectiveItem

const DIRECTIVE = /^--\s*data-migrate:([a-z][a-z0-9-]*)\s*(.*?)\s*$/

/**
 * Split `script` (the whole file) into items. Throws `SQL_SYNTAX` for an unterminated quote, comment or
 * dollar-quoted body, naming the file and the line where it opened.
 */
export function splitPsqlScript(script: string, file?: string): ScriptItem[] {
  const items: ScriptItem[] = []
  const n = script.length
  let i = 0
  let line = 1
  // Start of the statement being collected (-1 when none); its first significant character's line.
  let stmtStart = -1
  let stmtLine = 0
  let atLineStart = true

  const where = (l: number) => ({ ...(file !== undefined && { file }), line: l })
  const flush = (end: number): void => {
    if (stmtStart < 0) return
    const text = script.slice(stmtStart, end).trimEnd()
    if (text.length > 0) {
      const endLine = stmtLine + countNewlines(text)
      const column = stmtStart - script.lastIndexOf('\n', stmtStart - 1)
      items.push({ kind: 'sql', text, line: stmtLine, endLine, column, offset: stmtStart })
    }
    stmtStart = -1
  }
  const begin = (): void => {
    if (stmtStart < 0) {
      stmtStart = i
      stmtLine = line
    }
  }

  while (i < n) {
    const c = script[i]!
    if (c === '\n') {
      line++
      i++
      atLineStart = true
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++
      continue
    }
    // psql meta-command: a backslash at the start of a line, outside any statement text.
    if (c === '\\' && atLineStart) {
      const eol = script.indexOf('\n', i)
      const end = eol < 0 ? n : eol
      const raw = script.slice(i, end).replace(/\r$/, '')
      if (stmtStart >= 0 && script.slice(stmtStart, i).trim().length > 0) {
        throw new DataMigrateError('SQL_SYNTAX', `psql meta-command ${raw.split(/\s/)[0]} in the middle of a statement`, {
          where: where(line),
          hint: 'end the previous statement with ; before the backslash command',
        })
      }
      stmtStart = -1
      const m = /^\\([A-Za-z!?]+)\s*(.*)$/.exec(raw)
      const command = (m?.[1] ?? '').toLowerCase()
      let args = (m?.[2] ?? '').trim()
      // `\\` ends a meta-command's arguments; psql ignores the rest as a new command separator.
      if (command !== 'copy' && args.includes('\\\\')) args = args.slice(0, args.indexOf('\\\\')).trim()
      items.push({ kind: 'meta', command, args, text: raw, line })
      i = end
      continue
    }
    atLineStart = false
    if (c === '-' && script[i + 1] === '-') {
      const eol = script.indexOf('\n', i)
      const end = eol < 0 ? n : eol
      if (stmtStart < 0) {
        const dm = DIRECTIVE.exec(script.slice(i, end).replace(/\r$/, ''))
        if (dm) items.push({ kind: 'directive', name: dm[1]!, args: dm[2] ?? '', line })
      }
      i = end
      continue
    }
    if (c === '/' && script[i + 1] === '*') {
      // Block comments nest in PostgreSQL.
      const openLine = line
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        const d = script[i]!
        if (d === '\n') line++
        if (d === '/' && script[i + 1] === '*') {
          depth++
          i += 2
        } else if (d === '*' && script[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
      if (depth > 0) throw new DataMigrateError('SQL_SYNTAX', 'unterminated /* comment', { where: where(openLine) })
      continue
    }
    if (c === ';') {
      flush(i)
      i++
      continue
    }
    begin()
    if (c === "'" || c === '"') {
      // A string ('…', E'…' with backslash escapes) or a quoted identifier ("…"); the quote doubles to escape.
      const escaped = c === "'" && isEscapeStringPrefix(script, i)
      const openLine = line
      i++
      for (;;) {
        if (i >= n) throw new DataMigrateError('SQL_SYNTAX', c === "'" ? 'unterminated quoted string' : 'unterminated quoted identifier', { where: where(openLine) })
        const d = script[i]!
        if (d === '\n') line++
        if (escaped && d === '\\') {
          if (script[i + 1] === '\n') line++
          i += 2
          continue
        }
        if (d === c) {
          if (script[i + 1] === c) {
            i += 2
            continue
          }
          i++
          break
        }
        i++
      }
      continue
    }
    if (c === '$') {
      const tag = dollarTag(script, i)
      if (tag !== undefined) {
        const openLine = line
        const close = script.indexOf(tag, i + tag.length)
        if (close < 0) throw new DataMigrateError('SQL_SYNTAX', `unterminated dollar-quoted string ${tag}`, { where: where(openLine) })
        line += countNewlines(script.slice(i, close))
        i = close + tag.length
        continue
      }
    }
    // Identifiers and keywords: skip a run of word characters at once (a `$` inside a word is not a quote).
    if (isWordChar(c)) {
      i++
      while (i < n && (isWordChar(script[i]!) || script[i] === '$')) i++
      continue
    }
    i++
  }
  flush(n)
  return items
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c > '\x7f'
}

/** `E'…'` strings take backslash escapes. */
function isEscapeStringPrefix(s: string, quoteAt: number): boolean {
  const p = s[quoteAt - 1]
  if (p !== 'E' && p !== 'e') return false
  const pp = s[quoteAt - 2]
  return pp === undefined || !isWordChar(pp)
}

/** The dollar-quote tag starting at `i` (`$$` or `$tag$`), or undefined when `$` starts no tag (e.g. `$1`). */
function dollarTag(s: string, i: number): string | undefined {
  const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(s.slice(i, i + 64))
  return m ? m[0] : undefined
}

function countNewlines(s: string): number {
  let k = 0
  for (let j = s.indexOf('\n'); j >= 0; j = s.indexOf('\n', j + 1)) k++
  return k
}

/** The line and column (1-based) of character `offset` in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lastNl = -1
  for (let j = text.indexOf('\n'); j >= 0 && j < offset; j = text.indexOf('\n', j + 1)) {
    line++
    lastNl = j
  }
  return { line, column: offset - lastNl }
}
