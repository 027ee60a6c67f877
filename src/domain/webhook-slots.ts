import type { WebhookSettings } from './webhook-settings';

/**
 * The per-endpoint limit, in one place: at most `concurrencyPerEndpoint` requests in flight to one endpoint
 * from this process (KESSAI_WEBHOOK_CONCURRENCY), so a slow receiver holds a few of the worker's
 * requests, not all of them. The claim asks `free()` how many more deliveries of each busy endpoint
 * it may take (the claim query caps its rows per endpoint with that, and with `perEndpoint` for
 * endpoints not busy); each claimed delivery holds a slot until its attempt is over.
 *
 *   const slots = new EndpointSlots({ concurrencyPerEndpoint: 4 });
 *   slots.take('ep1'); slots.free(); // Map { 'ep1' => 3 }
 *   slots.release('ep1');
 */
export class EndpointSlots {
  private readonly inFlight = new Map<string, number>();

  /** The settings are read at each claim, not copied: they are the process's, as the claim's timeout is. */
  constructor(private readonly settings: Pick<WebhookSettings, 'concurrencyPerEndpoint'>) {}

  get perEndpoint(): number {
    return this.settings.concurrencyPerEndpoint;
  }

  take(endpointId: string): void {
    this.inFlight.set(endpointId, (this.inFlight.get(endpointId) ?? 0) + 1);
  }

  release(endpointId: string): void {
    const left = (this.inFlight.get(endpointId) ?? 1) - 1;
    if (left <= 0) this.inFlight.delete(endpointId);
    else this.inFlight.set(endpointId, left);
  }

  /** Endpoints with requests in flight → slots left (0 or less: claim none of it). */
  free(): Map<string, number> {
    return new Map([...this.inFlight].map(([id, count]) => [id, this.perEndpoint - count]));
  }
}
