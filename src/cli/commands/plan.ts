import { Command, Option } from 'commander'
import { relative } from 'node:path'
import type { RegisterCommand } from './index.js'
import { jsonOption } from '../options.js'
import { writeOut } from '../io.js'
import { plan } from '../../actions/plan.js'
import { renderPlan } from '../../report/markdown/plan.js'
import { renderGithub, renderSarif } from '../../report/ci-formats.js'
import { DataMigrateError, EXIT } from '../../errors.js'

interface PlanFlags {
  migration: string
  database?: string
  rollback?: string
  pgVersion?: string
  trace?: boolean
  json?: boolean
  format: string
  failOn?: string
}

/** `data-migrate plan`: flags → {@link plan} → Markdown, JSON, GitHub annotations or SARIF. */
export const registerPlan: RegisterCommand = (program, io, setExit) => {
  program.addCommand(
    new Command('plan')
      .description('preview a migration: locks and what they block, rewrites, risk, rollback, recommendation (changes nothing)')
      .requiredOption('--migration <file>', 'the migration to plan')
      .option('--database <url>', 'read live facts from this database (read-only); default DATABASE_URL, else a static plan')
      .option('--rollback <file>', 'rollback script (default: the paired _rollback.sql / .down.sql / down section)')
      .option('--pg-version <n>', 'PostgreSQL version the rules follow without a database (default 16)')
      .option('--trace', 'run the migration in a transaction that is always rolled back and record the locks taken (needs --database)')
      .addOption(jsonOption())
      .addOption(new Option('--format <f>', 'markdown, json, github (workflow annotations) or sarif').choices(['markdown', 'json', 'github', 'sarif']).default('markdown'))
      .addOption(new Option('--fail-on <risk>', 'exit 1 when the risk is at least this (for CI)').choices(['medium', 'high']))
      .action(async (flags: PlanFlags) => {
        let pgVersion: number | undefined
        if (flags.pgVersion !== undefined) {
          pgVersion = Number(flags.pgVersion)
          if (!Number.isInteger(pgVersion) || pgVersion < 9 || (pgVersion > 30 && pgVersion < 90000)) {
            throw new DataMigrateError('INVALID_OPTION', `--pg-version ${flags.pgVersion} is not a PostgreSQL version`, { hint: 'give the major version, e.g. --pg-version 15' })
          }
        }
        const database = flags.database ?? (io.env.DATABASE_URL || undefined)
        const p = await plan({
          migration: flags.migration,
          cwd: io.cwd,
          ...(database !== undefined && { database }),
          ...(flags.rollback !== undefined && { rollback: flags.rollback }),
          ...(pgVersion !== undefined && { pgVersion }),
          ...(flags.trace !== undefined && { trace: flags.trace }),
        })
        const format = flags.json ? 'json' : flags.format
        const file = relative(io.cwd, p.file) || p.file
        writeOut(io.stdout, format === 'json' ? JSON.stringify(p, null, 2) : format === 'github' ? renderGithub(p, file) : format === 'sarif' ? renderSarif(p, file) : renderPlan(p))
        const order = { low: 0, medium: 1, high: 2 }
        setExit(flags.failOn && order[p.risk] >= order[flags.failOn as 'medium' | 'high'] ? EXIT.failed : EXIT.ok)
      }),
  )
}
