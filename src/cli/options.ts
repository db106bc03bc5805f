import { Option } from 'commander'
import { DataMigrateError } from '../errors.js'

/** `--database <url>`: shared by every action that touches a database. */
export function databaseOption(): Option {
  return new Option('--database <url>', 'postgres:// URL (default: DATABASE_URL, else the embedded database in .data-migrate/db)')
}

/** `--json`: one JSON document on stdout and nothing else there. */
export function jsonOption(): Option {
  return new Option('--json', 'print the result as one JSON document on stdout')
}

/**
 * Parse a duration like `5s`, `200ms`, `2m`, `1.5s` or a bare number of milliseconds into milliseconds.
 * Throws `INVALID_OPTION` (exit 2) naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text)
  if (!m) {
    throw new DataMigrateError('INVALID_OPTION', `${flag} "${text}" is not a duration`, { hint: 'write it as 500ms, 5s, 2m or 1h' })
  }
  const n = Number(m[1])
  const unit = m[2] ?? 'ms'
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : 60_000
  return Math.round(n * factor)
}

/** Parse a non-negative integer option. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new DataMigrateError('INVALID_OPTION', `${flag} "${text}" is not a whole number`, { hint: `give ${flag} a number such as 5` })
  }
  return Number(text)
}
