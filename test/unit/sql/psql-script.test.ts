import { describe, it, expect } from 'vitest'
import { splitPsqlScript } from '../../../src/sql/psql-script.js'
import { parseScript } from '../../../src/sql/parse.js'
import { isDataMigrateError } from '../../../src/errors.js'

describe('splitPsqlScript', () => {
  it('splits statements, meta-commands and directives with line numbers', () => {
    const script = [
      '\\set ON_ERROR_STOP on',
      'BEGIN;',
      '-- data-migrate:ignore require-concurrent-index',
      'CREATE TABLE "a;b" (x text DEFAULT \';\', y text DEFAULT E\'it\\\'s;\');',
      '\\copy "a;b" FROM \'data.csv\' WITH (FORMAT csv, HEADER true)',
      'DO $body$ BEGIN RAISE NOTICE \'x;y\'; END $body$;',
      '/* multi',
      '   line; comment */ SELECT $1, $$a;b$$',
      ';COMMIT;',
    ].join('\n')
    const items = splitPsqlScript(script)
    expect(items.map((i) => [i.kind, i.line, i.kind === 'sql' ? i.text : i.kind === 'meta' ? i.command : i.name])).toEqual([
      ['meta', 1, 'set'],
      ['sql', 2, 'BEGIN'],
      ['directive', 3, 'ignore'],
      ['sql', 4, 'CREATE TABLE "a;b" (x text DEFAULT \';\', y text DEFAULT E\'it\\\'s;\')'],
      ['meta', 5, 'copy'],
      ['sql', 6, 'DO $body$ BEGIN RAISE NOTICE \'x;y\'; END $body$'],
      ['sql', 8, 'SELECT $1, $$a;b$$'],
      ['sql', 9, 'COMMIT'],
    ])
    const copy = items[4]
    expect(copy?.kind === 'meta' && copy.args).toBe('"a;b" FROM \'data.csv\' WITH (FORMAT csv, HEADER true)')
  })

  it('names the line where an unterminated quote opened', () => {
    const err = (() => {
      try {
        splitPsqlScript('SELECT 1;\n\nSELECT \'oops\n;\n', 'm.sql')
      } catch (e) {
        return e
      }
    })()
    expect(isDataMigrateError(err, 'SQL_SYNTAX')).toBe(true)
    expect((err as { where: { line: number } }).where.line).toBe(3)
  })
})

describe('parseScript', () => {
  it('parses every statement with its kind and line', async () => {
    const r = await parseScript('SET lock_timeout = \'1s\';\n\nALTER TABLE t ADD COLUMN c int;\nCREATE INDEX CONCURRENTLY i ON t (c);\n')
    expect(r.statements.map((s) => [s.index, s.line, s.kind])).toEqual([
      [1, 1, 'VariableSetStmt'], [2, 3, 'AlterTableStmt'], [3, 4, 'IndexStmt'],
    ])
  })

  it('reports a syntax error with file line:column and statement number', async () => {
    const err = await parseScript('SELECT 1;\n  ALTER TABLE x ADD COLUMN;\n', 'bad.sql').catch((e: unknown) => e)
    expect(isDataMigrateError(err, 'SQL_SYNTAX')).toBe(true)
    const where = (err as { where: { file: string; line: number; column: number; statement: number } }).where
    expect(where).toEqual({ file: 'bad.sql', line: 2, column: 27, statement: 2 })
  })

  it('counts columns after multi-byte characters in characters, not bytes', async () => {
    const err = await parseScript("SELECT 'é' FROM;\n").catch((e: unknown) => e)
    expect((err as { where: { column: number } }).where.column).toBe(16)
  })
})
