import { describe, expect, it } from 'vitest';
import { isRepeat, MONEY, nextChargebackStatus, type ChargebackAction } from '../../src/domain/chargeback-state';
import { CHARGEBACK_STATUSES, type ChargebackStatus } from '../../src/model/chargeback';

const ACTIONS: ChargebackAction[] = ['accept', 'defend', 'expire', 'win', 'lose'];

/** Every allowed step, written out; everything else must be refused. */
const ALLOWED: Record<string, ChargebackStatus> = {
  'pending accept': 'accepted',
  'pending defend': 'defended',
  'pending expire': 'expired',
  'defended win': 'cancelled',
  'defended lose': 'lost',
};

describe('the chargeback state table', () => {
  it('allows exactly the documented steps', () => {
    for (const status of CHARGEBACK_STATUSES) {
      for (const action of ACTIONS) {
        expect(nextChargebackStatus(status, action), `${status} ${action}`).toBe(ALLOWED[`${status} ${action}`] ?? null);
      }
    }
  });

  it('treats only accept-after-accept and defend-after-defend as repeats', () => {
    const repeats = CHARGEBACK_STATUSES.flatMap((status) => ACTIONS.filter((action) => isRepeat(status, action)).map((action) => `${status} ${action}`));
    expect(repeats).toEqual(['accepted accept', 'defended defend']);
  });

  it('debits once on every path and credits only after a debit', () => {
    // Every path from pending to an end: its movements.
    const paths: ChargebackAction[][] = [['accept'], ['expire'], ['defend', 'win'], ['defend', 'lose']];
    for (const path of paths) {
      const moves = path.map((action) => MONEY[action]).filter(Boolean);
      expect(moves[0], path.join(' → ')).toBe('debit');
      expect(moves.filter((m) => m === 'debit'), path.join(' → ')).toHaveLength(1);
    }
  });
});
