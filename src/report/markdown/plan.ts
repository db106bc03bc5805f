import type { PlanResult } from '../../actions/plan.js'
import { formatCount, markdownTable, MARK } from './table.js'
import { formatDuration } from '../../util/timestamp.js'

const RISK = { low: `${MARK.low} Low`, medium: `${MARK.medium} Medium`, high: `${MARK.high} High` } as const
const VERDICT = { safe: `${MARK.ok} Safe to proceed`, caution: `${MARK.warn} Proceed with care`, unsafe: `${MARK.fail} Do not run as written` } as const
const SEVERITY = { error: MARK.fail, warning: MARK.warn, info: 'ℹ️' } as const

function bytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`
}

/** "# Migration Plan" (Markdown), as in the seed. Pure. */
export function renderPlan(p: PlanResult): string {
  const out: string[] = [
    `# Migration Plan: ${p.name}`,
    '',
    '## Summary',
    '',
    `- **Type:** ${p.type}`,
    `- **Tables:** ${p.tables.join(', ') || 'none'}`,
    `- **Estimated Duration:** ${p.estimatedSeconds === null ? 'unknown without a database' : formatDuration(p.estimatedSeconds * 1000)}`,
    `- **Risk Level:** ${RISK[p.risk]}`,
    `- **Estimate rests on:** ${p.estimateBasis}`,
    `- **Rules for:** PostgreSQL ${Math.floor(p.pgVersion / 10000)}${p.database ? ` (${p.database})` : ' (static plan, no database)'}`,
    '',
    '## Changes',
    '',
    ...[
      ...p.statements.filter((s) => s.kind !== 'TransactionStmt').map((s) => ({ line: s.line, text: s.summary })),
      ...p.backfills.map((b) => ({ line: b.line, text: `backfill ${b.table}.${b.column} in batches` })),
      ...p.loads.map((l) => ({ line: l.line, text: `load ${l.table} from ${l.source} (\\copy, RowExclusiveLock)` })),
    ].sort((a, b) => a.line - b.line).map((c, i) => `${i + 1}. ${c.text} (line ${c.line})`),
    '',
    '## Impact Analysis',
    '',
  ]
  const affected = p.statements.map((s) => s.rowsAffected).filter((x): x is number => x !== null)
  out.push(`- **Rows affected:** ${p.database ? formatCount(affected.reduce((a, b) => a + b, 0)) : 'unknown without a database'}`)
  for (const f of p.facts.filter((x) => x.exists)) out.push(`- **${f.table}:** ~${formatCount(f.rows)} rows, ${bytes(f.bytes)}`)
  for (const b of p.backfills) out.push(`- **Backfill** (line ${b.line}): batched by data-migrate run, each batch its own short transaction, ROW EXCLUSIVE only (no table lock)`)
  out.push(
    '',
    markdownTable(
      ['#', 'Line', 'Statement', 'Locks (mode → blocks)', 'Rewrite / scan', 'In transaction', 'Est.'],
      p.statements.filter((s) => s.kind !== 'TransactionStmt' && s.kind !== 'VariableSetStmt').map((s) => [
        String(s.index),
        String(s.line),
        s.summary,
        s.lockImpact.map((l) => `${l.table}: ${l.mode} → ${l.existing ? l.blocks : 'new object'}`).join('; ') || 'none',
        [...s.rewrites.map((t) => `rewrites ${t}`), ...s.scans.filter((t) => !s.rewrites.includes(t)).map((t) => `scans ${t}`)].join(', ') || (s.unknown ? 'see unknowns' : 'no'),
        s.transactional ? 'yes' : 'no (own step)',
        s.estimatedSeconds === null ? '?' : formatDuration(s.estimatedSeconds * 1000),
      ]),
    ),
  )
  const findings = p.statements.flatMap((s) => s.findings.map((f) => ({ s, f })))
  if (findings.length > 0) {
    out.push('', '### Findings', '')
    for (const { s, f } of findings) {
      out.push(`- ${SEVERITY[f.severity]} **${f.rule}** (statement ${s.index}, line ${s.line}): ${f.message}`, '', '  ```sql', ...f.fix.split('\n').map((l) => `  ${l}`), '  ```')
    }
  } else out.push('', `${MARK.ok} No findings.`)
  if (p.unknowns.length > 0) out.push('', '### Unknown without a database', '', ...p.unknowns.map((u) => `- ${u}`))
  if (p.trace) {
    out.push('', '### Trace (run in a transaction, rolled back)', '', markdownTable(['#', 'Time', 'Locks taken'], p.trace.map((t) => [String(t.index), formatDuration(t.durationMs), t.error ? `error: ${t.error}` : t.locks.map((l) => `${l.table}: ${l.mode}`).join('; ')])))
  }
  out.push(
    '',
    '## Dependencies',
    '',
    `- Requires: ${p.dependencies.requires.length ? p.dependencies.requires.join(', ') : 'None'}`,
    `- Blocks: ${p.dependencies.blocks.length ? p.dependencies.blocks.join(', ') : p.database ? 'None' : 'unknown without a database'}`,
    '',
    '## Rollback',
    '',
    p.rollback.source === 'file' ? `From \`${p.rollback.file}\`:` : 'Synthesised (no rollback file found):',
    '',
    '```sql',
    ...(p.rollback.statements.length ? p.rollback.statements : ['-- nothing to undo']),
    '```',
  )
  if (p.rollback.irreversible.length) out.push('', 'Irreversible:', ...p.rollback.irreversible.map((x) => `- ${x}`))
  out.push('', '## Recommendation', '', VERDICT[p.recommendation.verdict], ...p.recommendation.reasons.map((r) => `- ${r}`), '')
  return out.join('\n')
}
