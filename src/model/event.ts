/** Something that happened to a resource, as webhooks and GET /events show it. */
export interface Event {
  id: string;
  merchant_id: string;
  type: string;
  resource_id: string;
  /** Snapshot of the resource at the time of the event (model shape; serialised on read). */
  data: Record<string, unknown>;
  reason: string | null;
  created_at: Date;
  /** Orders events made in the same millisecond. */
  seq: number;
}
