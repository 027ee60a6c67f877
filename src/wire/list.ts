/** KOMOJU's list envelope (docs/decisions.md #10). */
export function serializeList<T>(
  rows: readonly T[],
  total: number,
  page: number,
  perPage: number,
  toJson: (row: T) => unknown,
  window: { start_time?: Date; end_time?: Date } = {},
): Record<string, unknown> {
  return {
    resource: 'list',
    total,
    page,
    per_page: perPage,
    last_page: Math.ceil(total / perPage),
    start_time: window.start_time?.toISOString() ?? null,
    end_time: window.end_time?.toISOString() ?? null,
    data: rows.map(toJson),
  };
}
