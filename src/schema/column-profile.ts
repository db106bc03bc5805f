/**
 * One accumulator per column: which types every value so far allows (a bitmask narrowed value by value), the
 * facts each type needs at the end (widths, scales, date orders, offsets), and the statistics (nulls, distinct,
 * min/max, max length, uniqueness). Memory is bounded per column whatever the number of rows. Pure.
 */
import { N_DEC, N_DECC, N_DECG, N_FLOAT, N_INT, compareDecimal, materialize, newNumberShape, scanNumber, type NumberShape } from './types/number.js'
import { DT_DMY, DT_MDY, DT_YMD, newDateTimeShape, scanDateTime, temporalKey, timeKey, timeText, keyText } from './types/date-time.js'
import { decodeField } from '../csv/encoding.js'
import type { Encoding } from '../csv/record.js'
import { HashSet } from './hash-set.js'

// Candidate bits of a column.
export const T_BOOL = 1 << 0
export const T_INT = 1 << 1
export const T_DEC = 1 << 2
export const T_DECC = 1 << 3
export const T_DECG = 1 << 4
export const T_FLOAT = 1 << 5
export const T_DATE = 1 << 6
export const T_TS = 1 << 7
export const T_TIME = 1 << 8
export const T_UUID = 1 << 9
export const T_JSON = 1 << 10
export const T_ALL = (1 << 11) - 1
const T_NUMBER = T_INT | T_DEC | T_DECC | T_DECG | T_FLOAT
const T_TEMPORAL = T_DATE | T_TS | T_TIME

// Boolean spellings: one pair per column.
const B_TF = 1 // t / f
const B_TRUEFALSE = 2
const B_YESNO = 4
const B_YN = 8

/** Exact distinct values are kept up to this many per column, then estimated. */
export const DISTINCT_EXACT_MAX = 10_000
/** Hashes kept to prove uniqueness of an unordered key column. */
export const UNIQUE_SET_MAX = 1_000_000
/** Hashes of the first values of a key-like column kept while it is in increasing order. */
const HEAD_MAX = 4096
const HLL_BITS = 12
const HLL_M = 1 << HLL_BITS

/** 53-bit hash of bytes (two 32-bit FNV-1a variants), exact enough for distinct counting and uniqueness. */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ (e - s)
  for (let i = s; i < e; i++) {
    const c = buf[i]!
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
  }
  h2 ^= h2 >>> 15
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff)
}

function hllAdd(reg: Uint8Array, h: number): void {
  const idx = h % HLL_M
  const w = Math.floor(h / HLL_M) // 41 remaining bits
  let rank = 1
  let x = w
  while ((x & 1) === 0 && rank < 41) {
    rank++
    x = Math.floor(x / 2)
  }
  if (rank > reg[idx]!) reg[idx] = rank
}

function hllEstimate(reg: Uint8Array): number {
  let sum = 0
  let zeros = 0
  for (let i = 0; i < HLL_M; i++) {
    sum += 2 ** -reg[i]!
    if (reg[i] === 0) zeros++
  }
  const alpha = 0.7213 / (1 + 1.079 / HLL_M)
  const raw = (alpha * HLL_M * HLL_M) / sum
  if (raw <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros))
  return Math.round(raw)
}

function bytesEqualAscii(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false
  for (let i = 0; i < word.length; i++) {
    if ((buf[s + i]! | 0x20) !== word.charCodeAt(i)) return false
  }
  return true
}

function boolSpelling(buf: Uint8Array, s: number, e: number): number {
  const n = e - s
  if (n === 1) {
    const c = buf[s]! | 0x20
    return c === 116 || c === 102 ? B_TF : c === 121 || c === 110 ? B_YN : 0
  }
  if (n === 2) return bytesEqualAscii(buf, s, e, 'no') ? B_YESNO : 0
  if (n === 3) return bytesEqualAscii(buf, s, e, 'yes') ? B_YESNO : 0
  if (n === 4) return bytesEqualAscii(buf, s, e, 'true') ? B_TRUEFALSE : 0
  if (n === 5) return bytesEqualAscii(buf, s, e, 'false') ? B_TRUEFALSE : 0
  return 0
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)
}

function isUuid(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 36) return false
  for (let i = 0; i < 36; i++) {
    const c = buf[s + i]!
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false
    } else if (!isHex(c)) return false
  }
  return true
}

/** Compare bytes as unsigned (UTF-8 byte order = code point order). */
function compareBytes(a: Uint8Array, buf: Uint8Array, s: number, e: number): number {
  const n = Math.min(a.length, e - s)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - buf[s + i]!
    if (d !== 0) return d
  }
  return a.length - (e - s)
}

const numShape = newNumberShape()
const dtShape = newDateTimeShape()

type Range = { min?: string; max?: string }

const PLAIN = (sh: NumberShape): string => sh.plain
const DECC = (sh: NumberShape): string => sh.decc
const DECG = (sh: NumberShape): string => sh.decg

/**
 * Exact min/max of decimal strings, filtered by an approximate value first: rounding is monotone, so a value whose
 * approximation is beyond the current extreme's cannot be a new extreme, and its exact text is never built.
 */
class DecimalRange {
  min = ''
  max = ''
  #lo = Infinity
  #hi = -Infinity

  /** Offer the value at `buf[s, e)` (scanned into `numShape`); `pick` selects its reading's exact text. */
  offer(approx: number, buf: Uint8Array, s: number, e: number, pick: (sh: NumberShape) => string): void {
    if (approx <= this.#lo) {
      materialize(numShape, buf, s, e)
      const v = pick(numShape)
      if (this.min === '' || compareDecimal(v, this.min) < 0) {
        this.min = v
        this.#lo = approx
      }
    }
    if (approx >= this.#hi) {
      materialize(numShape, buf, s, e)
      const v = pick(numShape)
      if (this.max === '' || compareDecimal(v, this.max) > 0) {
        this.max = v
        this.#hi = approx
      }
    }
  }
}

/**
 * Everything inference decides from, as plain data: what a {@link ColumnProfile} knows at the end of a pass.
 * Plain so it can cross a worker boundary (the parallel pass infers half the columns in a worker thread).
 */
export interface ProfileSnapshot {
  readonly index: number
  readonly mask: number
  readonly rows: number
  readonly nulls: number
  readonly quotedEmpty: number
  readonly nullTokensSeen: readonly string[]
  readonly maxLength: number
  readonly intDigits: number
  readonly scale: number
  readonly minPlain: string
  readonly maxPlain: string
  readonly deccIntDigits: number
  readonly deccScale: number
  readonly minDecc: string
  readonly maxDecc: string
  readonly deccUnambiguous: boolean
  readonly deccGrouped: boolean
  readonly decgIntDigits: number
  readonly decgScale: number
  readonly minDecg: string
  readonly maxDecg: string
  readonly minFloatText: string
  readonly maxFloatText: string
  readonly sawExponent: boolean
  readonly leadingZeroExample: string
  readonly orders: number
  readonly dayFirstValues: number
  readonly twoDigitYear: boolean
  readonly sawDate: boolean
  readonly sawTimestamp: boolean
  readonly sawOffset: boolean
  readonly sawNoOffset: boolean
  readonly minTimeText: string
  readonly maxTimeText: string
  /** Min/max per order slot (YMD, DMY, MDY), rendered as dates and as timestamps. */
  readonly temporal: { readonly date: readonly Range[]; readonly timestamp: readonly Range[] }
  readonly distinct: number
  readonly distinctExact: boolean
  readonly allowed: readonly string[] | undefined
  readonly text: Range
  readonly uniqueCandidate: boolean
  readonly uniqueExact: boolean
  readonly firstTextLine: number
  readonly firstTextValue: string
  readonly typedValues: number
}

/** Running facts of one column. */
export class ColumnProfile {
  readonly index: number
  readonly #encoding: Encoding
  mask = T_ALL
  /** First row (1-based record number) that ruled out each remaining family, for notes. */
  firstTextLine = 0
  firstTextValue = ''
  /** Values that fitted some non-text type before the column became text. */
  typedValues = 0
  rows = 0
  nulls = 0
  quotedEmpty = 0
  readonly nullTokensSeen = new Set<string>()
  maxLength = 0
  // booleans
  boolPairs = 0
  // numbers: per reading, max significant int digits and scale, min/max normalised
  intDigits = 0
  scale = 0
  readonly #plain = new DecimalRange()
  get minPlain(): string {
    return this.#plain.min
  }
  get maxPlain(): string {
    return this.#plain.max
  }
  readonly #decc = new DecimalRange()
  readonly #decg = new DecimalRange()
  deccIntDigits = 0
  deccScale = 0
  get minDecc(): string {
    return this.#decc.min
  }
  get maxDecc(): string {
    return this.#decc.max
  }
  deccUnambiguous = false
  deccGrouped = false
  decgIntDigits = 0
  decgScale = 0
  get minDecg(): string {
    return this.#decg.min
  }
  get maxDecg(): string {
    return this.#decg.max
  }
  decgGrouped = false
  minFloat = Infinity
  maxFloat = -Infinity
  minFloatText = ''
  maxFloatText = ''
  sawExponent = false
  leadingZeroExample = ''
  // temporal
  orders = DT_YMD | DT_DMY | DT_MDY
  dayFirstValues = 0
  twoDigitYear = false
  sawDate = false
  sawTimestamp = false
  sawOffset = false
  sawNoOffset = false
  /** Min/max sort keys per order (YMD, DMY, MDY): microseconds since 1970, see temporalKey. */
  readonly minTemporal: [number, number, number] = [Infinity, Infinity, Infinity]
  readonly maxTemporal: [number, number, number] = [-Infinity, -Infinity, -Infinity]
  minTime = Infinity
  maxTime = -Infinity
  minTimeText = ''
  maxTimeText = ''
  // text min/max (bytes)
  minBytes: Uint8Array | undefined
  maxBytes: Uint8Array | undefined
  // distinct
  #exact: Set<number> | undefined = new Set()
  #hll: Uint8Array | undefined
  /** Values for an allowed-set check, while few. */
  #allowed: Map<number, string> | undefined = new Map()
  readonly #allowedMax: number
  // uniqueness (only while never null)
  uniqueCandidate = true
  uniqueExact = true
  /** The previous value's bytes (reused buffer) while the column is in increasing order. */
  #prev = new Uint8Array(32)
  #prevLen = -1
  #ordered = true
  #head: number[] = []
  #seen: HashSet | undefined
  /** `set`: remember hashes (key-like columns); `order`: only prove uniqueness by increasing order. */
  readonly trackUniqueness: 'set' | 'order'

  constructor(index: number, encoding: Encoding, allowedMax: number, trackUniqueness: 'set' | 'order') {
    this.index = index
    this.#encoding = encoding
    this.#allowedMax = allowedMax
    this.trackUniqueness = trackUniqueness
  }

  /** A null field (unquoted empty, or a null token). */
  addNull(token: string | undefined): void {
    this.rows++
    this.nulls++
    if (token !== undefined) this.nullTokensSeen.add(token)
    this.uniqueCandidate = false
  }

  /** A quoted empty string: '' in a text column, null in any other. */
  addQuotedEmpty(): void {
    this.rows++
    this.quotedEmpty++
    this.uniqueCandidate = false
  }

  /** A non-null value. */
  add(buf: Uint8Array, s: number, e: number, recordNo: number): void {
    this.rows++
    const n = e - s
    // Length in characters (UTF-8: count non-continuation bytes); a value no longer in bytes cannot be longer.
    if (n > this.maxLength) {
      let chars = n
      if (this.#encoding === 'utf-8') {
        for (let i = s; i < e; i++) if ((buf[i]! & 0xc0) === 0x80) chars--
      }
      if (chars > this.maxLength) this.maxLength = chars
    }
    const h = hashBytes(buf, s, e)
    this.#distinct(h, buf, s, e)
    if (this.uniqueCandidate) this.#unique(h, buf, s, e)
    if (this.mask !== 0) this.#classify(buf, s, e, recordNo)
    // Text min/max by bytes.
    if (this.minBytes === undefined || compareBytes(this.minBytes, buf, s, e) > 0) this.minBytes = buf.slice(s, e)
    if (this.maxBytes === undefined || compareBytes(this.maxBytes, buf, s, e) < 0) this.maxBytes = buf.slice(s, e)
  }

  #distinct(h: number, buf: Uint8Array, s: number, e: number): void {
    if (this.#exact) {
      if (!this.#exact.has(h)) {
        this.#exact.add(h)
        if (this.#allowed) {
          if (this.#allowed.size >= this.#allowedMax) this.#allowed = undefined
          else this.#allowed.set(h, decodeField(buf, s, e, this.#encoding))
        }
        if (this.#exact.size > DISTINCT_EXACT_MAX) {
          this.#hll = new Uint8Array(HLL_M)
          for (const x of this.#exact) hllAdd(this.#hll, x)
          this.#exact = undefined
        }
      }
    } else hllAdd(this.#hll!, h)
  }

  #unique(h: number, buf: Uint8Array, s: number, e: number): void {
    // While values keep increasing they are distinct without being remembered.
    if (this.#ordered) {
      if (this.#prevLen < 0 || increasing(this.#prev, this.#prevLen, buf, s, e)) {
        const n = e - s
        if (n > this.#prev.length) this.#prev = new Uint8Array(Math.max(n, this.#prev.length * 2))
        this.#prev.set(buf.subarray(s, e))
        this.#prevLen = n
        if (this.trackUniqueness === 'set' && this.#head.length < HEAD_MAX) this.#head.push(h)
        return
      }
      this.#ordered = false
      this.#prevLen = -1
      if (this.trackUniqueness === 'order') {
        this.uniqueCandidate = false
        return
      }
      // Key-like column out of order: from now on remember hashes. When the ordered run was short its hashes
      // were kept and the check stays exact; after a long run a repeat of an early value could go unseen, so
      // uniqueness is then assumed (the primary key constraint enforces it at load).
      this.#seen = new HashSet(this.#head.length)
      for (const x of this.#head) this.#seen.add(x)
      if (this.#head.length >= HEAD_MAX) this.uniqueExact = false
      this.#head = []
    }
    const seen = this.#seen
    if (!seen) return
    if (seen.size >= UNIQUE_SET_MAX) {
      this.#seen = undefined
      this.uniqueExact = false
    } else if (!seen.add(h)) {
      this.uniqueCandidate = false
      this.#seen = undefined
    }
  }

  #classify(buf: Uint8Array, s: number, e: number, recordNo: number): void {
    let m = this.mask
    const c0 = buf[s]!
    // Booleans
    if (m & T_BOOL) {
      const b = boolSpelling(buf, s, e)
      if (b === 0) m &= ~T_BOOL
      else {
        this.boolPairs |= b
        if (this.boolPairs & (this.boolPairs - 1)) m &= ~T_BOOL // two different spellings
      }
    }
    // Numbers
    if (m & T_NUMBER) {
      const nm = (c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46 ? scanNumber(buf, s, e, numShape) : 0
      if (nm === 0) {
        if ((m & T_NUMBER) !== 0 && (c0 === 48 || ((c0 === 45 || c0 === 43) && buf[s + 1] === 48)) && this.leadingZeroExample === '' && /^[+-]?0\d/.test(decodeField(buf, s, Math.min(e, s + 20), this.#encoding))) {
          this.leadingZeroExample = `${decodeField(buf, s, Math.min(e, s + 20), this.#encoding)} (record ${recordNo})`
        }
        m &= ~T_NUMBER
      } else {
        if (!(nm & N_INT)) m &= ~T_INT
        if (!(nm & N_DEC)) m &= ~T_DEC
        if (!(nm & N_DECC)) m &= ~T_DECC
        if (!(nm & N_DECG)) m &= ~T_DECG
        if (!(nm & N_FLOAT)) m &= ~T_FLOAT
        if (nm === N_FLOAT) this.sawExponent = true
        if (m & (T_INT | T_DEC)) {
          if (numShape.intDigits > this.intDigits) this.intDigits = numShape.intDigits
          if (numShape.scale > this.scale) this.scale = numShape.scale
          this.#plain.offer(numShape.approx, buf, s, e, PLAIN)
        }
        if (m & T_DECC) {
          if (numShape.deccIntDigits > this.deccIntDigits) this.deccIntDigits = numShape.deccIntDigits
          if (numShape.deccScale > this.deccScale) this.deccScale = numShape.deccScale
          if (numShape.deccUnambiguous) this.deccUnambiguous = true
          this.#decc.offer(numShape.deccApprox, buf, s, e, DECC)
          if (!numShape.lazy && hasByte(buf, s, e, 46)) this.deccGrouped = true
        }
        if (m & T_DECG) {
          if (numShape.decgIntDigits > this.decgIntDigits) this.decgIntDigits = numShape.decgIntDigits
          if (numShape.decgScale > this.decgScale) this.decgScale = numShape.decgScale
          this.#decg.offer(numShape.decgApprox, buf, s, e, DECG)
          if (!numShape.lazy && hasByte(buf, s, e, 44)) this.decgGrouped = true
        }
        if (m & T_FLOAT) {
          const v = numShape.float
          if (v < this.minFloat) {
            this.minFloat = v
            this.minFloatText = decodeField(buf, s, e, this.#encoding)
          }
          if (v > this.maxFloat) {
            this.maxFloat = v
            this.maxFloatText = decodeField(buf, s, e, this.#encoding)
          }
        }
      }
    }
    // Dates, timestamps, times
    if (m & T_TEMPORAL) {
      const kind = c0 >= 48 && c0 <= 57 ? scanDateTime(buf, s, e, dtShape) : 0
      if (kind === 0) m &= ~T_TEMPORAL
      else if (kind === 'time') {
        m &= ~(T_DATE | T_TS)
        const tk = timeKey(dtShape)
        if (tk < this.minTime) {
          this.minTime = tk
          this.minTimeText = timeText(dtShape)
        }
        if (tk > this.maxTime) {
          this.maxTime = tk
          this.maxTimeText = timeText(dtShape)
        }
      } else {
        m &= ~T_TIME
        if (kind === 'date') this.sawDate = true
        else {
          this.sawTimestamp = true
          if (dtShape.hasOffset) this.sawOffset = true
          else this.sawNoOffset = true
        }
        if (dtShape.orders !== DT_YMD) {
          this.dayFirstValues++
          this.orders &= dtShape.orders | DT_YMD
          if (dtShape.twoDigitYear) this.twoDigitYear = true
          if ((this.orders & (DT_DMY | DT_MDY)) === 0) m &= ~T_TEMPORAL
        }
        if (m & T_TEMPORAL) {
          if (dtShape.orders === DT_YMD) {
            // Year-first values read the same whatever the order: one key for every slot.
            const key = temporalKey(dtShape, DT_YMD)
            for (let k = 0; k < 3; k++) {
              if (key < this.minTemporal[k]!) this.minTemporal[k] = key
              if (key > this.maxTemporal[k]!) this.maxTemporal[k] = key
            }
          } else {
            for (let k = 1; k < 3; k++) {
              const order = k === 1 ? DT_DMY : DT_MDY
              if (!(dtShape.orders & order)) continue
              const key = temporalKey(dtShape, order)
              if (key < this.minTemporal[k]!) this.minTemporal[k] = key
              if (key > this.maxTemporal[k]!) this.maxTemporal[k] = key
            }
          }
        }
      }
    }
    if (m & T_UUID && !isUuid(buf, s, e)) m &= ~T_UUID
    if (m & T_JSON) {
      if (c0 !== 123 && c0 !== 91) m &= ~T_JSON
      else {
        try {
          JSON.parse(decodeField(buf, s, e, this.#encoding))
        } catch {
          m &= ~T_JSON
        }
      }
    }
    if (m !== 0) this.typedValues++
    else if (this.firstTextLine === 0 && this.typedValues > 0) {
      this.firstTextLine = recordNo
      this.firstTextValue = decodeField(buf, s, Math.min(e, s + 40), this.#encoding)
    }
    this.mask = m
  }

  /** The final facts as plain data. */
  snapshot(): ProfileSnapshot {
    const d = this.distinct()
    return {
      index: this.index, mask: this.mask, rows: this.rows, nulls: this.nulls, quotedEmpty: this.quotedEmpty,
      nullTokensSeen: [...this.nullTokensSeen], maxLength: this.maxLength, intDigits: this.intDigits, scale: this.scale,
      minPlain: this.minPlain, maxPlain: this.maxPlain, deccIntDigits: this.deccIntDigits, deccScale: this.deccScale,
      minDecc: this.minDecc, maxDecc: this.maxDecc, deccUnambiguous: this.deccUnambiguous, deccGrouped: this.deccGrouped,
      decgIntDigits: this.decgIntDigits, decgScale: this.decgScale, minDecg: this.minDecg, maxDecg: this.maxDecg,
      minFloatText: this.minFloatText, maxFloatText: this.maxFloatText, sawExponent: this.sawExponent,
      leadingZeroExample: this.leadingZeroExample, orders: this.orders, dayFirstValues: this.dayFirstValues,
      twoDigitYear: this.twoDigitYear, sawDate: this.sawDate, sawTimestamp: this.sawTimestamp, sawOffset: this.sawOffset,
      sawNoOffset: this.sawNoOffset, minTimeText: this.minTimeText, maxTimeText: this.maxTimeText,
      temporal: {
        date: [0, 1, 2].map((k) => this.temporalRange(k, 'date')),
        timestamp: [0, 1, 2].map((k) => this.temporalRange(k, 'timestamp')),
      },
      distinct: d.count, distinctExact: d.exact, allowed: this.allowedValues(), text: this.textRange(),
      uniqueCandidate: this.uniqueCandidate, uniqueExact: this.uniqueExact, firstTextLine: this.firstTextLine,
      firstTextValue: this.firstTextValue, typedValues: this.typedValues,
    }
  }

  /** Min/max of a date/timestamp column in one order slot (0 YMD, 1 DMY, 2 MDY), as text. */
  temporalRange(slot: number, kind: 'date' | 'timestamp'): { min?: string; max?: string } {
    const lo = this.minTemporal[slot]!
    const hi = this.maxTemporal[slot]!
    return Number.isFinite(lo) && Number.isFinite(hi) ? { min: keyText(lo, kind), max: keyText(hi, kind) } : {}
  }

  /** Exact or estimated distinct count of non-null values. */
  distinct(): { count: number; exact: boolean } {
    if (this.#exact) return { count: this.#exact.size, exact: true }
    return { count: hllEstimate(this.#hll!), exact: false }
  }

  /** The distinct values, when they were few enough to keep. */
  allowedValues(): string[] | undefined {
    return this.#allowed ? [...this.#allowed.values()] : undefined
  }

  /** Text min/max (code point order), decoded. */
  textRange(): { min?: string; max?: string } {
    return {
      ...(this.minBytes && { min: decodeField(this.minBytes, 0, this.minBytes.length, this.#encoding) }),
      ...(this.maxBytes && { max: decodeField(this.maxBytes, 0, this.maxBytes.length, this.#encoding) }),
    }
  }
}

function hasByte(buf: Uint8Array, s: number, e: number, b: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] === b) return true
  return false
}

/** `cur` > `prev` (first `plen` bytes): digit strings compare by length then bytes; anything else by bytes. */
function increasing(prev: Uint8Array, plen: number, buf: Uint8Array, s: number, e: number): boolean {
  let digits = plen > 0 && e > s
  if (digits) {
    for (let i = 0; i < plen; i++) if (prev[i]! < 48 || prev[i]! > 57) { digits = false; break }
  }
  if (digits) {
    for (let i = s; i < e; i++) if (buf[i]! < 48 || buf[i]! > 57) { digits = false; break }
  }
  if (digits && plen !== e - s) return e - s > plen
  const n = Math.min(plen, e - s)
  for (let i = 0; i < n; i++) {
    const d = prev[i]! - buf[s + i]!
    if (d !== 0) return d < 0
  }
  return plen < e - s
}
