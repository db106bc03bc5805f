import { Command } from 'commander'
import type { RegisterCommand } from './index.js'
import { databaseOption, jsonOption } from '../options.js'
import { writeOut } from '../io.js'
import { status } from '../../actions/status.js'
import { renderStatus } from '../../report/markdown/run.js'
import { EXIT } from '../../errors.js'

/** `data-migrate status`: applied, pending and changed migrations of a directory. */
export const registerStatus: RegisterCommand = (program, io, setExit) => {
  program.addCommand(
    new Command('status')
      .description('list applied, pending and changed (checksum drift) migrations')
      .option('--dir <dir>', 'migrations directory', 'migrations')
      .addOption(databaseOption())
      .addOption(jsonOption())
      .action(async (flags: { dir: string; database?: string; json?: boolean }) => {
        const s = await status({ dir: flags.dir, ...(flags.database !== undefined && { database: flags.database }), env: io.env, cwd: io.cwd })
        writeOut(io.stdout, flags.json ? JSON.stringify(s, null, 2) : renderStatus(s))
        setExit(EXIT.ok)
      }),
  )
}
