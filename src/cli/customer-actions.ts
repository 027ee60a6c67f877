import type { Answer, ApiClient } from './api-client';

/**
 * The customer's side of a payment, for `kessai run`'s customer steps and `kessai trigger`'s
 * stories, each done the way a customer (or KOMOJU's test helpers) does it on the public API and
 * pages, never through a back door (docs/testing.md#scenario-files):
 * - pay, deposit: POST /test_helpers/payments/:id/pay (deposit first checks it is a bank transfer);
 * - fail: POST /test_helpers/payments/:id/fail;
 * - approve, decline, abandon: the offsite simulator at the payment's redirect_url, its Approve,
 *   Decline or Cancel button;
 * - authenticate: the 3-D Secure page at the token's authentication_url, with the password that
 *   passes (123456) or one that fails when the card asks for one.
 */

/** What a customer action did: the answer later steps read, and why it failed if it did. */
export interface ActionResult {
  did: string;
  answer: Answer;
  /** The action could not be done as asked (not a bank transfer, a page that refused). */
  problem?: string;
}

/** A browser follows at most this many redirects on this server before giving up. */
const MAX_REDIRECTS = 5;
const PASSWORD = { pass: '123456', fail: '000000' } as const;

export async function pay(client: ApiClient, payment: string): Promise<ActionResult> {
  const answer = await client.api('POST', `/test_helpers/payments/${encodeURIComponent(payment)}/pay`);
  return { did: `paid ${payment} (POST /test_helpers/payments/:id/pay)`, answer };
}

export async function fail(client: ApiClient, payment: string, code?: string): Promise<ActionResult> {
  const answer = await client.api('POST', `/test_helpers/payments/${encodeURIComponent(payment)}/fail`, { body: code === undefined ? {} : { code } });
  return { did: `failed ${payment}${code ? ` with ${code}` : ''} (POST /test_helpers/payments/:id/fail)`, answer };
}

/** A bank transfer arrives: the payment must be one (a konbini payment is paid with `pay`). */
export async function deposit(client: ApiClient, payment: string): Promise<ActionResult> {
  const found = await client.api('GET', `/payments/${encodeURIComponent(payment)}`);
  const type = (found.body as { payment_details?: { type?: unknown } } | null)?.payment_details?.type;
  if (found.status !== 200) return { did: `deposit to ${payment}`, answer: found, problem: `GET /payments/${payment} answered ${found.status}` };
  if (type !== 'bank_transfer') return { did: `deposit to ${payment}`, answer: found, problem: `${payment} is a ${String(type)} payment, not bank_transfer: use pay` };
  const paid = await pay(client, payment);
  return { ...paid, did: `deposited the transfer to ${payment} (POST /test_helpers/payments/:id/pay)` };
}

/** Follows a redirect chain as a browser would while it stays on this server (a session's return). */
async function followOwnRedirects(client: ApiClient, location: string | null): Promise<string | null> {
  for (let hops = 0; location && client.isOwn(location) && hops < MAX_REDIRECTS; hops++) {
    const page = await client.page(location);
    if (page.status >= 400) return `${new URL(location).pathname} answered ${page.status}`;
    location = page.location;
  }
  return null;
}

const OFFSITE_BUTTON = { approve: 'approve', decline: 'decline', abandon: 'cancel' } as const;

/** Approve, Decline or Cancel ("abandon") on the offsite simulator, as the customer's browser. */
export async function offsite(client: ApiClient, payment: string, choice: keyof typeof OFFSITE_BUTTON): Promise<ActionResult> {
  const did = `${choice === 'abandon' ? 'abandoned' : `${choice}d`} ${payment} on the offsite page`;
  const found = await client.api('GET', `/payments/${encodeURIComponent(payment)}`);
  const redirect = (found.body as { payment_details?: { redirect_url?: unknown } } | null)?.payment_details?.redirect_url;
  if (typeof redirect !== 'string') return { did, answer: found, problem: `${payment} has no redirect_url: not an offsite payment (GET answered ${found.status})` };
  const page = await client.page(client.onThisServer(redirect));
  if (page.status !== 200) return { did, answer: found, problem: `the offsite page answered ${page.status}` };
  const posted = await client.page(`/offsite/${encodeURIComponent(payment)}`, { action: OFFSITE_BUTTON[choice] });
  if (posted.status !== 303) return { did, answer: found, problem: `pressing ${OFFSITE_BUTTON[choice]} answered ${posted.status}` };
  const problem = await followOwnRedirects(client, posted.location);
  const answer = await client.api('GET', `/payments/${encodeURIComponent(payment)}`);
  return { did: `${did} (POST /offsite/:id action=${OFFSITE_BUTTON[choice]})`, answer, ...(problem ? { problem } : {}) };
}

/** Whether the 3-D Secure page is the challenge form (it asks for a password). */
function isChallenge(html: string): boolean {
  return /name="password"/.test(html);
}

/**
 * 3-D Secure on the simulated issuer's page of `given` (a secure token's id or its
 * authentication_url): a challenge card gets the password for `result`; a frictionless card
 * decides by itself, so asking it for the other result is a problem.
 */
export async function authenticate(client: ApiClient, given: string, result: 'pass' | 'fail'): Promise<ActionResult> {
  let url: string;
  if (/^(https?:)?\//.test(given)) url = client.onThisServer(given);
  else {
    const token = await client.api('GET', `/secure_tokens/${encodeURIComponent(given)}`);
    const authenticationUrl = (token.body as { authentication_url?: unknown } | null)?.authentication_url;
    if (typeof authenticationUrl !== 'string') return { did: `3-D Secure of ${given}`, answer: token, problem: `GET /secure_tokens/${given} answered ${token.status} without authentication_url` };
    url = client.onThisServer(authenticationUrl);
  }
  const tokenId = new URL(url).searchParams.get('token') ?? given;
  const page = await client.page(url);
  let how = 'frictionless';
  let location = page.location;
  if (page.status === 200 && isChallenge(page.html)) {
    how = `challenge, password ${PASSWORD[result]}`;
    const answered = await client.page(new URL(url).pathname, { token: tokenId, password: PASSWORD[result] });
    location = answered.location;
    if (answered.status !== 303) return { did: `3-D Secure of ${tokenId}`, answer: await secureToken(client, tokenId), problem: `the challenge form answered ${answered.status}` };
  } else if (page.status !== 303) {
    return { did: `3-D Secure of ${tokenId}`, answer: await secureToken(client, tokenId), problem: `the 3-D Secure page answered ${page.status}` };
  }
  const redirectProblem = await followOwnRedirects(client, location);
  const answer = await secureToken(client, tokenId);
  const status = (answer.body as { verification_status?: unknown } | null)?.verification_status;
  const wanted = result === 'pass' ? 'OK' : 'ERRORED';
  const did = `3-D Secure ${result} for ${tokenId} (${how})`;
  if (status !== wanted) {
    const why = how === 'frictionless' ? ': the card is frictionless, it decides the outcome (docs/testing.md#3-d-secure-cards)' : '';
    return { did, answer, problem: `verification_status is ${JSON.stringify(status)}, not ${wanted}${why}` };
  }
  return { did, answer, ...(redirectProblem ? { problem: redirectProblem } : {}) };
}

function secureToken(client: ApiClient, id: string): Promise<Answer> {
  return client.api('GET', `/secure_tokens/${encodeURIComponent(id)}`);
}
