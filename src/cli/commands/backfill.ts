import { Command } from 'commander'
import type { RegisterCommand } from './index.js'
import { databaseOption, jsonOption, parseCount, parseDuration } from '../options.js'
import { writeOut } from '../io.js'
import { backfill, type BackfillEvent } from '../../actions/backfill.js'
import { renderBackfill } from '../../report/markdown/backfill.js'
import { createProgress } from '../../report/progress.js'
import { EXIT } from '../../errors.js'

interface BackfillFlags {
  table: string
  column: string
  set: string
  range?: string
  rangeColumn?: string
  where?: string
  batchSize: string
  targetBatchMs: string
  sleepMs: string
  lockTimeout: string
  retries: string
  throttleOn?: string
  maxReplicaLag?: string
  pauseOnAutovacuum?: boolean
  dryRun?: boolean
  restart?: boolean
  database?: string
  json?: boolean
}

/** `data-migrate backfill`: flags → {@link backfill} → report; a progress bar on a TTY. */
export const registerBackfill: RegisterCommand = (program, io, setExit) => {
  program.addCommand(
    new Command('backfill')
      .description('fill a column in keyset batches: short transactions, adaptive size, throttled, resumable, validated')
      .requiredOption('--table <t>', 'table to fill')
      .requiredOption('--column <c>', 'column to fill')
      .requiredOption('--set <sql>', 'SQL expression for the new value (may use other columns and subqueries)')
      .option('--range <from:to>', 'half-open range [from, to) on --range-column (from..to when values contain ":")')
      .option('--range-column <col>', 'column the range applies to (default: the one date/timestamp column)')
      .option('--where <sql>', 'extra filter')
      .option('--batch-size <n|auto>', 'rows per batch, or auto to aim at --target-batch-ms', 'auto')
      .option('--target-batch-ms <ms>', 'target duration of a batch', '200')
      .option('--sleep-ms <ms>', 'pause between batches', '0')
      .option('--lock-timeout <duration>', 'lock_timeout of each batch', '2s')
      .option('--retries <n>', 'attempts of a batch after a lock timeout, deadlock or serialization failure', '3')
      .option('--throttle-on <sql>', 'pause while this query returns true')
      .option('--max-replica-lag <duration>', 'pause while a replica lags more than this')
      .option('--pause-on-autovacuum', 'pause while autovacuum works on the table')
      .option('--dry-run', 'show rows in range, the batch plan and the estimated duration; write nothing')
      .option('--restart', 'ignore the checkpoint and start over')
      .addOption(databaseOption())
      .addOption(jsonOption())
      .action(async (flags: BackfillFlags) => {
        const progress = createProgress(io.stderr, !flags.json)
        const onEvent = (e: BackfillEvent): void => {
          if (e.type === 'start') progress.start('backfill', e.total, 'rows')
          else if (e.type === 'batch') progress.update(e.done, `batch ${e.batch.index} (${e.size} rows)`)
          else if (e.type === 'waiting') progress.update(0, `waiting: ${e.reason}`)
        }
        const r = await backfill({
          table: flags.table,
          column: flags.column,
          set: flags.set,
          ...(flags.range !== undefined && { range: flags.range }),
          ...(flags.rangeColumn !== undefined && { rangeColumn: flags.rangeColumn }),
          ...(flags.where !== undefined && { where: flags.where }),
          ...(flags.batchSize !== 'auto' && { batchSize: Math.max(1, parseCount(flags.batchSize, '--batch-size')) }),
          targetBatchMs: parseDuration(flags.targetBatchMs, '--target-batch-ms'),
          sleepMs: parseDuration(flags.sleepMs, '--sleep-ms'),
          lockTimeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout'),
          retries: parseCount(flags.retries, '--retries'),
          ...(flags.throttleOn !== undefined && { throttleOn: flags.throttleOn }),
          ...(flags.maxReplicaLag !== undefined && { maxReplicaLagMs: parseDuration(flags.maxReplicaLag, '--max-replica-lag') }),
          ...(flags.pauseOnAutovacuum !== undefined && { pauseOnAutovacuum: flags.pauseOnAutovacuum }),
          ...(flags.dryRun !== undefined && { dryRun: flags.dryRun }),
          ...(flags.restart !== undefined && { restart: flags.restart }),
          ...(flags.database !== undefined && { database: flags.database }),
          env: io.env,
          cwd: io.cwd,
          onEvent,
          ...(io.signal !== undefined && { signal: io.signal }),
        })
        progress.stop()
        writeOut(io.stdout, flags.json ? JSON.stringify(r, null, 2) : renderBackfill(r))
        setExit(r.status === 'done' || r.status === 'dry-run' ? (r.validation.ok || r.status === 'dry-run' ? EXIT.ok : EXIT.failed) : r.error?.code === 'LOCK_TIMEOUT' ? EXIT.connectOrLock : EXIT.failed)
      }),
  )
}
