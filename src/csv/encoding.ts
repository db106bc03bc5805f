/**
 * Encodings: byte-order marks, incremental UTF-8 validation (a file that is not valid UTF-8 is read as
 * Windows-1252), UTF-16 transcoding, and field decoding. Pure (no I/O).
 */
import { isUtf8 } from 'node:buffer'
import { TextDecoder } from 'node:util'
import type { Encoding } from './record.js'

/** The encoding a byte-order mark announces, and the BOM's length. */
export function detectBom(head: Uint8Array): { encoding: Encoding; length: number } | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 }
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 }
  return undefined
}

/** Normalise a user's `--encoding` value. */
export function parseEncodingName(name: string): Encoding | undefined {
  const k = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (k === 'utf8') return 'utf-8'
  if (k === 'windows1252' || k === 'cp1252' || k === 'win1252' || k === 'latin1' || k === 'iso88591') return 'windows-1252'
  if (k === 'utf16le' || k === 'utf16') return 'utf-16le'
  if (k === 'utf16be') return 'utf-16be'
  return undefined
}

/**
 * Validates UTF-8 chunk by chunk (sequences may straddle chunks). `push` returns false once an invalid
 * sequence has been seen; `invalidAt` is then its absolute byte offset.
 */
export class Utf8Validator {
  #carry: Uint8Array = new Uint8Array(0)
  #offset = 0
  invalidAt = -1

  push(chunk: Uint8Array): boolean {
    if (this.invalidAt >= 0) return false
    let data = chunk
    if (this.#carry.length > 0) {
      data = new Uint8Array(this.#carry.length + chunk.length)
      data.set(this.#carry)
      data.set(chunk, this.#carry.length)
    }
    const start = this.#offset - this.#carry.length
    // Keep an incomplete trailing sequence for the next chunk.
    let cut = data.length
    for (let back = 1; back <= 3 && back <= data.length; back++) {
      const b = data[data.length - back]!
      if ((b & 0xc0) === 0x80) continue
      if (b >= 0xc0) {
        const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
        if (need > back) cut = data.length - back
      }
      break
    }
    const body = data.subarray(0, cut)
    if (!isUtf8(body)) {
      this.invalidAt = start + firstInvalid(body)
      return false
    }
    this.#carry = data.slice(cut)
    this.#offset += chunk.length
    return true
  }

  /** At end of input, a dangling partial sequence is invalid too. */
  end(): boolean {
    if (this.invalidAt < 0 && this.#carry.length > 0) this.invalidAt = this.#offset - this.#carry.length
    return this.invalidAt < 0
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (only called once a chunk failed). */
function firstInvalid(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]!
    if (c < 0x80) {
      i++
      continue
    }
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1
    if (need < 0 || i + need >= b.length + 1) return i
    if (!isUtf8(b.subarray(i, i + need + 1))) return i
    i += need + 1
  }
  return b.length
}

// Windows-1252 → Unicode for 0x80–0x9F; the rest equals Latin-1.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]

/** Windows-1252 byte → UTF-16 code unit, all 256 entries (the five bytes Windows leaves undefined map to C1). */
const CP1252 = new Uint16Array(256)
for (let b = 0; b < 256; b++) CP1252[b] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b

/** Decode Windows-1252 bytes `buf[start, end)`. */
export function decodeWindows1252(buf: Uint8Array, start: number, end: number): string {
  const n = end - start
  if (n <= 0) return ''
  const codes = new Uint16Array(n)
  for (let i = 0; i < n; i++) codes[i] = CP1252[buf[start + i]!]!
  // fromCharCode on a bounded slice: fields can be long, and spreading a huge array overflows the stack.
  let s = ''
  for (let i = 0; i < n; i += 8192) s += String.fromCharCode(...codes.subarray(i, Math.min(n, i + 8192)))
  return s
}

const utf8 = new TextDecoder('utf-8')

/** Decode one field's bytes as text in the file's (scanned) encoding. ASCII takes a fast path. */
export function decodeField(buf: Uint8Array, start: number, end: number, encoding: Encoding): string {
  let ascii = true
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1')
  return encoding === 'windows-1252' ? decodeWindows1252(buf, start, end) : utf8.decode(buf.subarray(start, end))
}

/** Transcode a UTF-16 byte stream (BOM already stripped) to UTF-8 chunks. */
export async function* utf16ToUtf8(source: AsyncIterable<Uint8Array>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Uint8Array> {
  const dec = new TextDecoder(encoding)
  for await (const chunk of source) {
    const s = dec.decode(chunk, { stream: true })
    if (s.length > 0) yield Buffer.from(s, 'utf8')
  }
  const tail = dec.decode()
  if (tail.length > 0) yield Buffer.from(tail, 'utf8')
}
