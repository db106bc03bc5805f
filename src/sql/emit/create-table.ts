import type { InferredSchema } from '../../schema/model.js'
import { renderType } from '../../schema/model.js'
import { quoteIdent, quoteQualified } from '../quote.js'

/** `CREATE TABLE` for an inferred schema: every column typed, NOT NULL where no value was null, the PK. */
export function createTableSql(schema: InferredSchema, table: string, dbSchema: string): string {
  const width = Math.max(...schema.columns.map((c) => quoteIdent(c.name).length))
  const lines = schema.columns.map((c) => {
    const pk = schema.primaryKey === c.name ? ' PRIMARY KEY' : ''
    const notNull = !c.nullable && pk === '' ? ' NOT NULL' : ''
    return `    ${quoteIdent(c.name).padEnd(width)} ${renderType(c.type)}${pk}${notNull}`
  })
  return `CREATE TABLE ${quoteQualified(dbSchema, table)} (\n${lines.join(',\n')}\n)`
}
