/**
 * Regression: a load larger than one PGlite COPY chunk (16 MiB) failed with "Cannot perform Construct on a
 * detached ArrayBuffer" (the chunk handed to the worker was a view of the buffer still in use). Every backend must
 * load a multi-chunk body, with quoted newlines straddling chunk ends, and count the rows right.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'

for (const backend of BACKENDS) {
  describe(`${backend}: large COPY bodies`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await createTestDatabase(backend)
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('loads 40 MB in several chunks', async () => {
      const rows = 400_000
      async function* body(): AsyncIterable<Uint8Array> {
        yield Buffer.from('id,note\n')
        for (let k = 0; k < rows; k += 10_000) {
          let s = ''
          for (let i = k; i < k + 10_000; i++) s += `${i},"line one of ${i}\nline two, with ""quotes"" and padding ${'x'.repeat(50)}"\n`
          // Odd-sized pieces so records straddle every boundary.
          const b = Buffer.from(s)
          for (let at = 0; at < b.length; at += 777_777) yield b.subarray(at, at + 777_777)
        }
      }
      const db = await t.open()
      try {
        await db.exec('CREATE TABLE big_copy (id int PRIMARY KEY, note text)')
        const n = await db.copyFrom({ target: 'big_copy', format: 'csv', header: true }, body())
        expect(n).toBe(rows)
        const r = await db.query<{ n: number; last: string }>(`SELECT count(*)::int AS n, max(note) FILTER (WHERE id = ${rows - 1}) AS last FROM big_copy`)
        expect(r.rows[0]).toEqual({ n: rows, last: `line one of ${rows - 1}\nline two, with "quotes" and padding ${'x'.repeat(50)}` })
      } finally {
        await db.close()
      }
    }, 120_000)
  })
}
