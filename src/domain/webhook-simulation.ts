import { hmacSha256Hex, sha256Hex } from '../lib/digest';
import { ApiError } from '../kernel/errors';
import type { Merchant } from '../model/merchant';
import type { SimulatedFault, WebhookSimulation } from '../model/webhook';

// Simulated receiver faults (test mode; docs/webhooks.md "Simulated receiver faults"). What holds
// a delivery (delay, out of order) is decided when the outbox is written (outbox.repo.ts
// insertDeliveries); what changes a request (duplicate, bad signature, content type) when it is
// sent — both read here.

/** Bounds of the numbers a simulation takes (the route's schema says the same). */
export const MAX_DELAY_SECONDS = 3600;
export const MAX_WINDOW_SECONDS = 300;

/** What `simulate` takes: every key optional, omitted = off. */
export interface SimulationInput {
  duplicate?: boolean;
  out_of_order?: { window_seconds: number };
  delay_seconds?: number;
  bad_signature?: boolean;
  wrong_content_type?: boolean;
}

const SIMULATION_KEYS = new Set(['duplicate', 'out_of_order', 'delay_seconds', 'bad_signature', 'wrong_content_type']);

/**
 * `simulate` as given → what is stored: the whole simulation (keys left out are off), or null when
 * it simulates nothing. Live merchants are refused (403), even an all-off simulation.
 *
 *   simulationOf({ duplicate: true }, 'test'); // { duplicate: true, out_of_order: null, delay_seconds: 0, … }
 */
export function simulationOf(input: SimulationInput, mode: Merchant['mode']): WebhookSimulation | null {
  if (mode !== 'test') throw new ApiError('forbidden', { param: 'simulate', message: 'Simulated receiver faults are available in test mode only.' });
  // A misspelt fault would otherwise be dropped, and the test that relies on it pass for nothing.
  const unknown = Object.keys(input).find((key) => !SIMULATION_KEYS.has(key));
  if (unknown !== undefined) {
    throw new ApiError('invalid_parameter', { param: `simulate.${unknown}`, message: `simulate takes ${[...SIMULATION_KEYS].join(', ')}; not ${unknown}` });
  }
  const simulation: WebhookSimulation = {
    duplicate: input.duplicate ?? false,
    out_of_order: input.out_of_order ? { window_seconds: input.out_of_order.window_seconds } : null,
    delay_seconds: input.delay_seconds ?? 0,
    bad_signature: input.bad_signature ?? false,
    wrong_content_type: input.wrong_content_type ?? false,
  };
  const any = simulation.duplicate || simulation.out_of_order || simulation.delay_seconds > 0 || simulation.bad_signature || simulation.wrong_content_type;
  return any ? simulation : null;
}

/** The secret a `bad_signature` request is signed with: not the endpoint's, and said so in the docs. */
export function wrongSecret(secret: string): string {
  return `${secret}-simulated-bad-signature`;
}

/**
 * A request's headers with the simulation's request faults applied (a signature made with
 * wrongSecret, text/plain), and which were applied, for its attempt's record.
 */
export function simulatedHeaders(
  headers: Record<string, string>,
  simulation: WebhookSimulation | null,
  secret: string,
  body: string,
): { headers: Record<string, string>; simulated: SimulatedFault[] } {
  if (!simulation) return { headers, simulated: [] };
  const changed = { ...headers };
  const simulated: SimulatedFault[] = [];
  if (simulation.bad_signature) {
    changed['X-Komoju-Signature'] = hmacSha256Hex(wrongSecret(secret), body);
    simulated.push('bad_signature');
  }
  if (simulation.wrong_content_type) {
    changed['Content-Type'] = 'text/plain';
    simulated.push('wrong_content_type');
  }
  return { headers: changed, simulated };
}

/**
 * The order in which deliveries held together (out of order) are sent: a shuffle keyed by their
 * ids (the same ids always come out in the same order), and never the order they were created in
 * when there are two or more (a shuffle that happens to keep it is turned by one). `items` come
 * in creation order.
 *
 *   shuffleHeld([a, b, c], (d) => d.id); // e.g. [c, a, b]
 */
export function shuffleHeld<T>(items: readonly T[], idOf: (item: T) => string): T[] {
  const shuffled = [...items].sort((x, y) => (sha256Hex(idOf(x)) < sha256Hex(idOf(y)) ? -1 : 1));
  if (shuffled.length > 1 && shuffled.every((item, i) => item === items[i])) shuffled.push(shuffled.shift()!);
  return shuffled;
}
