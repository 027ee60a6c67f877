import { sql } from 'kysely';
import type { Db } from '../types';

/** How often the store looks for tables to vacuum or analyse (autovacuum_naptime's default). */
export const PGLITE_MAINTENANCE_MS = 60_000;

interface TableActivity {
  name: string;
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
  /** Holds data but has never been analysed (pg_class.reltuples is -1). */
  neverAnalysed: boolean;
}

/**
 * PGlite runs no autovacuum, so without this its tables never get statistics (the planner then
 * guesses, and once guessed a scan of a merchant's whole index for a lookup by id) and never
 * reuse the space of deleted rows (the request log is trimmed all the time). The store does
 * autovacuum's work by autovacuum's default rules: every `everyMs` it reads each table's
 * activity from pg_stat_user_tables, VACUUMs a table with more dead rows than 50 + 20 % of its
 * live ones (or more rows inserted since its last vacuum than 1,000 + 20 %), and ANALYZEs one
 * with more rows changed since its last analysis than 50 + 10 %, or one never analysed.
 *
 * Each table is its own statement, so the requests that queue on the one connection meanwhile
 * run between them: a single `VACUUM (ANALYZE)` of the whole database held it for about a second
 * at 60,000 payments, the slowest create of a bench run. Best effort: what fails is tried again
 * by the next pass. Returns a function that stops it.
 */
export function pgliteMaintenance(db: Db, everyMs: number = PGLITE_MAINTENANCE_MS): () => void {
  let timer: NodeJS.Timeout;
  let stopped = false;
  const pass = async () => {
    for (const table of await activity(db).catch(() => [])) {
      const name = sql.id(table.name);
      for (const command of commandsFor(table)) {
        if (stopped) return;
        if (command === 'VACUUM') await sql`VACUUM ${name}`.execute(db).catch(() => {});
        else await analyze(db, name).catch(() => {});
      }
    }
  };
  const run = async () => {
    await pass();
    if (!stopped) timer = setTimeout(run, everyMs).unref();
  };
  timer = setTimeout(run, everyMs).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * ANALYZE from a sample of 3,000 rows (statistics target 10) rather than PostgreSQL's 30,000:
 * enough for the plans kessai's statements need, and at 60,000 payments it takes 20 ms instead
 * of 230 ms, during which every request waits.
 */
function analyze(db: Db, table: ReturnType<typeof sql.id>) {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL default_statistics_target = 10`.execute(trx);
    await sql`ANALYZE ${table}`.execute(trx);
  });
}

/** What autovacuum would run on `table` now. */
export function commandsFor(table: TableActivity): ('VACUUM' | 'ANALYZE')[] {
  const commands: ('VACUUM' | 'ANALYZE')[] = [];
  if (table.dead > 50 + 0.2 * table.live || table.insertedSinceVacuum > 1000 + 0.2 * table.live) commands.push('VACUUM');
  // The counters start again from zero when PGlite stops without saving them (a killed process):
  // a table never analysed would then wait for 50 new changes, and be planned without statistics.
  if (table.modifiedSinceAnalyze > 50 + 0.1 * table.live || table.neverAnalysed) commands.push('ANALYZE');
  return commands;
}

async function activity(db: Db): Promise<TableActivity[]> {
  const { rows } = await sql<TableActivity>`
    SELECT s.relname AS name, s.n_live_tup::int AS live, s.n_dead_tup::int AS dead,
           s.n_mod_since_analyze::int AS "modifiedSinceAnalyze", s.n_ins_since_vacuum::int AS "insertedSinceVacuum",
           c.reltuples < 0 AND pg_relation_size(c.oid) > 0 AS "neverAnalysed"
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()`.execute(db);
  return rows;
}
