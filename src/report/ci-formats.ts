/** Plan findings for CI: GitHub workflow annotations and SARIF 2.1.0. Pure. */
import type { PlanResult } from '../actions/plan.js'
import { RULES } from '../plan/rules/index.js'
import { VERSION } from '../version.js'

const GH_LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const

function ghEscape(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** `::warning file=…,line=…,title=rule::message` lines, one per finding. */
export function renderGithub(p: PlanResult, file: string): string {
  const lines = p.statements.flatMap((s) => s.findings.map((f) => `::${GH_LEVEL[f.severity]} file=${file},line=${s.line},title=${f.rule}::${ghEscape(`${f.message}\nSafer: ${f.fix}`)}`))
  lines.push(`::notice file=${file}::${ghEscape(`data-migrate plan: risk ${p.risk}, ${lines.length} finding(s)`)}`)
  return lines.join('\n')
}

/** A SARIF 2.1.0 log with one run: the rules and one result per finding. */
export function renderSarif(p: PlanResult, file: string): string {
  const level = { error: 'error', warning: 'warning', info: 'note' } as const
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'data-migrate', version: VERSION, rules: RULES.map((r) => ({ id: r.id, shortDescription: { text: r.summary }, defaultConfiguration: { level: level[r.severity] } })) } },
      results: p.statements.flatMap((s) => s.findings.map((f) => ({
        ruleId: f.rule,
        level: level[f.severity],
        message: { text: `${f.message}. Safer: ${f.fix}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: s.line } } }],
      }))),
    }],
  }, null, 2)
}
