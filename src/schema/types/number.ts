/**
 * Number recognition on bytes. One pass over a field finds its shape; the caller learns which readings are
 * possible: a plain integer, a `.` decimal, a `,` decimal with `.` grouping (`1.234,56`), a `.` decimal with `,`
 * grouping (`1,234.56`), or a float with an exponent — and for each, the normalised value (`-1234.56`) so that
 * min/max can be compared exactly. Numbers with leading zeros (`02134`, `007.1`) are not numbers. Pure.
 */

export const N_INT = 1
export const N_DEC = 2
/** Decimal comma, optional `.` thousands grouping. */
export const N_DECC = 4
/** Decimal point with `,` thousands grouping. */
export const N_DECG = 8
export const N_FLOAT = 16

/** The result of {@link scanNumber}; one instance is reused. */
export interface NumberShape {
  /** Bitmask of the readings this field allows (0: not a number). */
  mask: number
  /** Normalised value per reading (no grouping, `.` decimal, no leading zeros, `-` sign or none). */
  plain: string
  decc: string
  decg: string
  /** Significant integer digits and scale per reading. */
  intDigits: number
  scale: number
  deccIntDigits: number
  deccScale: number
  decgIntDigits: number
  decgScale: number
  /** A `,`-reading that cannot also be read as `,` grouping (or both separators present). */
  deccUnambiguous: boolean
  /** The float's value (for min/max of double precision columns). */
  float: number
  /** Approximate value of the plain reading, always set: a cheap filter before exact min/max comparisons. */
  approx: number
  /** Approximate values of the ',' readings (same filter role as `approx`). */
  deccApprox: number
  decgApprox: number
  /** True when `plain`/`decc`/`decg` are not filled yet (fast path): call {@link materialize} first. */
  lazy: boolean
}

export function newNumberShape(): NumberShape {
  return { mask: 0, plain: '', decc: '', decg: '', intDigits: 0, scale: 0, deccIntDigits: 0, deccScale: 0, decgIntDigits: 0, decgScale: 0, deccUnambiguous: false, float: 0, approx: 0, deccApprox: 0, decgApprox: 0, lazy: false }
}

const D0 = 48
const D9 = 57

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9
}

/** Strip leading zeros of an integer digit string (keeping one when all are zeros → ''). */
function significant(int: string): string {
  let k = 0
  while (k < int.length && int.charCodeAt(k) === D0) k++
  return int.slice(k)
}

function normalise(neg: boolean, int: string, frac: string): string {
  const i = significant(int) || '0'
  const v = frac ? `${i}.${frac}` : i
  return neg && /[1-9]/.test(v) ? `-${v}` : v
}

/** True when every group after the first has exactly three digits and the first has one to three. */
function validGrouping(groups: readonly string[]): boolean {
  if (groups.length < 2) return false
  if (groups[0]!.length < 1 || groups[0]!.length > 3) return false
  for (let i = 1; i < groups.length; i++) if (groups[i]!.length !== 3) return false
  return true
}

/**
 * Classify `buf[s, e)` as a number. Fills `out` and returns its mask. Fast path: bytes other than digits, sign,
 * `.`, `,`, `e`/`E` end the scan at once.
 */
export function scanNumber(buf: Uint8Array, s: number, e: number, out: NumberShape): number {
  out.mask = 0
  if (s >= e) return 0
  let i = s
  let neg = false
  const c0 = buf[i]!
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45
    i++
    if (i >= e) return 0
  }
  let dots = 0
  let commas = 0
  let expAt = -1
  let digits = 0
  let v = 0
  let dotAt = -1
  for (let k = i; k < e; k++) {
    const c = buf[k]!
    if (isDigit(c)) {
      digits++
      v = v * 10 + (c - D0)
      continue
    }
    if (c === 46) {
      dots++
      dotAt = k
      continue
    }
    if (c === 44) {
      commas++
      continue
    }
    if ((c === 101 || c === 69) && expAt < 0 && k > i) {
      expAt = k
      continue
    }
    if ((c === 45 || c === 43) && expAt === k - 1) continue
    return 0
  }
  if (digits === 0 || e - i > 1000) return 0
  // Fast paths, no string built: a plain integer, or a plain '.' decimal.
  if (expAt < 0 && commas === 0 && dots <= 1) {
    const intLen = dots === 0 ? e - i : dotAt - i
    const scale = dots === 0 ? 0 : e - dotAt - 1
    if (intLen > 1 && buf[i] === D0) return 0 // leading zero: an identifier, not a number
    if (dots === 1 && (scale === 0 && intLen === 0)) return 0
    let sig = intLen
    for (let k = i; k < i + intLen && buf[k] === D0; k++) sig--
    out.intDigits = sig
    out.scale = scale
    out.approx = (neg ? -v : v) / 10 ** scale
    out.float = out.approx
    out.deccApprox = out.decgApprox = out.approx
    out.lazy = true
    if (dots === 0) {
      out.deccIntDigits = out.decgIntDigits = sig
      out.deccScale = out.decgScale = 0
      out.deccUnambiguous = false
      out.mask = N_INT | N_DEC | N_FLOAT | N_DECC | N_DECG
      return out.mask
    }
    // '1.234' may also be a '.'-grouped integer (decimal comma files): decided by the slow path below.
    if (!(scale === 3 && intLen >= 1 && intLen <= 3)) {
      // A plain decimal is also a ','-grouped number that happens to have no group separator.
      out.decgIntDigits = sig
      out.decgScale = scale
      out.mask = N_DEC | N_FLOAT | N_DECG
      return out.mask
    }
  }
  out.lazy = false
  const text = String.fromCharCode.apply(null, buf.subarray(i, e) as unknown as number[])
  if (expAt >= 0) {
    // Exponent: only a float reading; mantissa must be a plain (dot) decimal without leading zeros.
    const m = /^(\d*)(?:\.(\d*))?[eE][+-]?\d+$/.exec(text)
    if (!m || (m[1] === '' && !m[2]) || commas > 0) return 0
    if (m[1]!.length > 1 && m[1]!.charCodeAt(0) === D0) return 0
    out.float = Number((neg ? '-' : '') + text)
    out.approx = out.float
    if (!Number.isFinite(out.float)) return 0
    out.mask = N_FLOAT
    return out.mask
  }
  let mask = 0
  if (dots === 0 && commas === 0) {
    if (text.length > 1 && text.charCodeAt(0) === D0) return 0 // leading zero: an identifier, not a number
    mask |= N_INT | N_DEC | N_FLOAT
    out.plain = normalise(neg, text, '')
    out.intDigits = significant(text).length
    out.scale = 0
    // An integer is also a valid decimal-comma or grouped number (with no separator).
    mask |= N_DECC | N_DECG
    out.decc = out.plain
    out.decg = out.plain
    out.deccIntDigits = out.decgIntDigits = out.intDigits
    out.deccScale = out.decgScale = 0
    out.deccUnambiguous = false
  } else {
    // Plain dot decimal: one '.', no ','.
    if (dots === 1 && commas === 0) {
      const [int = '', frac = ''] = text.split('.')
      if (!(int.length > 1 && int.charCodeAt(0) === D0)) {
        mask |= N_DEC | N_FLOAT
        out.plain = normalise(neg, int, frac)
        out.intDigits = significant(int).length
        out.scale = frac.length
        out.float = Number(out.plain)
        out.approx = out.float
      }
    }
    // Decimal comma with optional '.' grouping: last separator ',' (decimal) or only '.' groups.
    {
      const lastComma = text.lastIndexOf(',')
      const intPart = commas === 1 ? text.slice(0, lastComma) : commas === 0 ? text : ''
      const frac = commas === 1 ? text.slice(lastComma + 1) : ''
      if (commas <= 1 && intPart !== '' && (commas === 0 || frac !== '')) {
        const groups = intPart.split('.')
        const grouped = groups.length > 1
        if ((!grouped || validGrouping(groups)) && !(groups[0]!.length > 1 && groups[0]!.charCodeAt(0) === D0)) {
          const int = groups.join('')
          mask |= N_DECC
          out.decc = normalise(neg, int, frac)
          out.deccIntDigits = significant(int).length
          out.deccScale = frac.length
          // Unambiguous when it cannot be a ','-grouped integer: both separators, or a decimal part that is not 3 digits.
          out.deccApprox = Number(out.decc)
          out.deccUnambiguous = (commas === 1 && grouped) || (commas === 1 && frac.length !== 3) || (commas === 0 && grouped && groups.length > 2)
        }
      }
    }
    // Decimal point with ',' grouping.
    {
      const lastDot = text.lastIndexOf('.')
      const intPart = dots === 1 ? text.slice(0, lastDot) : dots === 0 ? text : ''
      const frac = dots === 1 ? text.slice(lastDot + 1) : ''
      if (dots <= 1 && commas >= 1 && intPart !== '' && (dots === 0 || frac !== '')) {
        const groups = intPart.split(',')
        if (validGrouping(groups) && !(groups[0]!.length > 1 && groups[0]!.charCodeAt(0) === D0)) {
          const int = groups.join('')
          mask |= N_DECG
          out.decg = normalise(neg, int, frac)
          out.decgIntDigits = significant(int).length
          out.decgScale = frac.length
          out.decgApprox = Number(out.decg)
        }
      }
    }
  }
  out.mask = mask
  return mask
}

/** Fill `plain`, `decc` and `decg` after a fast-path scan of `buf[s, e)`. */
export function materialize(out: NumberShape, buf: Uint8Array, s: number, e: number): void {
  if (!out.lazy) return
  let i = s
  const neg = buf[i] === 45
  if (neg || buf[i] === 43) i++
  const text = String.fromCharCode.apply(null, buf.subarray(i, e) as unknown as number[])
  const dot = text.indexOf('.')
  out.plain = dot < 0 ? normalise(neg, text, '') : normalise(neg, text.slice(0, dot), text.slice(dot + 1))
  out.decc = out.plain
  out.decg = out.plain
  out.lazy = false
}

/** Compare two normalised decimal strings (`-12.5`, `3`, `0.001`) exactly. */
export function compareDecimal(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45
  const nb = b.charCodeAt(0) === 45
  if (na !== nb) return na ? -1 : 1
  const r = compareAbs(na ? a.slice(1) : a, nb ? b.slice(1) : b)
  return na ? -r : r
}

function compareAbs(a: string, b: string): number {
  const da = a.indexOf('.')
  const db = b.indexOf('.')
  const ia = da < 0 ? a : a.slice(0, da)
  const ib = db < 0 ? b : b.slice(0, db)
  if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1
  if (ia !== ib) return ia < ib ? -1 : 1
  const fa = da < 0 ? '' : a.slice(da + 1)
  const fb = db < 0 ? '' : b.slice(db + 1)
  const n = Math.max(fa.length, fb.length)
  const pa = fa.padEnd(n, '0')
  const pb = fb.padEnd(n, '0')
  return pa === pb ? 0 : pa < pb ? -1 : 1
}
