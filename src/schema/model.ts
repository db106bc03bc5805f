/**
 * What inference produces and SQL emission consumes: per column, the PostgreSQL type, how the CSV text is read
 * as that type, and the statistics gathered in the same pass. Pure data, no I/O.
 */
import type { CsvDialect } from '../csv/record.js'

/** A PostgreSQL column type, as inference chooses it. */
export type ColumnType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'smallint' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  /** `numeric(p,s)`; precision/scale omitted means unconstrained `numeric` (too wide, or > 1000 digits). */
  | { readonly kind: 'numeric'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'double precision' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'timestamptz' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'jsonb' }
  | { readonly kind: 'text' }
  | { readonly kind: 'varchar'; readonly length: number }

/** The type as PostgreSQL spells it in `format_type` (`numeric(10,2)`, `timestamp with time zone`). */
export function renderType(t: ColumnType): string {
  switch (t.kind) {
    case 'numeric':
      if (t.precision === undefined) return 'numeric'
      return `numeric(${t.precision},${t.scale ?? 0})`
    case 'timestamp':
      return 'timestamp without time zone'
    case 'timestamptz':
      return 'timestamp with time zone'
    case 'time':
      return 'time without time zone'
    case 'varchar':
      return `character varying(${t.length})`
    default:
      return t.kind
  }
}

/** Date part order of a date or timestamp column. */
export type DateOrder = 'YMD' | 'DMY' | 'MDY'

/**
 * How the text of a field is read as the column's type.
 * - `native`: PostgreSQL's input function reads the text as written (ISO dates, `1.5`, `true`, UUIDs, JSON).
 * - `number`: a decimal separator other than `.` and/or a thousands separator: `1.234,56` with
 *   `{ decimal: ',', group: '.' }` means 1234.56.
 * - `date-order`: a date or timestamp whose day/month order is not ISO (`31/01/2024`, `01/31/2024`,
 *   `31.01.2024`), optionally with a 2-digit year; PostgreSQL reads it under `DateStyle` = `order`.
 */
export type ValueFormat =
  | { readonly kind: 'native' }
  | { readonly kind: 'number'; readonly decimal: '.' | ','; readonly group: '' | '.' | ',' | ' ' | "'" }
  | { readonly kind: 'date-order'; readonly order: DateOrder; readonly twoDigitYear: boolean }

/** Statistics of one column over the whole file. `min`/`max` are in the column's type, as text. */
export interface ColumnStats {
  /** Null fields: unquoted empty, a null token, or (for non-text columns) a quoted empty string. */
  readonly nulls: number
  /** Distinct non-null values: exact when `distinctExact`, else an estimate. */
  readonly distinct: number
  readonly distinctExact: boolean
  readonly min?: string
  readonly max?: string
  /** Longest non-null value, in characters. */
  readonly maxLength: number
  /** Null tokens seen in this column other than the unquoted empty field (`NULL`, `\N`, user tokens). */
  readonly nullTokensSeen: readonly string[]
  /** True when a quoted empty string (`""`) appeared. In a text column it is kept as '' (not null). */
  readonly quotedEmpty: boolean
  /** True when every non-null value appeared once (checked exactly or by order; see `uniqueExact`). */
  readonly unique: boolean
  /** False when uniqueness could only be assumed (too many values to track); the database then enforces it. */
  readonly uniqueExact: boolean
}

export interface InferredColumn {
  /** 0-based position in the file. */
  readonly index: number
  /** The header text as written (or `column_N` without a header). */
  readonly sourceName: string
  /** The SQL name: snake_case, unique, ≤ 63 bytes, not a reserved word (see identifiers.ts). */
  readonly name: string
  readonly type: ColumnType
  readonly format: ValueFormat
  readonly nullable: boolean
  readonly stats: ColumnStats
  /** Few distinct values: the full set (sorted), for an allowed-set validation check. */
  readonly allowedValues?: readonly string[]
  /** Why the type was chosen or not narrower (e.g. "leading zeros in 02134 (line 7): kept as text"). */
  readonly notes: readonly string[]
}

export interface InferredSchema {
  readonly dialect: CsvDialect
  /** Data rows (header excluded). */
  readonly rows: number
  readonly columns: readonly InferredColumn[]
  /** Name of the primary key column, if one was chosen. */
  readonly primaryKey?: string
  /** Null tokens in effect (defaults `''`, `NULL`, `\N` plus `--null`). */
  readonly nullTokens: readonly string[]
  /** Whole-file notes (encoding switch, ambiguous dates decided by evidence elsewhere…). */
  readonly notes: readonly string[]
  readonly bytes: number
}

/** Options that steer inference; all optional. */
export interface InferOptions {
  /** Decide ambiguous day/month order when the file has no evidence. */
  readonly dateOrder?: DateOrder
  /** Extra null tokens (added to `''`, `NULL`, `\N`). */
  readonly nullTokens?: readonly string[]
  /** Force (`name`) or disable (`none`) the primary key. */
  readonly primaryKey?: string
  /** Use `varchar(n)` (n = max length rounded up) instead of `text`. */
  readonly varchar?: boolean
  /** A column with at most this many distinct values gets an allowed-set check (default 20). */
  readonly allowedSetMax?: number
  /** The target table's name: `<table>_id` is a preferred primary key name. */
  readonly table?: string
}
