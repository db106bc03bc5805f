/**
 * The I/O edge for migration files: read one (with its rollback and validation companions), list a directory's
 * pending order, checksum. Naming conventions recognised: `<name>.sql` + `<name>_rollback.sql` +
 * `<name>_validate.sql` (what `generate` writes), golang-migrate `<name>.up.sql` + `<name>.down.sql`, dbmate and
 * node-pg-migrate sections in one file, Flyway `V<n>__<name>.sql`.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { DataMigrateError } from '../errors.js'
import { splitSections, atFileLine, type MigrationSections } from './sections.js'

export interface CompanionScript {
  readonly path: string
  /** Text whose line numbers are file lines (sections are padded). */
  readonly text: string
  readonly source: 'option' | 'paired-file' | 'down-file' | 'section'
}

export interface MigrationFile {
  readonly path: string
  /** Migration name: the file name without `.sql` / `.up.sql`. */
  readonly name: string
  /** The forward script, padded so statement lines are file lines. */
  readonly text: string
  readonly format: MigrationSections['format'] | 'golang-migrate' | 'flyway'
  /** The file asks not to be wrapped in a transaction (dbmate `transaction:false`). */
  readonly noTransaction: boolean
  readonly rollback?: CompanionScript
  readonly validate?: CompanionScript
  /** sha256 of the file with CRLF normalised to LF (so a checkout's line endings are not drift). */
  readonly checksum: string
}

const COMPANION = /(_rollback|_validate|\.down)\.sql$/i

/** sha256 hex of text with CRLF → LF. */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex')
}

/** The migration name of a file path. */
export function migrationName(path: string): string {
  return basename(path).replace(/\.up\.sql$/i, '').replace(/\.sql$/i, '')
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new DataMigrateError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`, {
      where: { file: path },
      hint: code === 'ENOENT' ? 'check the path (relative to the current directory)' : 'check the file permissions',
    })
  }
}

/**
 * Read a migration and find its companions. `rollback`/`validate` override the paired files.
 */
export function readMigration(path: string, options: { rollback?: string; validate?: string } = {}): MigrationFile {
  const raw = readText(path, 'migration')
  const sections = splitSections(raw)
  const dir = dirname(path)
  const file = basename(path)
  const name = migrationName(path)
  const isUp = /\.up\.sql$/i.test(file)
  let rollback: CompanionScript | undefined
  if (options.rollback !== undefined) {
    rollback = { path: options.rollback, text: readText(options.rollback, 'rollback'), source: 'option' }
  } else if (sections.down && sections.down.text.trim()) {
    rollback = { path, text: atFileLine(sections.down.text, sections.down.line), source: 'section' }
  } else {
    const candidates: [string, CompanionScript['source']][] = [
      [join(dir, `${name}_rollback.sql`), 'paired-file'],
      [join(dir, `${name}.down.sql`), 'down-file'],
    ]
    for (const [p, source] of candidates) {
      if (existsSync(p)) {
        rollback = { path: p, text: readText(p, 'rollback'), source }
        break
      }
    }
  }
  let validate: CompanionScript | undefined
  const vPath = options.validate ?? join(dir, `${name}_validate.sql`)
  if (options.validate !== undefined || existsSync(vPath)) {
    validate = { path: vPath, text: readText(vPath, 'validation'), source: options.validate !== undefined ? 'option' : 'paired-file' }
  }
  const format: MigrationFile['format'] = isUp ? 'golang-migrate' : /^V\d+(?:[._]\d+)*__/.test(file) ? 'flyway' : sections.format
  return {
    path,
    name,
    text: atFileLine(sections.up, sections.upLine),
    format,
    noTransaction: sections.noTransaction,
    ...(rollback && { rollback }),
    ...(validate && { validate }),
    checksum: checksumOf(raw),
  }
}

/** Compare migration file names the way people number them: `V2__` before `V10__`, timestamps as text. */
export function compareMigrationNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })
}

/** Forward migration files of a directory, in the order they apply (companions excluded). */
export function listMigrations(dir: string): string[] {
  let entries: string[]
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })
    entries = readdirSync(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new DataMigrateError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `migrations directory ${dir} ${code === 'ENOENT' ? 'does not exist' : 'cannot be read'}`, {
      where: { file: dir },
      hint: 'pass --dir with the folder that holds the .sql files',
    })
  }
  return entries
    .filter((f) => /\.sql$/i.test(f) && !COMPANION.test(f))
    .sort(compareMigrationNames)
    .map((f) => join(dir, f))
}
