/**
 * Dates, times and timestamps on bytes, read the way PostgreSQL reads them: ISO `2024-01-31` (also `/` or `.`
 * after a 4-digit year), day/month/year or month/day/year with `-` `/` `.` and 2- or 4-digit years (2-digit years
 * follow PostgreSQL: 00–69 → 20xx, 70–99 → 19xx), a time `HH:MM[:SS[.f]]` after `T` or a space, and an offset
 * `Z` / `±HH[[:]MM]`. Every reading is validated as a real calendar date. Pure.
 */

export const DT_YMD = 1
export const DT_DMY = 2
export const DT_MDY = 4

/** The result of {@link scanDateTime}; one instance is reused. */
export interface DateTimeShape {
  /** 0: not a date/time; 'date' | 'timestamp' | 'time'. */
  kind: 0 | 'date' | 'timestamp' | 'time'
  /** Orders this value can be read in (DT_* bits). Year-first values read only as YMD. */
  orders: number
  /** True when the year has two digits. */
  twoDigitYear: boolean
  /** Offset present (Z or ±hh[:mm]). */
  hasOffset: boolean
  /** Offset in minutes east of UTC. */
  offsetMinutes: number
  /** Date parts as read in YMD, DMY, MDY (only those in `orders` are meaningful). */
  y: number
  a: number
  b: number
  /** Time part (for timestamps and times). */
  h: number
  mi: number
  sec: number
  micros: number
}

export function newDateTimeShape(): DateTimeShape {
  return { kind: 0, orders: 0, twoDigitYear: false, hasOffset: false, offsetMinutes: 0, y: 0, a: 0, b: 0, h: 0, mi: 0, sec: 0, micros: 0 }
}

function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

/** PostgreSQL's reading of a 2-digit year. */
export function expandYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy
}

function readInt(buf: Uint8Array, i: number, e: number, max: number): [value: number, next: number] {
  let v = 0
  let k = i
  while (k < e && k - i < max) {
    const c = buf[k]!
    if (c < 48 || c > 57) break
    v = v * 10 + (c - 48)
    k++
  }
  return [v, k]
}

/** Parse `HH:MM[:SS[.ffffff]]` at `i`; returns the index after it, or -1. Writes h/mi/sec/micros to `out`. */
function scanTime(buf: Uint8Array, i: number, e: number, out: DateTimeShape): number {
  const [h, i1] = readInt(buf, i, e, 2)
  if (i1 - i < 1 || i1 >= e || buf[i1] !== 58) return -1
  const [mi, i2] = readInt(buf, i1 + 1, e, 2)
  if (i2 - i1 - 1 !== 2) return -1
  let sec = 0
  let micros = 0
  let nonzeroBeyond = false
  let k = i2
  if (k < e && buf[k] === 58) {
    const [s2, i3] = readInt(buf, k + 1, e, 2)
    if (i3 - k - 1 !== 2) return -1
    sec = s2
    k = i3
    if (k < e && buf[k] === 46) {
      let j = k + 1
      let scale = 100000
      while (j < e && buf[j]! >= 48 && buf[j]! <= 57) {
        const dgt = buf[j]! - 48
        if (scale >= 1) micros += dgt * scale
        else if (dgt > 0) nonzeroBeyond = true
        scale /= 10
        j++
      }
      if (j === k + 1) return -1
      k = j
    }
  }
  if (h > 24 || mi > 59 || sec > 60 || (h === 24 && (mi > 0 || sec > 0 || micros > 0 || nonzeroBeyond))) return -1
  out.h = h
  out.mi = mi
  out.sec = sec
  out.micros = Math.round(micros)
  return k
}

/** Parse an offset `Z` / `±HH` / `±HHMM` / `±HH:MM` (optionally after one space) ending exactly at `e`. */
function scanOffset(buf: Uint8Array, i: number, e: number, out: DateTimeShape): boolean {
  let k = i
  if (k < e && buf[k] === 32) k++
  if (k >= e) return false
  const c = buf[k]!
  if ((c === 90 || c === 122) && k + 1 === e) {
    out.offsetMinutes = 0
    return true
  }
  if (c !== 43 && c !== 45) return false
  const [hh, k1] = readInt(buf, k + 1, e, 2)
  if (k1 - k - 1 !== 2 || hh > 15) return false
  let mm = 0
  let k2 = k1
  if (k2 < e && buf[k2] === 58) k2++
  if (k2 < e) {
    const [m2, k3] = readInt(buf, k2, e, 2)
    if (k3 - k2 !== 2 || m2 > 59) return false
    mm = m2
    k2 = k3
  } else if (k2 !== k1) return false
  if (k2 !== e) return false
  out.offsetMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm)
  return true
}

/**
 * Classify `buf[s, e)`. Returns the kind (0 when not a date/time). For dates whose order is open, `orders` has
 * several bits; `y`, `a`, `b` are the three numbers as written (year expanded).
 */
export function scanDateTime(buf: Uint8Array, s: number, e: number, out: DateTimeShape): DateTimeShape['kind'] {
  out.kind = 0
  out.hasOffset = false
  out.h = out.mi = out.sec = out.micros = 0
  const len = e - s
  if (len < 5 || len > 40) return 0
  const c0 = buf[s]!
  if (c0 < 48 || c0 > 57) return 0
  // A bare time?
  if (len <= 15 && (buf[s + 1] === 58 || buf[s + 2] === 58)) {
    const k = scanTime(buf, s, e, out)
    if (k === e) {
      out.kind = 'time'
      return 'time'
    }
    return 0
  }
  const [n1, i1] = readInt(buf, s, e, 4)
  const l1 = i1 - s
  if (i1 >= e) return 0
  const sep = buf[i1]!
  if (sep !== 45 && sep !== 47 && sep !== 46) return 0
  const [n2, i2] = readInt(buf, i1 + 1, e, 2)
  if (i2 - i1 - 1 < 1 || i2 >= e || buf[i2] !== sep) return 0
  const [n3, i3] = readInt(buf, i2 + 1, e, 4)
  const l3 = i3 - i2 - 1
  let orders = 0
  if (l1 === 4) {
    // Year first: always YMD, whatever DateStyle says.
    if (l3 < 1 || l3 > 2 || !validDate(n1, n2, n3)) return 0
    orders = DT_YMD
    out.y = n1
    out.a = n2
    out.b = n3
    out.twoDigitYear = false
  } else if (l1 <= 2 && (l3 === 4 || l3 === 2)) {
    const y = l3 === 2 ? expandYear(n3) : n3
    if (validDate(y, n2, n1)) orders |= DT_DMY
    if (validDate(y, n1, n2)) orders |= DT_MDY
    if (orders === 0) return 0
    out.y = y
    out.a = n1
    out.b = n2
    out.twoDigitYear = l3 === 2
  } else return 0
  out.orders = orders
  if (i3 === e) {
    out.kind = 'date'
    return 'date'
  }
  const t = buf[i3]!
  if (t !== 84 && t !== 32 && t !== 116) return 0
  const k = scanTime(buf, i3 + 1, e, out)
  if (k < 0) return 0
  if (k === e) {
    out.kind = 'timestamp'
    return 'timestamp'
  }
  if (!scanOffset(buf, k, e, out)) return 0
  out.hasOffset = true
  out.kind = 'timestamp'
  return 'timestamp'
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** `HH:MM:SS[.ffffff]` of the time part (fraction trimmed). */
export function timeText(sh: Pick<DateTimeShape, 'h' | 'mi' | 'sec' | 'micros'>): string {
  const base = `${p2(sh.h)}:${p2(sh.mi)}:${p2(sh.sec)}`
  return sh.micros === 0 ? base : `${base}.${String(sh.micros).padStart(6, '0').replace(/0+$/, '')}`
}

/** Month and day of a shape read in one order. */
function monthDay(sh: DateTimeShape, order: number): [number, number] {
  return order === DT_DMY ? [sh.b, sh.a] : [sh.a, sh.b]
}

/** ISO `YYYY-MM-DD` of a shape read in one order. */
export function isoDate(sh: DateTimeShape, order: number): string {
  const [m, d] = monthDay(sh, order)
  return `${String(sh.y).padStart(4, '0')}-${p2(m)}-${p2(d)}`
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm: exact, no Date objects). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** Time of day in microseconds. */
export function timeKey(sh: Pick<DateTimeShape, 'h' | 'mi' | 'sec' | 'micros'>): number {
  return ((sh.h * 60 + sh.mi) * 60 + sh.sec) * 1e6 + sh.micros
}

/**
 * A numeric sort key of a date or timestamp read in one order: microseconds since 1970 (UTC when the value has
 * an offset, so instants compare across offsets). Exact for years 1–9999 (|key| < 2^53).
 */
export function temporalKey(sh: DateTimeShape, order: number): number {
  const [m, d] = monthDay(sh, order)
  const day = daysFromCivil(sh.y, m, d)
  return day * 86_400e6 + timeKey(sh) - (sh.hasOffset ? sh.offsetMinutes * 60e6 : 0)
}

/** Render a key from {@link temporalKey} back to text: a date, or `YYYY-MM-DD HH:MM:SS[.f]` (UTC for offsets). */
export function keyText(key: number, kind: 'date' | 'timestamp'): string {
  const day = Math.floor(key / 86_400e6)
  let rest = key - day * 86_400e6
  // civil from days (inverse of daysFromCivil)
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  const date = `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`
  if (kind === 'date') return date
  const micros = rest % 1e6
  rest = (rest - micros) / 1e6
  const sec = rest % 60
  rest = (rest - sec) / 60
  const mi = rest % 60
  const h = (rest - mi) / 60
  return `${date} ${timeText({ h, mi, sec, micros })}`
}
