import { Command, Option } from 'commander'
import type { RegisterCommand } from './index.js'
import { jsonOption } from '../options.js'
import { writeOut } from '../io.js'
import { generate, type GenerateOptions } from '../../actions/generate.js'
import { renderGenerate } from '../../report/markdown/generate.js'
import { DataMigrateError, EXIT } from '../../errors.js'
import type { DateOrder } from '../../schema/model.js'

interface GenerateFlags {
  source: string
  table: string
  target: string
  schema: string
  out: string
  delimiter?: string
  quote?: string
  encoding?: string
  header?: boolean
  dateOrder?: string
  null: string[]
  primaryKey?: string
  varchar?: boolean
  json?: boolean
}

const DELIMITER_WORDS: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' }

/** `data-migrate generate`: flags → {@link generate} → Markdown or JSON. */
export const registerGenerate: RegisterCommand = (program, io, setExit) => {
  program
    .addCommand(
      new Command('generate')
        .description('read a CSV, infer a PostgreSQL schema from every row, write forward, rollback and validation scripts')
        .requiredOption('--source <file>', 'CSV file to read (.gz accepted)')
        .requiredOption('--table <name>', 'table to create (a lowercase identifier)')
        .option('--target <db>', 'target database kind', 'postgres')
        .option('--schema <name>', 'database schema of the table', 'public')
        .option('--out <dir>', 'directory for the migration files', 'migrations')
        .option('--delimiter <c>', 'field delimiter (detected when omitted; "tab" for tab)')
        .option('--quote <c>', 'quote character (detected when omitted)')
        .option('--encoding <e>', 'utf-8, windows-1252, utf-16le or utf-16be (detected when omitted)')
        .option('--header', 'the first row is a header (detected when omitted)')
        .option('--no-header', 'the first row is data')
        .addOption(new Option('--date-order <order>', 'day/month order for dates the file leaves ambiguous').choices(['DMY', 'MDY', 'YMD']))
        .option('--null <token>', 'an extra null token (repeatable); defaults: empty, NULL, \\N', (v: string, acc: string[]) => [...acc, v], [] as string[])
        .option('--primary-key <col>', 'primary key column, or "none" (chosen from the data when omitted)')
        .option('--varchar', 'use varchar(n) sized from the data instead of text')
        .addOption(jsonOption())
        .action(async (flags: GenerateFlags) => {
          const delimiter = flags.delimiter === undefined ? undefined : DELIMITER_WORDS[flags.delimiter] ?? flags.delimiter
          if (delimiter !== undefined && delimiter.length !== 1) {
            throw new DataMigrateError('INVALID_OPTION', `--delimiter "${flags.delimiter}" must be one character`, { hint: 'use , ; | or tab' })
          }
          const options: GenerateOptions = {
            source: flags.source,
            table: flags.table,
            target: flags.target,
            schema: flags.schema,
            out: flags.out,
            cwd: io.cwd,
            ...(delimiter !== undefined && { delimiter }),
            ...(flags.quote !== undefined && { quote: flags.quote }),
            ...(flags.encoding !== undefined && { encoding: flags.encoding }),
            ...(flags.header !== undefined && { header: flags.header }),
            ...(flags.dateOrder !== undefined && { dateOrder: flags.dateOrder as DateOrder }),
            ...(flags.null.length > 0 && { nullTokens: flags.null }),
            ...(flags.primaryKey !== undefined && { primaryKey: flags.primaryKey }),
            ...(flags.varchar !== undefined && { varchar: flags.varchar }),
          }
          const result = await generate(options)
          writeOut(io.stdout, flags.json ? JSON.stringify(result, null, 2) : renderGenerate(result))
          setExit(EXIT.ok)
        }),
    )
}
