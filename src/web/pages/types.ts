/**
 * The part of a payment the customer pages read. Structural, so pages can be rendered in tests
 * from hand-made records; the domain's Payment satisfies it.
 */
export interface PagePayment {
  id: string;
  status: string;
  payment_type: string;
  amount: number;
  tax: number;
  payment_method_fee: number;
  total: number;
  currency: string;
  payment_deadline: Date | string | null;
  payment_details: Record<string, unknown>;
  description: string | null;
}

/** A merchant's logo as a page draws it: its address, and its size in CSS pixels (domain/merchant-brand.ts). */
export interface PageLogo {
  src: string;
  width: number;
  height: number;
}
