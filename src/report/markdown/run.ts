import type { MigrationRun, RunResult, StepStatus } from '../../actions/run.js'
import type { StatusResult } from '../../actions/status.js'
import { formatCount, markdownTable, MARK } from './table.js'
import { formatDuration, utcText } from '../../util/timestamp.js'

const STEP_MARK: Record<StepStatus, string> = { ok: MARK.ok, failed: MARK.fail, skipped: '⏭️', warning: MARK.warn }

function statusLine(m: MigrationRun): string {
  switch (m.status) {
    case 'applied':
      return `${MARK.ok} SUCCESS`
    case 'dry-run':
      return m.error ? `${MARK.fail} DRY RUN FAILED (rolled back)` : `${MARK.ok} DRY RUN OK (everything rolled back, no history written)`
    case 'aborted':
      return `${MARK.fail} ABORTED (rolled back)`
    case 'partial':
      return `${MARK.fail} FAILED after committing non-transactional steps (a re-run resumes after them)`
    default:
      return `${MARK.fail} FAILED (rolled back)`
  }
}

/** "# Migration Execution" for one migration. Pure. */
export function renderMigrationRun(m: MigrationRun): string {
  const out = [
    `# Migration Execution: ${m.name}`,
    '',
    `**Started:** ${utcText(new Date(m.startedAt))}`,
    `**Database:** ${m.database}`,
    `**Status:** ${statusLine(m)}`,
    '',
    '## Execution Log',
    '',
    markdownTable(['Step', 'Duration', 'Status'], m.steps.map((s) => [s.detail ? `${s.name} — ${s.detail}` : s.name, formatDuration(s.durationMs), STEP_MARK[s.status]])),
    '',
    `**Total Duration:** ${formatDuration(m.durationMs)}`,
  ]
  if (m.error) {
    out.push('', '## Error', '', `\`${m.error.code}\`${m.error.line !== undefined ? ` at line ${m.error.line}` : ''}: ${m.error.message}`)
    if (m.error.hint) out.push('', `Hint: ${m.error.hint}`)
  }
  if (m.validation.length > 0) {
    out.push('', '## Validation Results', '', markdownTable(['Check', 'Expected', 'Result'], m.validation.map((v) => [v.check, v.expected, `${v.ok ? MARK.ok : MARK.fail} ${v.actual}`])))
  }
  for (const d of m.distributions) {
    const title = d.column.charAt(0).toUpperCase() + d.column.slice(1)
    out.push('', `## ${title} Distribution (${d.table})`, '', markdownTable([title, 'Count', 'Percentage'], d.rows.map((r) => [r.value ?? 'NULL', formatCount(r.count), `${r.percentage}%`])))
  }
  if (m.historyId !== null) out.push('', `History: \`data_migrate.history\` id ${m.historyId}.`)
  return out.join('\n') + '\n'
}

/** The report of a run of one or several migrations. */
export function renderRun(r: RunResult): string {
  if (r.migrations.length === 0) return `# Migration Execution\n\n${MARK.ok} Nothing to do: every migration is applied (${r.database}).\n`
  return r.migrations.map(renderMigrationRun).join('\n---\n\n')
}

/** `status` as Markdown. */
export function renderStatus(s: StatusResult): string {
  const mark = { applied: MARK.ok, pending: '⏳', changed: MARK.warn, failed: MARK.fail, aborted: MARK.fail, partial: MARK.fail }
  return [
    '# Migration Status',
    '',
    `**Database:** ${s.database}`,
    `**Applied:** ${s.counts.applied} · **Pending:** ${s.counts.pending} · **Changed since applied:** ${s.counts.changed} · **Failed:** ${s.counts.failed + s.counts.aborted + s.counts.partial}`,
    '',
    markdownTable(['Migration', 'State', 'Applied at', 'Note'], s.migrations.map((m) => [m.name, `${mark[m.state]} ${m.state}`, m.appliedAt ?? '', m.state === 'changed' ? 'file edited after it was applied (checksum drift)' : m.error ?? ''])),
    '',
  ].join('\n')
}
