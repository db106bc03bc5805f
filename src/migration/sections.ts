/**
 * Migration file formats other tools use, recognised so their files run and plan unchanged:
 * - dbmate: `-- migrate:up [transaction:false]` … `-- migrate:down` sections in one file;
 * - node-pg-migrate SQL: `-- Up Migration` … `-- Down Migration`;
 * - golang-migrate: `<version>_<name>.up.sql` with a sibling `.down.sql` (handled in files.ts);
 * - Flyway: `V<version>__<name>.sql` (name only; undo files are a paid feature there).
 * Pure: text in, sections out.
 */

export interface MigrationSections {
  /** The forward script. */
  readonly up: string
  /** 1-based line of the file where `up` starts (so statement lines stay file lines). */
  readonly upLine: number
  readonly down?: { readonly text: string; readonly line: number }
  /** `-- migrate:up transaction:false` asks for no wrapping transaction. */
  readonly noTransaction: boolean
  readonly format: 'plain' | 'dbmate' | 'node-pg-migrate'
}

const DBMATE_UP = /^--\s*migrate:up\b(.*)$/m
const DBMATE_DOWN = /^--\s*migrate:down\b.*$/m
const NPM_UP = /^--\s*Up Migration\s*$/im
const NPM_DOWN = /^--\s*Down Migration\s*$/im

function lineOf(text: string, index: number): number {
  let n = 1
  for (let j = text.indexOf('\n'); j >= 0 && j < index; j = text.indexOf('\n', j + 1)) n++
  return n
}

/** Split a migration file's text into its up and down parts. A plain file is all "up". */
export function splitSections(text: string): MigrationSections {
  const up = DBMATE_UP.exec(text)
  if (up) {
    const down = DBMATE_DOWN.exec(text)
    const upStart = up.index + up[0].length
    const upEnd = down && down.index > up.index ? down.index : text.length
    const noTransaction = /transaction\s*:\s*false/.test(up[1] ?? '')
    return {
      up: text.slice(upStart, upEnd),
      upLine: lineOf(text, upStart),
      ...(down && { down: { text: text.slice(down.index + down[0].length, down.index > up.index ? text.length : up.index), line: lineOf(text, down.index + down[0].length) } }),
      noTransaction,
      format: 'dbmate',
    }
  }
  const nUp = NPM_UP.exec(text)
  const nDown = NPM_DOWN.exec(text)
  if (nUp || nDown) {
    const upStart = nUp ? nUp.index + nUp[0].length : 0
    const upEnd = nDown && nDown.index > upStart ? nDown.index : text.length
    return {
      up: text.slice(upStart, upEnd),
      upLine: lineOf(text, upStart),
      ...(nDown && { down: { text: text.slice(nDown.index + nDown[0].length), line: lineOf(text, nDown.index + nDown[0].length) } }),
      noTransaction: false,
      format: 'node-pg-migrate',
    }
  }
  return { up: text, upLine: 1, noTransaction: false, format: 'plain' }
}

/**
 * Pad `text` with blank lines so that its first line is file line `line`: statement line numbers reported
 * for a section then match the file.
 */
export function atFileLine(text: string, line: number): string {
  return '\n'.repeat(Math.max(line - 1, 0)) + text
}
