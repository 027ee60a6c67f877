import { describe, expect, it } from 'vitest';
import { afterCharge, captureAt, dayOfPeriod, dueAt, type BillingState } from '../../src/domain/subscription-schedule';

/** The subscription calendar (Japan time) and the dunning table, without a database. */

const at = (iso: string) => new Date(iso);

describe('captureAt', () => {
  it('keeps a monthly subscription made on the 31st (JST) on the last day of shorter months, and back on the 31st after', () => {
    const anchor = at('2027-01-31T01:00:00Z'); // 31 Jan 10:00 JST
    expect(captureAt(anchor, 'monthly', 1).toISOString()).toBe('2027-02-28T01:00:00.000Z');
    expect(captureAt(anchor, 'monthly', 2).toISOString()).toBe('2027-03-31T01:00:00.000Z');
    expect(captureAt(anchor, 'monthly', 3).toISOString()).toBe('2027-04-30T01:00:00.000Z');
    expect(captureAt(anchor, 'monthly', 13).toISOString()).toBe('2028-02-29T01:00:00.000Z');
  });

  it('counts days in Japan time: 31 Jan 23:30 UTC is 1 Feb in Tokyo', () => {
    const anchor = at('2027-01-31T23:30:00Z');
    expect(dayOfPeriod(anchor, 'monthly')).toBe(1);
    expect(captureAt(anchor, 'monthly', 1).toISOString()).toBe('2027-02-28T23:30:00.000Z');
  });

  it('weeks are 7 days; years keep 29 February to 28 February', () => {
    expect(captureAt(at('2027-03-01T00:00:00Z'), 'weekly', 2).toISOString()).toBe('2027-03-15T00:00:00.000Z');
    const leap = at('2028-02-29T03:00:00Z');
    expect(captureAt(leap, 'yearly', 1).toISOString()).toBe('2029-02-28T03:00:00.000Z');
    expect(captureAt(leap, 'yearly', 4).toISOString()).toBe('2032-02-29T03:00:00.000Z');
  });

  it('day: ISO weekday, day of month, day of year', () => {
    const monday = at('2027-03-01T03:00:00Z'); // Monday 1 March JST
    expect(dayOfPeriod(monday, 'weekly')).toBe(1);
    expect(dayOfPeriod(at('2027-03-07T03:00:00Z'), 'weekly')).toBe(7);
    expect(dayOfPeriod(monday, 'monthly')).toBe(1);
    expect(dayOfPeriod(monday, 'yearly')).toBe(60);
    expect(dayOfPeriod(at('2028-12-31T03:00:00Z'), 'yearly')).toBe(366);
  });
});

describe('afterCharge', () => {
  const anchor = at('2027-01-10T00:00:00Z');
  const start: BillingState = { status: 'active', cycle: 1, next_capture_at: captureAt(anchor, 'monthly', 1), retry_count: 0, retry_at: null, ended_at: null };
  const day = (n: number) => n * 86_400_000;

  it('a paid charge moves to the next period', () => {
    const { state, events } = afterCharge(start, anchor, 'monthly', start.next_capture_at, true);
    expect(events).toEqual(['subscription.captured']);
    expect(state).toMatchObject({ cycle: 2, next_capture_at: captureAt(anchor, 'monthly', 2), retry_at: null, retry_count: 0 });
  });

  it('declines: retries 3, 5, 7 days apart, then suspended; the period schedule moves once', () => {
    const due = start.next_capture_at;
    let step = afterCharge(start, anchor, 'monthly', due, false);
    expect(step.events).toEqual(['subscription.failed']);
    expect(step.state).toMatchObject({ status: 'active', cycle: 2, retry_count: 0, retry_at: new Date(due.getTime() + day(3)) });
    expect(dueAt(step.state)).toEqual(new Date(due.getTime() + day(3)));
    const offsets = [3, 8, 15];
    for (let i = 0; i < 2; i++) {
      step = afterCharge(step.state, anchor, 'monthly', new Date(due.getTime() + day(offsets[i])), false);
      expect(step.state).toMatchObject({ status: 'active', cycle: 2, retry_count: i + 1, retry_at: new Date(due.getTime() + day(offsets[i + 1])) });
    }
    step = afterCharge(step.state, anchor, 'monthly', new Date(due.getTime() + day(15)), false);
    expect(step.events).toEqual(['subscription.failed', 'subscription.suspended']);
    expect(step.state).toMatchObject({ status: 'suspended', retry_count: 3, retry_at: null, ended_at: new Date(due.getTime() + day(15)) });
    expect(dueAt(step.state)).toBeNull();
  });

  it('a retry that succeeds clears the retries and keeps the next period', () => {
    const failed = afterCharge(start, anchor, 'monthly', start.next_capture_at, false).state;
    const { state } = afterCharge(failed, anchor, 'monthly', failed.retry_at!, true);
    expect(state).toMatchObject({ status: 'active', cycle: 2, retry_count: 0, retry_at: null, next_capture_at: captureAt(anchor, 'monthly', 2) });
  });
});
