import { describe, expect, it } from 'vitest';
import { EndpointSlots } from '../../src/domain/webhook-slots';

describe('per-endpoint slots', () => {
  it('counts requests in flight per endpoint against the limit and forgets an endpoint once idle', () => {
    const slots = new EndpointSlots({ concurrencyPerEndpoint: 2 });
    expect(slots.free()).toEqual(new Map());
    slots.take('a');
    slots.take('a');
    slots.take('b');
    expect(slots.free()).toEqual(new Map([['a', 0], ['b', 1]]));
    slots.release('a');
    slots.release('b');
    expect(slots.free()).toEqual(new Map([['a', 1]]));
    slots.release('a');
    expect(slots.free()).toEqual(new Map());
  });
});
