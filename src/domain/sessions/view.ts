import { actorFor } from '../seeding';
import { isWebUrl } from '../../lib/web-url';
import { methodFor } from '../../methods';
import type { Db } from '../../store/db';
import * as merchantsRepo from '../../store/merchants.repo';
import * as paymentsRepo from '../../store/payments.repo';
import * as sessionsRepo from '../../store/sessions.repo';
import { ApiError } from '../../kernel/errors';
import type { Payment } from '../../model/payment';
import type { Session, ShownSession } from '../../model/session';
import type { Actor, Services } from '../context';
import { sessionMethods } from './offers';
import { isExpired, sessionState } from './state';

/** A session and the payment it embeds, if any. */
export interface SessionView {
  session: Session;
  payment: Payment | null;
}

export async function getSession(db: Db, actor: Actor, id: string): Promise<SessionView> {
  const session = await sessionsRepo.findSession(db, actor.merchant.id, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  return withPayment(db, session);
}

export async function withPayment(db: Db, session: Session): Promise<SessionView> {
  const payment = session.payment_id ? ((await paymentsRepo.findPayment(db, session.merchant_id, session.payment_id)) ?? null) : null;
  return { session, payment };
}

/** What the API shows of a session at `now`: whether it has expired, what it offers, its page. */
export function showSession(services: Services, view: SessionView, now: Date, merchantName: string): ShownSession {
  return {
    ...view,
    merchantName,
    url: `${services.publicUrl}/sessions/${view.session.id}`,
    expired: isExpired(view.session, now),
    methods: sessionMethods(services, view.session),
  };
}

/** Where the customer goes back to: return_url with `session_id=<id>` added, its query kept. */
export function sessionReturnUrl(session: Session): string | null {
  // A value stored before return_url was checked (or by hand) must not become a redirect.
  if (!session.return_url || !isWebUrl(session.return_url)) return null;
  try {
    const url = new URL(session.return_url);
    url.searchParams.append('session_id', session.id);
    return url.toString();
  } catch {
    return null;
  }
}

/** After paying: the provider (offsite), the instructions (cash methods), or back to the merchant once completed. */
export function nextUrl(session: Session, payment: Payment, now: Date): string | null {
  const details = payment.payment_details as Record<string, unknown>;
  const flow = methodFor(payment.payment_type)?.flow;
  if (flow === 'offsite' && typeof details.redirect_url === 'string') return details.redirect_url;
  if (flow === 'async' && typeof details.instructions_url === 'string') return details.instructions_url;
  // Never back to the shop while the session is pending (a prepaid card short of the total).
  return sessionState(session, now) === 'completed' ? sessionReturnUrl(session) : null;
}

/**
 * The merchant's return_url of the session a secure token authenticates a payment for (its
 * return_url is that session's `/authenticated` page), or null: the 3-D Secure page's answer is
 * redirected on to it, so that page's CSP must allow it as a form target.
 */
export async function sessionReturnUrlOfToken(services: Services, merchantId: string, tokenReturnUrl: string | null): Promise<string | null> {
  const match = /\/sessions\/([0-9a-z]{25,26})\/authenticated\?/.exec(tokenReturnUrl ?? '');
  if (!match) return null;
  return (await sessionsRepo.findSession(services.db, merchantId, match[1]))?.return_url ?? null;
}

/**
 * The hosted page's view of a session: like the payment pages, it carries no API key — the
 * session's 25-character random id in `session_url` is the credential. The merchant is found
 * through the session and acts with its own test clock.
 */
export interface CustomerSession extends SessionView {
  merchant: { name: string; mode: 'test' | 'live' };
  actor: Actor;
}

/** `reading`: the page only shows the session (see actorFor). */
export async function findCustomerSession(services: Services, id: string, { reading = false } = {}): Promise<CustomerSession> {
  const session = await sessionsRepo.findSessionById(services.db, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  const merchant = await merchantsRepo.findMerchant(services.db, session.merchant_id);
  if (!merchant) throw new ApiError('not_found', { param: 'id' });
  const view = await withPayment(services.db, session);
  return { ...view, merchant: { name: merchant.name, mode: merchant.mode }, actor: await actorFor(services.db, services.clock, merchant, { reading }) };
}
