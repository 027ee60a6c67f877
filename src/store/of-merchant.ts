/**
 * A row read by its primary key alone, kept only if it belongs to `merchantId`.
 *
 * Reads of one row by id select by `id` alone and check the merchant here, rather than with
 * `merchant_id = $1 AND id = $2`: on a table without statistics (a new database, or one not yet
 * analysed since it grew) PostgreSQL then chose the merchant-led index (`payments_merchant_created`,
 * `customers_merchant_created`, `sessions_merchant`) and filtered every one of the merchant's rows
 * by id, custom plans and generic ones alike. By id alone the primary key is the only usable index.
 * A lock (FOR UPDATE) taken this way holds another merchant's row for an instant before its caller
 * refuses it; reaching it takes the row's unguessable 25-character id.
 */
export function ofMerchant<T extends { merchant_id: string }>(merchantId: string, row: T | undefined): T | undefined {
  return row?.merchant_id === merchantId ? row : undefined;
}
