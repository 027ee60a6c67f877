import { FALLBACK_FEE } from '../kernel/fees';
import { METHODS } from '../methods';
import type { Db } from '../store/db';
import * as ledgerRepo from '../store/ledger.repo';
import type { FeeRate } from '../model/ledger';

/**
 * A merchant's processing fees per payment method (`kessai merchants fees`): its own rate where
 * set, else the default (kernel/fees.ts, the fee_defaults table). A payment's fee is taken at its
 * capture, at the rate then in force; changing a rate changes no line already written.
 */

export interface MerchantFee extends FeeRate {
  /** Set for this merchant, rather than the default. */
  own: boolean;
}

/** Every registered payment method's fee for the merchant, by type. */
export async function merchantFees(db: Db, merchantId: string): Promise<MerchantFee[]> {
  const rows = new Map((await ledgerRepo.merchantFees(db, merchantId)).map((row) => [row.payment_type, row]));
  return METHODS.map((method) => rows.get(method.type) ?? { payment_type: method.type, rate_bp: FALLBACK_FEE.rate_bp, fixed_fee: FALLBACK_FEE.fixed_fee, own: false });
}

function checkType(paymentType: string): void {
  if (!METHODS.some((method) => method.type === paymentType)) {
    throw new Error(`Unknown payment type: ${paymentType}. Known: ${METHODS.map((m) => m.type).join(', ')}`);
  }
}

/**
 * Sets the merchant's fee for a method: `rate_bp` hundredths of a percent (0–10000) plus `fixed_fee`
 * minor units of the payment's currency.
 *
 *   await setMerchantFee(db, merchantId, { payment_type: 'credit_card', rate_bp: 325, fixed_fee: 0 }); // 3.25 %
 */
export async function setMerchantFee(db: Db, merchantId: string, fee: FeeRate): Promise<void> {
  checkType(fee.payment_type);
  if (!Number.isInteger(fee.rate_bp) || fee.rate_bp < 0 || fee.rate_bp > 10000) throw new Error('A fee rate is between 0 and 100 %, in steps of 0.01 %');
  if (!Number.isSafeInteger(fee.fixed_fee) || fee.fixed_fee < 0) throw new Error('A fixed fee is a whole number of minor units, 0 or more');
  await ledgerRepo.setMerchantFee(db, merchantId, fee);
}

/** Back to the default rate for `paymentType`. */
export async function resetMerchantFee(db: Db, merchantId: string, paymentType: string): Promise<void> {
  checkType(paymentType);
  await ledgerRepo.clearMerchantFee(db, merchantId, paymentType);
}
