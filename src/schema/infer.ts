/**
 * Schema inference from every record of a file, in one streaming pass: a {@link RecordSink} that feeds one
 * {@link ColumnProfile} per column, and `finish()` that turns the profiles into PostgreSQL types, value formats,
 * statistics, allowed sets and a primary key. No sampling: one value at any row can widen or rule out a type.
 * Pure (no I/O).
 */
import type { CsvDialect, RecordSink } from '../csv/record.js'
import type { ColumnType, DateOrder, InferOptions, InferredColumn, InferredSchema, ValueFormat } from './model.js'
import { columnNames } from './identifiers.js'
import {
  ColumnProfile, T_BOOL, T_DATE, T_DEC, T_DECC, T_DECG, T_FLOAT, T_INT, T_JSON, T_TIME, T_TS, T_UUID, type ProfileSnapshot,
} from './column-profile.js'
import { DT_DMY, DT_MDY } from './types/date-time.js'
import { choosePrimaryKey } from './primary-key.js'

/** Null tokens that are always on. The unquoted empty field is null too (handled by the scanner flags). */
export const DEFAULT_NULL_TOKENS: readonly string[] = ['NULL', '\\N']

const KEY_NAME = /(^id$|_id$|^uuid$|_uuid$|^code$|_code$|^key$|_key$|_nr$|^nr$|_no$|_number$)/

/** A sink that infers; call `finish` with the scan summary once the file is read. */
export interface Inference extends RecordSink {
  /** The facts of the columns this sink profiled. */
  snapshots(): ProfileSnapshot[]
  /** Decide the schema; `others` are snapshots of columns profiled elsewhere (a worker thread). */
  finish(summary: { records: number; bytes: number }, others?: readonly ProfileSnapshot[]): InferredSchema
}

function tokenBytes(t: string): Uint8Array {
  return Buffer.from(t, 'utf8')
}

function matches(buf: Uint8Array, s: number, e: number, tok: Uint8Array): boolean {
  if (e - s !== tok.length) return false
  for (let i = 0; i < tok.length; i++) if (buf[s + i] !== tok[i]) return false
  return true
}

function intType(min: string, max: string, digits: number): ColumnType {
  const lo = BigInt(min)
  const hi = BigInt(max)
  if (lo >= -32768n && hi <= 32767n) return { kind: 'smallint' }
  if (lo >= -2147483648n && hi <= 2147483647n) return { kind: 'integer' }
  if (lo >= -9223372036854775808n && hi <= 9223372036854775807n) return { kind: 'bigint' }
  return digits <= 1000 ? { kind: 'numeric', precision: digits, scale: 0 } : { kind: 'numeric' }
}

function numericType(intDigits: number, scale: number): ColumnType {
  const p = Math.max(intDigits + scale, 1)
  return p <= 1000 ? { kind: 'numeric', precision: p, scale } : { kind: 'numeric' }
}

interface Decision {
  type: ColumnType
  format: ValueFormat
  min?: string
  max?: string
  notes: string[]
  /** For ambiguous day/month columns: the orders still possible (decided at file level). */
  openOrders?: number
}

const ORDER_NAMES: Record<number, DateOrder> = { [DT_DMY]: 'DMY', [DT_MDY]: 'MDY' }
const ORDER_BITS: Record<DateOrder, number> = { YMD: 1, DMY: DT_DMY, MDY: DT_MDY }

function decideTemporal(p: ProfileSnapshot, order: DateOrder | undefined): Decision {
  const notes: string[] = []
  if (p.mask & T_TIME && !(p.mask & (T_DATE | T_TS))) {
    return { type: { kind: 'time' }, format: { kind: 'native' }, min: p.minTimeText, max: p.maxTimeText, notes }
  }
  if (p.sawOffset && (p.sawNoOffset || p.sawDate)) {
    return { type: { kind: 'text' }, format: { kind: 'native' }, notes: ['timestamps with and without a UTC offset are mixed: kept as text (give every value an offset to load it as timestamp with time zone)'] }
  }
  const kind: ColumnType = p.sawTimestamp ? (p.sawOffset ? { kind: 'timestamptz' } : { kind: 'timestamp' }) : { kind: 'date' }
  let k = 0
  let format: ValueFormat = { kind: 'native' }
  if (p.dayFirstValues > 0) {
    const open = p.orders & (DT_DMY | DT_MDY)
    let chosen: number | undefined
    if (open === DT_DMY || open === DT_MDY) chosen = open
    else if (order && order !== 'YMD') chosen = ORDER_BITS[order]
    if (chosen === undefined) {
      return { type: { kind: 'text' }, format: { kind: 'native' }, notes: [], openOrders: open }
    }
    k = chosen === DT_DMY ? 1 : 2
    format = { kind: 'date-order', order: ORDER_NAMES[chosen]!, twoDigitYear: p.twoDigitYear }
    if (open !== chosen) notes.push(`every day is ≤ 12, so day/month order is ambiguous: read as ${ORDER_NAMES[chosen]} (${order ? '--date-order' : 'evidence from other columns'})`)
    else notes.push(`read as ${ORDER_NAMES[chosen]} (a value with a day > 12 decides it)`)
  }
  const suffix = kind.kind === 'timestamptz' ? '+00' : ''
  const { min, max } = p.temporal[kind.kind === 'date' ? 'date' : 'timestamp'][k]!
  return { type: kind, format, ...(min && { min: min + suffix }), ...(max && { max: max + suffix }), notes }
}

function decide(p: ProfileSnapshot, delimiter: string, order: DateOrder | undefined, varchar: boolean): Decision {
  const m = p.mask
  const notes: string[] = []
  if (p.rows - p.nulls - p.quotedEmpty === 0) {
    return { type: { kind: 'text' }, format: { kind: 'native' }, notes: ['no values: typed text'] }
  }
  if (m & T_BOOL) return { type: { kind: 'boolean' }, format: { kind: 'native' }, notes }
  if (m & T_INT) return { type: intType(p.minPlain, p.maxPlain, p.intDigits), format: { kind: 'native' }, min: p.minPlain, max: p.maxPlain, notes }
  if (m & T_DEC) return { type: numericType(p.intDigits, p.scale), format: { kind: 'native' }, min: p.minPlain, max: p.maxPlain, notes }
  const decc = (m & T_DECC) !== 0
  const decg = (m & T_DECG) !== 0
  if (decc && (!decg || p.deccUnambiguous || delimiter === ';')) {
    if (decg && !p.deccUnambiguous) notes.push("values like 1,234 could be grouped thousands; read ',' as the decimal separator because the file is ';'-delimited")
    return {
      type: numericType(p.deccIntDigits, p.deccScale),
      format: { kind: 'number', decimal: ',', group: p.deccGrouped ? '.' : '' },
      min: p.minDecc, max: p.maxDecc,
      notes: [...notes, `decimal comma${p.deccGrouped ? " with '.' thousands separators" : ''}: 1.234,56 is read as 1234.56`],
    }
  }
  if (decg && !decc) {
    return { type: numericType(p.decgIntDigits, p.decgScale), format: { kind: 'number', decimal: '.', group: ',' }, min: p.minDecg, max: p.maxDecg, notes: ["',' thousands separators: 1,234.56 is read as 1234.56"] }
  }
  if (decc && decg) {
    return { type: { kind: 'text' }, format: { kind: 'native' }, notes: ["values like 1,234 are ambiguous (1.234 or 1234?): kept as text; pass --delimiter ';' files with decimal commas, or fix the values"] }
  }
  if (m & T_FLOAT && p.sawExponent) {
    return { type: { kind: 'double precision' }, format: { kind: 'native' }, min: p.minFloatText, max: p.maxFloatText, notes: ['exponent notation: double precision'] }
  }
  if (m & (T_DATE | T_TS | T_TIME)) return decideTemporal(p, order)
  if (m & T_UUID) return { type: { kind: 'uuid' }, format: { kind: 'native' }, notes }
  if (m & T_JSON) return { type: { kind: 'jsonb' }, format: { kind: 'native' }, notes }
  if (p.leadingZeroExample) notes.push(`leading zeros (e.g. ${p.leadingZeroExample}): kept as text so they are not lost`)
  else if (p.firstTextLine > 0) notes.push(`${p.typedValues} value(s) looked typed until record ${p.firstTextLine} (${JSON.stringify(p.firstTextValue)}): text`)
  const r = p.text
  const type: ColumnType = varchar ? { kind: 'varchar', length: Math.max(1, Math.ceil(p.maxLength / 10) * 10) } : { kind: 'text' }
  return { type, format: { kind: 'native' }, ...r, notes }
}

/**
 * Start inferring a file's schema. Feed it every data record (the scanner does), then call `finish`.
 *
 * ```ts
 * const inf = createInference(dialect, ['id', 'amount'], { table: 'orders' })
 * // … scanner pushes records into inf …
 * const schema = inf.finish({ records, bytes })
 * ```
 */
export function createInference(dialect: CsvDialect, headerNames: readonly string[], options: InferOptions = {}, columns?: readonly number[]): Inference {
  const names = columnNames(headerNames)
  const allowedMax = options.allowedSetMax ?? 20
  let setTracked = 0
  const profiles = headerNames.map((_, i) => {
    // Hash sets prove uniqueness for key-like columns (bounded: three at most); others need increasing order.
    const keyLike = KEY_NAME.test(names[i]!) || i === 0
    const mode = keyLike && setTracked < 3 ? 'set' : 'order'
    if (mode === 'set') setTracked++
    return new ColumnProfile(i, dialect.encoding, allowedMax, mode)
  })
  const tokens = [...DEFAULT_NULL_TOKENS, ...(options.nullTokens ?? [])].filter((t) => t !== '')
  const tokenBufs = tokens.map(tokenBytes)
  const minTok = Math.min(...tokenBufs.map((t) => t.length))
  const maxTok = Math.max(...tokenBufs.map((t) => t.length))

  // The columns this sink profiles (all, or a share when the pass runs in parallel).
  const mine = Int32Array.from(columns ?? headerNames.map((_, i) => i))
  return {
    record(buf, start, end, quoted, _count, _line, recordNo) {
      for (let j = 0; j < mine.length; j++) {
        const i = mine[j]!
        const s = start[i]!
        const e = end[i]!
        const p = profiles[i]!
        const n = e - s
        if (n === 0) {
          if (quoted[i]) p.addQuotedEmpty()
          else p.addNull('')
          continue
        }
        if (n >= minTok && n <= maxTok) {
          let tok: string | undefined
          for (let k = 0; k < tokenBufs.length; k++) {
            if (matches(buf, s, e, tokenBufs[k]!)) {
              tok = tokens[k]
              break
            }
          }
          if (tok !== undefined) {
            p.addNull(tok)
            continue
          }
        }
        p.add(buf, s, e, recordNo)
      }
    },

    snapshots() {
      return Array.from(mine, (i) => profiles[i]!.snapshot())
    },

    finish(summary, others = []) {
      const fileNotes: string[] = []
      const byIndex = new Map<number, ProfileSnapshot>()
      for (const o of others) byIndex.set(o.index, o)
      for (const i of mine) byIndex.set(i, profiles[i]!.snapshot())
      const snaps = headerNames.map((_, i) => {
        const sn = byIndex.get(i)
        if (!sn) throw new Error(`no profile for column ${i + 1}`)
        return sn
      })
      const decisions = snaps.map((p) => decide(p, dialect.delimiter, options.dateOrder, options.varchar ?? false))
      // Columns whose day/month order is open take the order other columns of the file proved.
      const proven = new Set<DateOrder>()
      decisions.forEach((d) => {
        if (d.format.kind === 'date-order' && !d.notes.some((n) => n.includes('ambiguous'))) proven.add(d.format.order)
      })
      decisions.forEach((d, i) => {
        if (d.openOrders === undefined) return
        if (proven.size === 1) {
          const o = [...proven][0]!
          decisions[i] = decideTemporal(snaps[i]!, o)
          decisions[i]!.notes.push(`day/month order taken from other date columns of the file (${o})`)
        } else {
          d.notes.push('dates where every day and month are ≤ 12 are ambiguous (D/M/Y or M/D/Y?): kept as text; pass --date-order DMY or MDY')
        }
      })
      const columns: InferredColumn[] = snaps.map((p, i) => {
        const d = decisions[i]!
        const isText = d.type.kind === 'text' || d.type.kind === 'varchar'
        const nulls = p.nulls + (isText ? 0 : p.quotedEmpty)
        const dist = { count: p.distinct, exact: p.distinctExact }
        const distinct = dist.count + (isText && p.quotedEmpty > 0 ? 1 : 0)
        const allowed = p.allowed
        const allowedOk = allowed !== undefined && d.format.kind === 'native' && !['boolean', 'date', 'timestamp', 'timestamptz', 'time', 'jsonb', 'double precision'].includes(d.type.kind) &&
          distinct <= allowedMax && summary.records >= 20 && distinct <= Math.max(2, summary.records * 0.05) && !(isText && p.quotedEmpty > 0)
        return {
          index: i,
          sourceName: headerNames[i]!,
          name: names[i]!,
          type: d.type,
          format: d.format,
          nullable: nulls > 0 || summary.records === 0,
          stats: {
            nulls,
            distinct,
            distinctExact: dist.exact,
            ...(d.min !== undefined && { min: d.min }),
            ...(d.max !== undefined && { max: d.max }),
            maxLength: p.maxLength,
            nullTokensSeen: [...p.nullTokensSeen].filter((t) => t !== ''),
            quotedEmpty: p.quotedEmpty > 0,
            unique: p.uniqueCandidate && nulls === 0,
            uniqueExact: p.uniqueExact,
          },
          ...(allowedOk && { allowedValues: [...allowed].sort() }),
          notes: d.notes,
        }
      })
      const primaryKey = choosePrimaryKey(columns, options.table, options.primaryKey, summary.records)
      if (dialect.encoding === 'windows-1252') fileNotes.push('not valid UTF-8: read as Windows-1252 (loaded with ENCODING WIN1252)')
      if (dialect.bom) fileNotes.push('byte-order mark at the start of the file (ignored)')
      const nullTokens = ['', ...tokens]
      return {
        dialect,
        rows: summary.records,
        columns: columns.map((c) => (c.name === primaryKey ? { ...c, nullable: false } : c)),
        ...(primaryKey !== undefined && { primaryKey }),
        nullTokens,
        notes: fileNotes,
        bytes: summary.bytes,
      }
    },
  }
}
