import type { Command } from 'commander'
import type { CliIo } from '../io.js'
import { registerGenerate } from './generate.js'
import { registerPlan } from './plan.js'
import { registerRun } from './run.js'
import { registerStatus } from './status.js'
import { registerBackfill } from './backfill.js'

/** A command registers itself on the program; `setExit` records the exit code of a completed action. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerGenerate,
  registerPlan,
  registerRun,
  registerStatus,
  registerBackfill,
]
