import { Command, Option } from 'commander'
import type { RegisterCommand } from './index.js'
import { databaseOption, jsonOption, parseCount, parseDuration } from '../options.js'
import { writeOut } from '../io.js'
import { run, type RunEvent } from '../../actions/run.js'
import { renderRun } from '../../report/markdown/run.js'
import { createProgress } from '../../report/progress.js'
import { EXIT } from '../../errors.js'

interface RunFlags {
  migration?: string
  dir?: string
  database?: string
  rollback?: string
  validate?: string
  lockTimeout: string
  retries: string
  lockWait: string
  dryRun?: boolean
  allowNoRollback?: boolean
  json?: boolean
}

/** `data-migrate run`: flags → {@link run} → report; progress on stderr (TTY only). */
export const registerRun: RegisterCommand = (program, io, setExit) => {
  program.addCommand(
    new Command('run')
      .description('execute a migration (or every pending one of a directory) with pre-flight checks, one transaction, validation and history')
      .option('--migration <file>', 'the migration to run')
      .option('--dir <dir>', 'run every pending migration of this directory, in order')
      .addOption(databaseOption())
      .option('--rollback <file>', 'rollback script (default: <name>_rollback.sql beside the migration)')
      .option('--validate <file>', 'validation script (default: <name>_validate.sql beside the migration)')
      .option('--lock-timeout <duration>', 'lock_timeout for every statement', '5s')
      .option('--retries <n>', 'attempts after a lock timeout, with backoff', '5')
      .option('--lock-wait <duration>', 'how long to wait for another run to finish', '10s')
      .option('--dry-run', 'run everything including validation, then roll back; write no history')
      .option('--allow-no-rollback', 'run even without a rollback script')
      .addOption(jsonOption())
      .addOption(new Option('--no-progress', 'no progress bar'))
      .action(async (flags: RunFlags & { progress: boolean }) => {
        const progress = createProgress(io.stderr, !flags.json && flags.progress)
        let serverStep = ''
        let copiedBytes = 0
        let rowsStored = ''
        const onEvent = (e: RunEvent): void => {
          if (e.type === 'server-progress' && e.progress.kind === 'copy') {
            // The bar counts bytes sent; the server says how many rows it has stored so far.
            rowsStored = `${e.progress.done.toLocaleString('en-US')} rows stored`
            progress.update(copiedBytes, rowsStored)
            return
          }
          if (e.type === 'copy-progress') {
            copiedBytes = e.bytes
            progress.update(e.bytes, rowsStored)
            return
          }
          if (e.type === 'copy-start') rowsStored = ''
          if (e.type === 'server-progress' && e.progress.kind === 'create-index') {
            // Index builds report blocks/tuples on the server: show them as their own bar.
            if (serverStep !== e.step) {
              progress.stop()
              progress.start(e.step, e.progress.total ?? undefined, e.progress.unit)
              serverStep = e.step
            }
            progress.update(e.progress.done, e.progress.phase)
          } else if (e.type === 'step-end' && serverStep) {
            progress.stop()
            serverStep = ''
          } else if (e.type === 'copy-start') progress.start(e.name, e.totalBytes, 'MB')
          else if (e.type === 'copy-end') progress.stop()
          else if (e.type === 'lock-wait' && !flags.json) {
            const who = e.holders.map((h) => `pid ${h.pid} (${h.application})`).join(', ')
            io.stderr.write(`waiting for the migration lock held by ${who || 'another session'} …\n`)
          } else if (e.type === 'retry' && !flags.json) io.stderr.write(`lock not granted: retry ${e.attempt} in ${e.waitMs}ms (${e.reason})\n`)
        }
        const result = await run({
          ...(flags.migration !== undefined && { migration: flags.migration }),
          ...(flags.dir !== undefined && { dir: flags.dir }),
          ...(flags.database !== undefined && { database: flags.database }),
          ...(flags.rollback !== undefined && { rollback: flags.rollback }),
          ...(flags.validate !== undefined && { validate: flags.validate }),
          lockTimeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout'),
          retries: parseCount(flags.retries, '--retries'),
          lockWaitMs: parseDuration(flags.lockWait, '--lock-wait'),
          dryRun: flags.dryRun ?? false,
          allowNoRollback: flags.allowNoRollback ?? false,
          env: io.env,
          cwd: io.cwd,
          onEvent,
          ...(io.signal !== undefined && { signal: io.signal }),
        })
        progress.stop()
        const single = flags.migration !== undefined && result.migrations.length === 1
        writeOut(io.stdout, flags.json ? JSON.stringify(single ? result.migrations[0] : result, null, 2) : renderRun(result))
        const last = result.migrations.at(-1)
        const lockGaveUp = last?.error?.code === 'LOCK_TIMEOUT'
        setExit(result.status === 'failed' ? (lockGaveUp ? EXIT.connectOrLock : EXIT.failed) : EXIT.ok)
      }),
  )
}
