/**
 * Which tables a query or DML statement reads with a sequential scan, as the server plans it right now:
 * `EXPLAIN (FORMAT JSON)` (never ANALYZE: nothing is executed). Undefined when the statement cannot be explained
 * yet (e.g. it uses a table created earlier in the same file).
 */
import type { Database } from '../db/database.js'

type PlanNode = { 'Node Type'?: string; 'Relation Name'?: string; Schema?: string; 'Plan Rows'?: number; Plans?: PlanNode[] }

/** What the server's planner says about a statement: sequential scans and the rows it expects to touch. */
export interface Explained {
  readonly seqScans: readonly string[]
  /** Estimated rows the statement reads to modify or return (ModifyTable's input, else the top node). */
  readonly rows: number
}

export async function explainStatement(db: Database, sql: string): Promise<Explained | undefined> {
  try {
    const r = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`)
    const raw = r.rows[0]?.['QUERY PLAN']
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan?: PlanNode }[]
    const top = doc[0]?.Plan
    const out = new Set<string>()
    const walk = (n: PlanNode | undefined): void => {
      if (!n) return
      if (n['Node Type'] === 'Seq Scan' && n['Relation Name']) out.add(n['Relation Name'])
      for (const c of n.Plans ?? []) walk(c)
    }
    walk(top)
    const rows = top?.['Node Type'] === 'ModifyTable' ? top.Plans?.[0]?.['Plan Rows'] ?? 0 : top?.['Plan Rows'] ?? 0
    return { seqScans: [...out], rows: Math.round(rows) }
  } catch {
    return undefined
  }
}

/** Only the sequential scans of {@link explainStatement}. */
export async function explainSeqScans(db: Database, sql: string): Promise<readonly string[] | undefined> {
  return (await explainStatement(db, sql))?.seqScans
}

/** Statement kinds whose scans come from EXPLAIN. */
export const EXPLAINABLE = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'MergeStmt'])
