import { createHash } from 'node:crypto';

/**
 * Which statements are prepared by name, for both drivers: kept apart from pg-statements.ts so that
 * PGlite, which prepares the same texts, does not load the PostgreSQL client (pg) at start.
 */

const MAX_PREPARED = 2000;
/** `select *`, `returning *`, `, *` and `"p".*` as Kysely writes them; not `count(*)` or `a * b`. */
const SELECTS_ALL = /(?:\bselect|\breturning|,)\s*\*|"\.\*/i;
/** Each statement text's name, or null for one that stays unnamed. */
const statementNames = new Map<string, string | null>();

/**
 * The name a statement text is prepared under, or null when it stays unnamed (see
 * prepareStatements); PGlite prepares the same texts (see pglite.ts).
 */
export function statementName(text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return null;
    name = SELECTS_ALL.test(text) ? null : `k${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}
