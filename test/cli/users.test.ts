import { describe, expect, it, vi } from 'vitest';
import { runKessai, useProcesses } from '../helpers/processes';

// `kessai users create` in a real process, then signing in to the dashboard of a running
// `kessai serve` with what it printed; and the banner's one-time link (test mode on PGlite).
vi.setConfig({ testTimeout: 300_000 });

const processes = useProcesses();
const environment = () => processes.environment();

/** Signs in over HTTP as a browser would: the form's token and cookie, then the post. */
async function signIn(url: string, email: string, password: string): Promise<Response> {
  const form = await fetch(`${url}/dashboard/login`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  return fetch(`${url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
}

describe('kessai users create', () => {
  it('generates and prints a password when none is given and stdin is no terminal; it signs in', async () => {
    const env = environment();
    const merchant = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Shop', '--json'], env)).stdout);
    const created = await runKessai(['users', 'create', '--merchant', merchant.id, '--email', 'Ops@Shop.example'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`dashboard user ops@shop.example of merchant ${merchant.id}`);
    const password = /password\s+([a-z0-9]{20})/.exec(created.stdout)?.[1];
    expect(password).toBeDefined();
    const given = await runKessai(['users', 'create', '--merchant', merchant.id, '--email', 'second@shop.example', '--password', 'a long enough secret'], env);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).not.toContain('a long enough secret');

    const duplicate = await runKessai(['users', 'create', '--merchant', merchant.id, '--email', 'ops@shop.example', '--password', 'another secret'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already a user');
    const short = await runKessai(['users', 'create', '--merchant', merchant.id, '--email', 'x@shop.example', '--password', 'short'], env);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8 characters');
    const nobody = await runKessai(['users', 'create', '--merchant', 'nosuchmerchant', '--email', 'x@shop.example', '--password', 'long enough'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No merchant nosuchmerchant');

    let server = await processes.server(env);
    const ok = await signIn(server.url, 'ops@shop.example', password!);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/dashboard');
    expect((await signIn(server.url, 'second@shop.example', 'a long enough secret')).status).toBe(303);
    expect((await signIn(server.url, 'ops@shop.example', 'wrong password')).status).toBe(401);
  });

  it('the serve banner prints the dashboard, with a one-time sign-in link in test mode on PGlite', async () => {
    const env = environment();
    let server = await processes.server(env);
    const line = /dashboard\s+(\S+)/.exec(server.output())?.[1];
    expect(line).toBeDefined();
    if (process.env.DATABASE_URL) {
      expect(line).toBe(`${server.url}/dashboard`);
      return;
    }
    expect(line).toMatch(new RegExp(`^${server.url}/dashboard/login/[a-z0-9]{40}$`));
    const first = await fetch(line!, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect((await fetch(`${server.url}/dashboard`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    expect((await fetch(line!, { redirect: 'manual' })).status).toBe(410);
  });

  it('a secret key rolled in the dashboard stays revoked across restarts, and the banner says so', async () => {
    const env = { ...environment(), KESSAI_SECRET_KEY: 'sk_test_configured_key' };
    let server = await processes.server(env);
    const merchantId = /merchant\s+Default merchant \(([a-z0-9]{25}),/.exec(server.output())![1];
    let cookie: string;
    if (process.env.DATABASE_URL) {
      expect((await runKessai(['users', 'create', '--merchant', merchantId, '--email', 'ops@shop.example', '--password', 'long enough secret'], env)).code).toBe(0);
      const signedIn = await signIn(server.url, 'ops@shop.example', 'long enough secret');
      cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    } else {
      const link = /dashboard\s+(\S+)/.exec(server.output())![1];
      cookie = (await fetch(link, { redirect: 'manual' })).headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    }
    const settings = await (await fetch(`${server.url}/dashboard/settings`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(settings)![1];
    const rolled = await fetch(`${server.url}/dashboard/settings/keys/roll`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, grace: '0' }).toString(),
    });
    const newKey = /data-secret-key>([^<]+)</.exec(await rolled.text())![1];
    const auth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
    expect((await fetch(`${server.url}/api/v1/payments`, { headers: auth('sk_test_configured_key') })).status).toBe(401);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    server = await processes.server(env);
    expect(server.output()).toContain('secret key        (rolled in the dashboard');
    expect(server.output()).not.toContain('sk_test_configured_key');
    expect((await fetch(`${server.url}/api/v1/payments`, { headers: auth('sk_test_configured_key') })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/payments`, { headers: auth(newKey) })).status).toBe(200);
  });
});
