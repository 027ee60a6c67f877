import type { DashboardMessages } from '../i18n/dashboard';

/** A refusal the dashboard answers with its own page (403 without a CSRF token, 404 …). */
export class DashError extends Error {
  constructor(readonly kind: keyof DashboardMessages['errors'], readonly status: number) {
    super(kind);
  }
}
