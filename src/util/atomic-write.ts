import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { DataMigrateError } from '../errors.js'

/**
 * Write several files so that either all of them appear or none does: each is written to a hidden temporary
 * name beside its target, then all are renamed into place. Refuses to overwrite an existing file.
 */
export function writeFilesAtomically(files: readonly { path: string; content: string }[]): void {
  for (const f of files) {
    if (existsSync(f.path)) {
      throw new DataMigrateError('FILE_UNREADABLE', `${f.path} already exists`, { where: { file: f.path }, hint: 'remove it or choose another --out directory' })
    }
  }
  const temps: string[] = []
  const done: string[] = []
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true })
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.tmp`)
      writeFileSync(tmp, f.content, { flag: 'wx' })
      temps.push(tmp)
    }
    files.forEach((f, i) => {
      renameSync(temps[i]!, f.path)
      done.push(f.path)
    })
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true })
    for (const d of done) rmSync(d, { force: true })
    if (e instanceof DataMigrateError) throw e
    const err = e as NodeJS.ErrnoException
    throw new DataMigrateError('FILE_UNREADABLE', `could not write migration files: ${err.message}`, { hint: 'check that the --out directory is writable', cause: e })
  }
}
