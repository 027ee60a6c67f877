import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { testProcessor } from '../../src/processors/test-processor';
import { startMailWorker } from '../../src/worker/mail';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * Live mode: the outbox's mails leave over real SMTP, to a sink this test runs (smtp-server),
 * after the payment's transaction and with retries; the rows say what happened. Test-mode mails
 * stay in the outbox.
 */
interface Received {
  from: string;
  to: string[];
  raw: string;
}

let h: Harness;
let sink: SMTPServer;
let smtpUrl: string;
const received: Received[] = [];
/** Recipients the sink refuses, with how many more times it refuses each (Infinity: always). */
const refusals = new Map<string, number>();
/** Recipients whose next DATA the sink reads and never answers: the server stalls. */
const stalls = new Set<string>();
/** Called when the sink has read a DATA it will never answer. */
let stalled: (to: string) => void = () => {};

beforeAll(async () => {
  h = await startHarness();
  // Live payments need an upstream; the test processor stands in for one.
  h.services.liveProcessor = testProcessor();
  // As `kessai serve` with KESSAI_SMTP_URL set: live mails are queued for the worker.
  h.services.sendsMail = true;
  sink = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const left = refusals.get(address.address) ?? 0;
      if (left > 0) {
        refusals.set(address.address, left - 1);
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 450 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const stall = session.envelope.rcptTo.find((r) => stalls.has(r.address));
      stream.on('end', () => {
        if (stall) {
          stalls.delete(stall.address);
          return stalled(stall.address);
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => sink.close(() => resolve()));
  await h.close();
});

function worker(claimMs?: number) {
  const errors: unknown[] = [];
  const started = startMailWorker(h.services, {
    smtpUrl,
    from: 'Shop <shop@example.com>',
    log: { info: () => {}, error: (details) => errors.push(details) },
    pollMs: 50,
    schedule: [0, 100, 200],
    claimMs,
  });
  return { ...started, errors };
}

async function payLive(m: TestMerchant, email: string) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/payments',
    key: m.secretKey,
    json: { amount: 1200, currency: 'JPY', locale: 'en', payment_details: testCard({ email }) },
  });
  expect(res.status).toBe(200);
  return res.body;
}

/** The outbox row of a payment's mail, read as the worker left it (live merchants have no test helper). */
async function mailRow(paymentId: string) {
  return h.services.db.selectFrom('mails').selectAll().where('payment_id', '=', paymentId).executeTakeFirstOrThrow();
}

/** The message with its quoted-printable parts decoded (soft breaks joined, =XX bytes as UTF-8). */
function quotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the mail worker', () => {
  it('sends a live receipt over SMTP and records it as sent', async () => {
    const live = await h.merchant({ mode: 'live' });
    const payment = await payLive(live, 'buyer@example.com');
    expect(await mailRow(payment.id)).toMatchObject({ status: 'queued', attempts: 0, sent_at: null });

    const w = worker();
    try {
      const row = await until(() => mailRow(payment.id), (r) => r.status === 'sent', 'the mail to be sent');
      expect(row).toMatchObject({ attempts: 1, last_error: null });
      const mail = received.find((r) => r.raw.toLowerCase().includes(`x-kessai-mail-id: ${row.id}`));
      expect(mail).toBeDefined();
      expect(mail!.to).toEqual(['buyer@example.com']);
      expect(mail!.from).toBe('shop@example.com');
      expect(mail!.raw).toMatch(/^Subject: \[.+\] Receipt for your payment$/m);
      expect(mail!.raw).toContain('text/html');
      expect(mail!.raw).toContain('text/plain');
      const body = quotedPrintable(mail!.raw);
      expect(body).toContain(`Payment ID: ${payment.id}`);
      expect(body).toContain(`•••• ${payment.payment_details.last_four_digits}`);
      expect(body).not.toContain(String(testCard().number));
    } finally {
      await w.stop();
    }
    expect(w.errors).toEqual([]);
  });

  it('retries a refused mail, then gives up and records why', async () => {
    const live = await h.merchant({ mode: 'live' });
    refusals.set('once@example.com', 1);
    refusals.set('never@example.com', Infinity);
    const once = await payLive(live, 'once@example.com');
    const never = await payLive(live, 'never@example.com');

    const w = worker();
    try {
      const sent = await until(() => mailRow(once.id), (r) => r.status === 'sent', 'the retried mail to be sent');
      expect(sent.attempts).toBe(2);
      const failed = await until(() => mailRow(never.id), (r) => r.status === 'failed', 'the refused mail to fail');
      expect(failed.attempts).toBe(3);
      expect(failed.last_error).toContain('mailbox unavailable');
      expect(received.some((r) => r.to.includes('never@example.com'))).toBe(false);
    } finally {
      await w.stop();
    }
  });

  it('gives up on a stalled server before the claim runs out: the mail is tried again, sent once, and the rest of its batch goes meanwhile', async () => {
    const live = await h.merchant({ mode: 'live' });
    stalls.add('stalled@example.com');
    const stalledDATA = new Promise<string>((resolve) => (stalled = resolve));
    const slow = await payLive(live, 'stalled@example.com');
    const other = await payLive(live, 'other@example.com');

    // A 4 s claim: the SMTP timeouts are a second (nodemailer's own would hold it for 10 minutes).
    const w = worker(4000);
    try {
      expect(await stalledDATA).toBe('stalled@example.com');
      const sent = await until(() => mailRow(other.id), (r) => r.status === 'sent', 'the other mail of the batch to be sent');
      // Sent while the stalled one was still in its first try.
      expect(sent.attempts).toBe(1);
      expect(await mailRow(slow.id)).toMatchObject({ status: 'queued', attempts: 0 });

      const retried = await until(() => mailRow(slow.id), (r) => r.status === 'sent', 'the stalled mail to be tried again');
      expect(retried.attempts).toBe(2);
      expect(received.filter((r) => r.to.includes('stalled@example.com'))).toHaveLength(1);
      expect(received.filter((r) => r.to.includes('other@example.com'))).toHaveLength(1);
    } finally {
      await w.stop();
    }
  });

  it('keeps live mails when the process has no SMTP server, so none piles up to flood out later', async () => {
    const live = await h.merchant({ mode: 'live' });
    h.services.sendsMail = false;
    try {
      const payment = await payLive(live, 'nowhere@example.com');
      expect(await mailRow(payment.id)).toMatchObject({ status: 'kept', attempts: 0, next_attempt_at: null });
    } finally {
      h.services.sendsMail = true;
    }
  });

  it('never sends a test-mode mail', async () => {
    const m = await h.merchant();
    const payment = await payLive(m, 'sandbox@example.com');
    const w = worker();
    try {
      // A live mail queued after it is sent: by then the worker has looked at the test one too.
      const live = await h.merchant({ mode: 'live' });
      const after = await payLive(live, 'after@example.com');
      await until(() => mailRow(after.id), (r) => r.status === 'sent', 'the live mail to be sent');
    } finally {
      await w.stop();
    }
    expect(await mailRow(payment.id)).toMatchObject({ status: 'kept', attempts: 0 });
    expect(received.some((r) => r.to.includes('sandbox@example.com'))).toBe(false);
  });
});

describe('KESSAI_SMTP_URL and KESSAI_MAIL_FROM', () => {
  it('take smtp:// and smtps:// URLs, refuse others without printing their password', () => {
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(loadConfig({}).mailFrom).toBe('kessai <no-reply@localhost>');
    expect(loadConfig({ KESSAI_SMTP_URL: 'smtps://shop:pw@mail.example:465', KESSAI_MAIL_FROM: 'Shop <pay@shop.example>' })).toMatchObject({
      smtpUrl: 'smtps://shop:pw@mail.example:465',
      mailFrom: 'Shop <pay@shop.example>',
    });
    expect(() => loadConfig({ KESSAI_SMTP_URL: 'mail.example:25' })).toThrow(ConfigError);
    expect(() => loadConfig({ KESSAI_SMTP_URL: 'https://shop:hunter2@mail.example' })).toThrow(/https:\/\/ URL$/);
    expect(() => loadConfig({ KESSAI_SMTP_URL: 'https://shop:hunter2@mail.example' })).not.toThrow(/hunter2/);
  });
});
