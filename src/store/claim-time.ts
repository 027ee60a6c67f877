import { sql } from 'kysely';

/**
 * The time claims are made and judged by: the database's clock, never a process's. A claim
 * (`claimed_until`) keeps other workers off a row until it runs out; were it set and compared with
 * each process's own clock, a worker whose clock ran ahead of another's by more than a claim's
 * length would find that worker's fresh claim already over and send the row a second time.
 * Every process reads this one clock, so skew between machines cannot end a claim early.
 *
 * `statement_timestamp()` rather than `now()`: the same instant for every row of the statement,
 * yet not the start of a surrounding transaction that may have waited. Cut to the millisecond: a
 * claim's `claimed_until` comes back as a JavaScript Date, which renewClaim compares with the
 * row's, and PostgreSQL's microseconds would make that compare-and-set fail every time.
 */
export const CLAIM_NOW = sql<Date>`date_trunc('milliseconds', statement_timestamp())`;
