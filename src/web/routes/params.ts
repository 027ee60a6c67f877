import { Type } from '@sinclair/typebox';
import { LOCALES } from '../i18n';

/** Schemas the page routes share. A value outside them answers the "not found" page. */
export const LocaleSchema = Type.Union(LOCALES.map((locale) => Type.Literal(locale)));
/** Payment ids are 25 lowercase alphanumerics; anything else is no payment, without a query. */
export const PaymentIdSchema = Type.String({ pattern: '^[0-9a-z]{1,64}$' });
