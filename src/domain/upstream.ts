import type { Processor } from '../processors/processor';
import type { Actor, Services } from './context';
import { ApiError } from '../kernel/errors';

/**
 * The processor that takes this merchant's money: the test processor in test mode, the configured
 * live one in live mode. A live merchant without one is refused (502 `bad_gateway`) before anything
 * is written, for every method (a konbini slip or an offsite page from the simulator would be as
 * fake as an approved test card): kessai never simulates a live payment.
 */
export function processorFor(services: Services, actor: Actor): Processor {
  if (actor.merchant.mode === 'test') return services.processor;
  if (services.liveProcessor) return services.liveProcessor;
  throw new ApiError('bad_gateway', { message: 'No payment processor is configured for live mode, so no payment can be taken.' });
}
