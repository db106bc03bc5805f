/**
 * The I/O edge of the CSV layer: open a file and yield its bytes in large chunks, gunzipping transparently
 * (recognised by the gzip magic bytes, not the extension).
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { DataMigrateError } from '../errors.js'

const CHUNK = 1 << 20

function fileError(path: string, e: unknown): DataMigrateError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') {
    return new DataMigrateError('FILE_NOT_FOUND', `${path} does not exist`, { where: { file: path }, hint: 'check the --source path (relative to the current directory)', cause: e })
  }
  const why = code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (e as Error).message})`
  return new DataMigrateError('FILE_UNREADABLE', `${path} ${why}`, { where: { file: path }, hint: 'pass a readable CSV file', cause: e })
}

/** True when the file starts with the gzip magic bytes. Throws FILE_* errors for missing/unreadable paths. */
export function isGzipFile(path: string): boolean {
  let fd: number
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    fd = openSync(path, 'r')
  } catch (e) {
    throw fileError(path, e)
  }
  try {
    const b = Buffer.alloc(2)
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}

/** Stream the (decompressed) bytes of `path`. */
export async function* openSource(path: string): AsyncGenerator<Buffer> {
  const gz = isGzipFile(path)
  const raw = createReadStream(path, { highWaterMark: CHUNK })
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw
  try {
    for await (const chunk of stream) yield chunk as Buffer
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new DataMigrateError('FILE_UNREADABLE', `${path} is not a valid gzip file: ${(e as Error).message}`, { where: { file: path }, hint: 'the file may be truncated', cause: e })
    }
    throw fileError(path, e)
  } finally {
    raw.destroy()
  }
}
