import { Command, CommanderError } from 'commander'
import type { CliIo } from './io.js'
import { writeOut } from './io.js'
import { DataMigrateError, EXIT, formatError } from '../errors.js'
import { COMMANDS } from './commands/index.js'
import { VERSION } from '../version.js'

/**
 * The CLI: argv in, exit code out. The only module (with bin/) that knows about the process; everything it
 * needs from it comes in `io`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const controller = new AbortController()
  const onSignal = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: the user insists; leave now. The server rolls back whatever is open.
      process.exit(130)
    }
    controller.abort(new DataMigrateError('ABORTED', `interrupted by ${sig}`, { hint: 'the open transaction was rolled back' }))
  }
  const handles = ['SIGINT', 'SIGTERM'] as const
  for (const s of handles) process.on(s, onSignal)
  const ioWithSignal: CliIo = { ...io, signal: controller.signal }
  let exitCode: number = EXIT.ok
  const program = new Command('data-migrate')
    .description('Safe data migrations into PostgreSQL: generate from CSV, plan, run, backfill')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
  for (const register of COMMANDS) {
    register(program, ioWithSignal, (code) => {
      exitCode = code
    })
  }
  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (e) {
    exitCode = handleError(e, io)
  } finally {
    for (const s of handles) process.off(s, onSignal)
  }
  return exitCode
}

function handleError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed by commander.
    return e.exitCode === 0 ? EXIT.ok : EXIT.badInput
  }
  if (e instanceof DataMigrateError) {
    writeOut(io.stderr, formatError(e))
    return e.exitCode
  }
  const err = e instanceof Error ? e : new Error(String(e))
  writeOut(io.stderr, `error INTERNAL: ${err.message}\n${err.stack ?? ''}`)
  return EXIT.failed
}
