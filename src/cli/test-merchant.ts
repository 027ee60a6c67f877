import type { ApiClient } from './api-client';
import { keyRefused } from './server-target';

/**
 * `kessai trigger` and `kessai run` act as a merchant's code does: they make payments, refunds and
 * customers through the API, most of them without any test helper. With a live merchant's key
 * those would be real, so both ask first: GET /api/v1/test_helpers/clock answers 403 for a live
 * merchant (test helpers are test mode only). Answers the line to refuse with, or null for a
 * test-mode merchant. Any other answer (a server without test helpers, 404) is left to the steps.
 */
export async function liveMerchantRefusal(client: ApiClient, command: string): Promise<string | null> {
  const answer = await client.api('GET', '/test_helpers/clock');
  if (answer.status === 401) throw keyRefused(client.target);
  if (answer.status !== 403) return null;
  return `the server at ${client.target.url} says this key is a live merchant's (GET /api/v1/test_helpers/clock answered 403), and ${command} works in test mode only: nothing was made. Use a test-mode merchant's secret key`;
}
