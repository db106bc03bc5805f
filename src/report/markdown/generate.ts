import type { GenerateResult } from '../../actions/generate.js'
import { formatCount, markdownTable } from './table.js'

function shown(v: string | null, max = 40): string {
  if (v === null) return ''
  return v.length > max ? `${v.slice(0, max - 1)}…` : v
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }

/** For an allowed-set check, the values (quoted when they hold spaces or punctuation, shortened). */
function allowedList(r: GenerateResult, check: string): string {
  const col = r.columns.find((c) => check.startsWith(`${c.name} in allowed set`))
  if (!col?.allowedValues) return ''
  const shownValues = col.allowedValues.map((v) => (/^[\w.@+-]+$/.test(v) ? v : JSON.stringify(v)))
  const text = shownValues.join(', ')
  return ` — {${text.length > 100 ? `${text.slice(0, 99)}…` : text}}`
}

/** The "# Migration Generated" report (Markdown), as in the seed. Pure. */
export function renderGenerate(r: GenerateResult): string {
  const d = r.dialect
  const out: string[] = [
    '# Migration Generated',
    '',
    `**Source:** ${r.source} (${formatCount(r.rows)} rows, ${(r.bytes / 1e6).toFixed(1)} MB)`,
    `**Target:** PostgreSQL / ${r.schema}.${r.table}`,
    `**Read as:** ${d.encoding}${d.bom ? ' with BOM' : ''}, ${DELIMITER_NAMES[d.delimiter] ?? JSON.stringify(d.delimiter)}-delimited, ${d.header ? 'header row' : 'no header row'}, ${d.lineEnding} line endings${d.quote ? '' : ', no quoting'}`,
    '',
    '## Files Created',
    '',
    `1. \`${r.files.forward}\` - Forward migration`,
    `2. \`${r.files.rollback}\` - Rollback script`,
    `3. \`${r.files.validate}\` - Validation queries`,
    '',
    '## Schema',
    '',
    '```sql',
    `${r.createTable};`,
    '```',
    '',
    '### Columns',
    '',
    markdownTable(
      ['Column', 'From', 'Type', 'Nulls', 'Distinct', 'Min', 'Max'],
      r.columns.map((c) => [
        c.name + (c.name === r.primaryKey ? ' (PK)' : ''),
        c.sourceName === c.name ? '' : c.sourceName,
        c.type + (c.nullable ? '' : ' NOT NULL'),
        formatCount(c.nulls),
        `${c.distinctExact ? '' : '~'}${formatCount(c.distinct)}`,
        shown(c.min),
        shown(c.max),
      ]),
    ),
  ]
  const notes = [...r.notes, ...r.columns.flatMap((c) => c.notes.map((n) => `${c.name}: ${n}`))]
  if (notes.length > 0) {
    out.push('', '### Inference notes', '', ...notes.map((n) => `- ${n}`))
  }
  out.push(
    '',
    '## Load Command',
    '',
    '```bash',
    `psql -v ON_ERROR_STOP=1 -d mydb -f ${r.files.forward}`,
    `# or: npx data-migrate run --migration ${r.files.forward}`,
    '```',
    '',
    r.load.strategy === 'direct'
      ? `Loads with one \`\\copy\` straight into the table${r.load.dateStyle ? ` (with \`SET LOCAL datestyle = '${r.load.dateStyle}'\`)` : ''}, in one transaction.`
      : `Loads through a temporary text table, converting values (${r.load.reasons.join('; ')}), in one transaction.`,
    '',
    '## Validation',
    '',
    'After migration, run:',
    '```bash',
    `psql -v ON_ERROR_STOP=1 -d mydb -f ${r.files.validate}`,
    '```',
    '',
    'Expected results:',
    ...r.checks.map((c) => `- ${c.check}: ${c.expected}${allowedList(r, c.check)}`),
    '',
  )
  return out.join('\n')
}
