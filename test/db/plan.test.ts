/**
 * `plan` with a database: live facts change the verdicts (type changes, proven NOT NULL, row counts), and the
 * eugene corpus (kaaveland/eugene examples: bad files must be flagged, good ones not) holds on both backends.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js'
import { plan } from '../../src/actions/plan.js'
import { parseScript } from '../../src/sql/parse.js'

const EUGENE = resolve(import.meta.dirname, '../fixtures/eugene')
/** Eugene hint → the rule of ours that covers it. */
const MAP: Record<string, string[]> = {
  E1: ['constraint-missing-not-valid'], E2: ['set-not-null-scan'], E4: ['multiple-access-exclusive'], E5: ['type-change-rewrite'],
  E6: ['require-concurrent-index'], E7: ['unique-without-index'], E9: ['missing-lock-timeout'], E10: ['type-change-rewrite', 'volatile-default', 'table-rewrite'],
  E11: ['volatile-default'],
}

function parts(file: string): string[] {
  return readFileSync(file, 'utf8').split(/^-- \d+\.sql\s*$/m).map((p) => p.trim()).filter(Boolean)
}

for (const backend of BACKENDS) {
  describe(`${backend}: plan with a database`, () => {
    let t: TestDatabase
    let dir: string
    const exec = async (sql: string): Promise<void> => {
      const db = await t.open()
      try {
        await db.exec(sql)
      } finally {
        await db.close()
      }
    }
    beforeAll(async () => {
      t = await createTestDatabase(backend)
      dir = mkdtempSync(join(tmpdir(), 'dm-plan-'))
    })
    afterAll(async () => {
      await t?.destroy()
    })

    it('reads column types to tell free type changes from rewrites, and row counts', async () => {
      await exec("CREATE TABLE items (id int PRIMARY KEY, code varchar(10), price numeric(10,2), n int); INSERT INTO items SELECT g, 'c', g, g FROM generate_series(1, 2000) g; ANALYZE items")
      const f = join(dir, '001_types.sql')
      writeFileSync(f, "SET lock_timeout = '1s';\nALTER TABLE items ALTER COLUMN code TYPE varchar(20);\nALTER TABLE items ALTER COLUMN price TYPE numeric(12,2);\nALTER TABLE items ALTER COLUMN n TYPE bigint;\n")
      const p = await plan({ migration: f, database: t.url, cwd: dir })
      expect(p.statements.map((s) => s.rewrites)).toEqual([[], [], [], ['items']])
      expect(p.statements[3]!.findings.map((x) => x.rule)).toContain('type-change-rewrite')
      expect(p.statements[1]!.findings).toEqual([])
      expect(p.facts.find((x) => x.table === 'items')).toMatchObject({ exists: true, rows: 2000 })
      expect(p.estimatedSeconds).toBeGreaterThan(0)
      const s = await plan({ migration: f, cwd: dir })
      expect(s.statements[1]!.unknown).toMatch(/unknown without a database/)
    })

    it('counts existing rows that a new CHECK or FOREIGN KEY would reject', async () => {
      await exec('CREATE TABLE owners (id int PRIMARY KEY); INSERT INTO owners VALUES (1), (2); CREATE TABLE pets (id int, owner_id int, age int); INSERT INTO pets VALUES (1, 1, 3), (2, 7, -1), (3, NULL, 5), (4, 9, -2)')
      const f = join(dir, '004_constraints.sql')
      writeFileSync(f, "SET lock_timeout = '1s';\nALTER TABLE pets ADD CONSTRAINT age_pos CHECK (age >= 0) NOT VALID;\nALTER TABLE pets ADD CONSTRAINT pets_owner_fk FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID;\n")
      const p = await plan({ migration: f, database: t.url, cwd: dir })
      expect(p.violations).toEqual([{ statement: 2, constraint: 'age_pos', rows: 2 }, { statement: 3, constraint: 'pets_owner_fk', rows: 2 }])
      expect(p.risk).toBe('high')
      expect(p.recommendation.verdict).toBe('unsafe')
      expect(p.statements[1]!.findings.map((x) => x.rule)).toContain('violating-rows')
    })

    it('large UPDATEs are flagged from the planner\'s estimate of the rows they touch, not the table size', async () => {
      await exec('CREATE TABLE big_t (id int PRIMARY KEY, v int); INSERT INTO big_t SELECT g, g FROM generate_series(1, 150000) g; ANALYZE big_t')
      const f = join(dir, '005_updates.sql')
      writeFileSync(f, "SET lock_timeout = '1s';\nUPDATE big_t SET v = 0 WHERE id = 5;\nUPDATE big_t SET v = 0 WHERE id > 10;\n")
      const p = await plan({ migration: f, database: t.url, cwd: dir })
      expect(p.statements[1]!.findings.map((x) => x.rule)).not.toContain('unbatched-update')
      expect(p.statements[1]!.rowsAffected).toBeLessThan(10)
      expect(p.statements[2]!.findings.map((x) => x.rule)).toContain('unbatched-update')
      expect(p.statements[2]!.scans).toEqual(['big_t'])
    })

    it('names the views that depend on a table', async () => {
      await exec('CREATE VIEW item_codes AS SELECT id, code FROM items')
      const f = join(dir, '002_dep.sql')
      writeFileSync(f, "SET lock_timeout = '1s';\nALTER TABLE items ADD COLUMN note text;\n")
      const p = await plan({ migration: f, database: t.url, cwd: dir })
      expect(p.dependencies.blocks).toContain('item_codes')
      const g = join(dir, '002_type.sql')
      writeFileSync(g, "SET lock_timeout = '1s';\nALTER TABLE items ALTER COLUMN code TYPE varchar(40);\n")
      const q = await plan({ migration: g, database: t.url, cwd: dir })
      expect(q.statements[1]!.findings.find((x) => x.rule === 'type-change-blocked-by-view')?.message).toMatch(/view item_codes depends on items/)
    })

    it('never changes the database, even with --trace', async () => {
      const f = join(dir, '003_trace.sql')
      writeFileSync(f, "SET lock_timeout = '1s';\nALTER TABLE items ADD COLUMN traced text;\nCREATE INDEX items_traced ON items (traced);\n")
      const p = await plan({ migration: f, database: t.url, cwd: dir, trace: true })
      expect(p.trace?.find((x) => x.index === 2)?.locks).toEqual(expect.arrayContaining([{ table: 'items', mode: 'AccessExclusiveLock' }]))
      const db = await t.open()
      try {
        expect((await db.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = 'traced'`)).rows).toEqual([{ n: 0 }])
      } finally {
        await db.close()
      }
    })

    for (const hint of readdirSync(EUGENE).filter((d) => MAP[d])) {
      it(`eugene ${hint}: the bad example is flagged (${MAP[hint]!.join(' or ')}), the good one is not`, async () => {
        const schema = `e_${hint.toLowerCase()}`
        await exec(`CREATE SCHEMA ${schema}`)
        // Apply a migration part statement by statement (CONCURRENTLY cannot run in a multi-statement string).
        const applyPart = async (sql: string): Promise<void> => {
          const db = await t.open()
          try {
            await db.exec(`SET search_path = ${schema}`)
            for (const st of (await parseScript(sql)).statements) await db.exec(st.text)
          } finally {
            await db.close()
          }
        }
        const bad = parts(join(EUGENE, hint, 'bad.sql'))
        await applyPart(bad[0]!)
        const bf = join(dir, `${hint}_bad.sql`)
        writeFileSync(bf, bad[1]!)
        // search_path: plan reads facts of unqualified names; run with the schema first on the path.
        const url = t.backend === 'postgres' ? `${t.url}${t.url.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}` : t.url
        const pb = await plan({ migration: bf, database: url, cwd: dir })
        expect(pb.statements.flatMap((s) => s.findings.map((f) => f.rule)).some((r) => MAP[hint]!.includes(r))).toBe(true)
        const goodFile = join(EUGENE, hint, 'good.sql')
        if (!existsSync(goodFile)) return
        const good = parts(goodFile)
        await exec(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema}`)
        await applyPart(good[0]!)
        for (const [k, part] of good.slice(1).entries()) {
          const gf = join(dir, `${hint}_good_${k}.sql`)
          writeFileSync(gf, part)
          if (!/eugene: ignore/.test(part)) {
            const pg = await plan({ migration: gf, database: url, cwd: dir })
            expect(pg.statements.flatMap((s) => s.findings.map((f) => f.rule)).filter((r) => MAP[hint]!.includes(r))).toEqual([])
          }
          await applyPart(part.replace(/set local lock_timeout/gi, 'set lock_timeout'))
        }
      })
    }
  })
}
