import { ApiError, ERROR_CATALOGUE, isErrorCode, type DeclineCode } from '../kernel/errors';
import type { Processor } from './processor';

/**
 * `Komoju-Scenario: <code>` (test mode): an upstream that refuses everything with `code`, so the
 * payment fails exactly as a real decline would — same details recorded, same 502 answer.
 * Only the processor's own answers (the 502 codes) are scenarios.
 */
export function parseScenario(value: string): DeclineCode {
  if (!isErrorCode(value) || ERROR_CATALOGUE[value][0] !== 502) {
    throw new ApiError('bad_request', { param: 'Komoju-Scenario', message: `Komoju-Scenario must be a decline code such as insufficient_funds, not ${value}` });
  }
  return value as DeclineCode;
}

export function scenarioProcessor(code: DeclineCode): Processor {
  return {
    authorizeCard: async () => ({ approved: false, code }),
    redeemPrepaid: async () => ({ approved: false, code }),
  };
}
