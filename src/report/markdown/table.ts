/** A Markdown table; cells are escaped (`|` and newlines) so user text cannot break the layout. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
  const lines = [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`]
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`)
  return lines.join('\n')
}

/** `52,340`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** Status markers used in every report. */
export const MARK = { ok: '✅', fail: '❌', warn: '⚠️', low: '🟢', medium: '🟡', high: '🔴' } as const
