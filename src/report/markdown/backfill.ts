import type { BackfillResult } from '../../actions/backfill.js'
import { formatCount, markdownTable, MARK } from './table.js'
import { formatDuration } from '../../util/timestamp.js'

const STATUS = { done: `${MARK.ok} DONE`, 'dry-run': `${MARK.ok} DRY RUN (nothing written)`, paused: `${MARK.fail} PAUSED (resume by running the same command)`, aborted: `${MARK.fail} ABORTED (resume by running the same command)` } as const

function key(k: unknown): string {
  return k === null || k === undefined ? 'start' : Array.isArray(k) ? `(${k.join(', ')})` : String(k)
}

/** The backfill report (Markdown). Long runs show the first and last batches. Pure. */
export function renderBackfill(r: BackfillResult): string {
  const out = [
    `# Backfill: ${r.table}.${r.column}`,
    '',
    `**Database:** ${r.database}`,
    `**Range:** ${r.range ? `${r.range.column} in [${r.range.from}, ${r.range.to})` : 'whole table'}`,
    `**Status:** ${STATUS[r.status]}`,
  ]
  if (r.resumedFrom !== null) out.push(`**Resumed from key:** ${key(r.resumedFrom)} (a previous run was interrupted)`)
  if (r.dryRun) {
    out.push('', '## Plan', '', `- Rows in range: ${formatCount(r.rowsInRange)}`, `- Rows to write: ${formatCount(r.validation.remaining)}`,
      `- First batch size: ${formatCount(r.dryRun.batchSize)}${r.dryRun.sampleBatchMs !== null ? ` (a sample batch took ${formatDuration(r.dryRun.sampleBatchMs)}, rolled back)` : ''}`,
      `- Estimated batches: ${formatCount(r.dryRun.estimatedBatches)}`, `- Estimated duration: ${r.dryRun.estimatedSeconds === null ? 'unknown (no row to write)' : formatDuration(r.dryRun.estimatedSeconds * 1000)}`)
    return out.join('\n') + '\n'
  }
  const n = r.batches.length
  const shown = n > 12 ? [...r.batches.slice(0, 5), undefined, ...r.batches.slice(-5)] : r.batches
  out.push('', '## Execution Log', '', markdownTable(['Step', 'Keys', 'Rows', 'Duration', 'Status'], shown.map((b) => b === undefined
    ? ['...', '...', '...', '...', '...']
    : [`Backfill batch ${b.index}/${n}`, `${key(b.fromKey)} → ${key(b.toKey)}`, formatCount(b.rows), formatDuration(b.durationMs), b.status === 'failed' ? MARK.fail : MARK.ok])))
  const durations = r.batches.filter((b) => b.status !== 'failed').map((b) => b.durationMs).sort((a, b) => a - b)
  const pct = (p: number): number => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? 0
  out.push('', `**Total:** ${formatCount(r.rowsUpdated)} rows updated of ${formatCount(r.rowsInRange)} in range, ${n} batches, ${formatDuration(r.durationMs)}${durations.length ? ` (batch p50 ${formatDuration(pct(0.5))}, p95 ${formatDuration(pct(0.95))}, max ${formatDuration(durations.at(-1) ?? 0)})` : ''}`)
  if (r.error) out.push('', `**Stopped:** ${r.error.code}: ${r.error.message}`)
  for (const h of r.health) out.push(`- ${h}`)
  out.push('', '## Validation Results', '', markdownTable(['Check', 'Expected', 'Result'], [[r.validation.check, '0', `${r.validation.ok ? MARK.ok : MARK.fail} ${formatCount(r.validation.remaining)}`]]))
  if (r.distribution.length > 0) {
    const title = r.column.charAt(0).toUpperCase() + r.column.slice(1)
    out.push('', `## ${title} Distribution`, '', markdownTable([title, 'Count', 'Percentage'], r.distribution.map((d) => [d.value ?? 'NULL', formatCount(d.count), `${d.percentage}%`])))
  }
  return out.join('\n') + '\n'
}
