/**
 * Hosted Page sessions: created with an order (create), paid once with one of the methods they
 * offer (pay, with 3-D Secure in authentication/authenticated), cancelled (cancel), shown (view,
 * offers). Their life is the pure table in state.ts.
 */
export { createSession, MAX_SESSION_SECONDS, type CreateSessionInput } from './create';
export { paySession, type PaySessionInput, type PaySessionOutcome } from './pay';
export { completeAuthentication } from './authenticated';
export { cancelSession } from './cancel';
export {
  findCustomerSession,
  getSession,
  sessionReturnUrl,
  sessionReturnUrlOfToken,
  showSession,
  type CustomerSession,
  type SessionView,
} from './view';
export { isExpired, sessionState, sessionStep, type SessionAction, type SessionState } from './state';
export { cardLogoPath, KONBINI_STORE_ORDER, konbiniLogoPath, sessionOffer } from './offers';
