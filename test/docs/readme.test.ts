import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/kernel/errors';
import { startHarness, type Harness } from '../helpers/harness';

// The README is the user's first screen and docs/*.md the reference behind it: these tests fail
// when code and documentation drift apart, and when the README grows back into a reference.
const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const readme = read('README.md');
const api = read('docs/api.md');
const configuration = read('docs/configuration.md');
const configSource = read('src/config.ts');
/** The files the README's content went to, the reference pages of docs/ (not architecture.md &c.). */
const ownDocs = ['README.md', 'bench/README.md', ...['api', 'cli', 'configuration', 'development', 'pages', 'testing', 'webhooks'].map((name) => `docs/${name}.md`)];
const allDocs = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]
  .map(read)
  .join('\n');

describe('README', () => {
  it('fits on a few screens: at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('shows on its first screen the two commands, where everything is and how to point an app at it', () => {
    const firstScreen = readme.split('\n').slice(0, 50).join('\n');
    for (const text of [
      'npm ci && npm start',
      'npm ci && npm test',
      'npx kessai',
      'npx kessai serve --memory --port 3000',
      'port 3000',
      'sk_test_',
      'pk_test_',
      'http://127.0.0.1:3000/api/v1',
      '/dashboard',
      '/docs',
      'kessai listen',
      '@komoju/komoju-sdk',
      'curl -u',
    ]) {
      expect(firstScreen, text).toContain(text);
    }
  });

  it('has the task sections', () => {
    const headings = [...readme.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(
      expect.arrayContaining([
        'Test cards and scenarios',
        'Async methods and the test clock',
        'Webhooks',
        'Sessions and the Hosted Page',
        'Multiple merchants',
        'PostgreSQL',
        'Use kessai in CI',
        'Reset',
        'Troubleshooting',
      ]),
    );
  });

  it('links only to files and headings that exist, as do the pages its content moved to', () => {
    // GitHub's heading anchors: lower case, punctuation other than hyphens dropped, spaces to hyphens.
    const anchors = (markdown: string) => new Set([...markdown.matchAll(/^#{1,6} (.*)$/gm)].map((m) => `#${m[1].toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')}`));
    const broken: string[] = [];
    for (const file of ownDocs) {
      const dir = new URL(file, root);
      for (const [, target, anchor] of read(file).matchAll(/\]\(((?!https?:)[^)#]*)(#[^)]*)?\)/g)) {
        const url = new URL(target || file.split('/').pop()!, dir);
        let text: string;
        try {
          text = readFileSync(url, 'utf8');
        } catch {
          broken.push(`${file}: ${target}`);
          continue;
        }
        if (anchor && !anchors(text).has(anchor)) broken.push(`${file}: ${target}${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has no table row longer than 200 characters, nor have the pages its content moved to', () => {
    const long = ownDocs.flatMap((file) =>
      read(file)
        .split('\n')
        .map((line, index) => ({ file, line: index + 1, length: line.length, table: line.startsWith('|') }))
        .filter(({ table, length }) => table && length > 200)
        .map(({ file, line, length }) => `${file}:${line} (${length} characters)`),
    );
    expect(long).toEqual([]);
  });
});

describe('docs/api.md', () => {
  it('lists every error code with its HTTP status, and no other', () => {
    const documented = new Map([...api.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|$/gm)].map((m) => [m[1], Number(m[2])]));
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([code, [status]]) => [code, status]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(catalogue));
  });
});

describe('docs/configuration.md', () => {
  it('documents every environment variable the config reads', () => {
    const variables = [...configSource.matchAll(/\(env, '([A-Z_]+)'/g)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(5);
    for (const name of variables) expect(configuration, name).toContain(`\`${name}\``);
  });
});

/** One `curl` of an example, as the API harness sends it. */
interface Curl {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  form: [string, string][];
  headers: Record<string, string>;
}

/**
 * The `curl -u sk_test_demo: …` commands of a file's sh blocks, in order: -u, -d, -H and -X are
 * read; anything else an example uses would be an unknown flag and fail the test.
 */
function curlExamples(markdown: string): Curl[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\\\n\s*/g, ' '));
  const lines = blocks.flatMap((block) => block.split('\n')).filter((line) => line.startsWith('curl -u sk_test_demo:'));
  return lines.map((line) => {
    const words = [...line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
    const curl: Curl = { method: 'GET', url: '', form: [], headers: {} };
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (word === '-u') i++;
      else if (word === '-d') {
        const [name, ...value] = words[++i].split('=');
        curl.form.push([name, value.join('=')]);
        if (curl.method === 'GET') curl.method = 'POST';
      } else if (word === '-H') {
        const [name, ...value] = words[++i].split(':');
        curl.headers[name.trim()] = value.join(':').trim();
      } else if (word === '-X') curl.method = words[++i] as Curl['method'];
      else if (word.startsWith('http://127.0.0.1:3000/')) curl.url = word.slice('http://127.0.0.1:3000'.length);
      else throw new Error(`unknown curl word ${word} in: ${line}`);
    }
    return curl;
  });
}

describe('endpoints', () => {
  let h: Harness;
  // Every route as Fastify adds it (an onRoute hook from before the first route), so none escapes
  // the check the way a reading of printRoutes()'s tree did: it saw only nodes starting with "/"
  // and so never a split segment such as `_request` of …/refund_request.
  const added: { method: string; url: string }[] = [];
  beforeAll(async () => {
    h = await startHarness({
      onRoute: (route) => {
        for (const method of [route.method].flat()) added.push({ method, url: route.url });
      },
    });
  });
  afterAll(() => h.close());

  /**
   * The routes a reader must find in the reference (docs/api.md, docs/pages.md, …), which is all
   * of them except what the framework adds by itself:
   * - `HEAD` twins of `GET` routes (Fastify's exposeHeadRoutes): same route, no body.
   * - `OPTIONS *` from @fastify/cors, its catch-all preflight. The preflights a browser can use
   *   are kessai's own OPTIONS twins of the publishable routes, which docs/api.md lists one by
   *   one; for any other path the catch-all is refused like any unauthenticated request.
   * Swagger UI's assets (`GET /docs/static/*`) are served to readers, so they stay required.
   */
  function documentable(): string[] {
    const gets = new Set(added.filter((route) => route.method === 'GET').map((route) => route.url));
    const routes = added
      .filter(({ method, url }) => !(method === 'HEAD' && gets.has(url)))
      .filter(({ method, url }) => !(method === 'OPTIONS' && url === '*'))
      .map(({ method, url }) => `${method} ${url}`);
    return [...new Set(routes)];
  }

  it('collects the routes from the app itself, split path segments and framework routes too', () => {
    const all = added.map(({ method, url }) => `${method} ${url}`);
    expect(all).toContain('POST /api/v1/payments/:id/refund_request');
    expect(all).toContain('GET /docs/static/*');
    expect(all).toContain('OPTIONS *');
    expect(all).toContain('HEAD /health');
    expect(documentable()).not.toContain('HEAD /health');
    expect(documentable().length).toBeGreaterThan(80);
  });

  it("runs the README's and docs/testing.md's curl examples as written", async () => {
    const merchant = await h.merchant();
    const examples = [...curlExamples(readme), ...curlExamples(read('docs/testing.md'))];
    expect(examples.length).toBeGreaterThan(8);
    let paymentId = '';
    const answers: { example: string; status: number; body: any }[] = [];
    for (const curl of examples) {
      const url = curl.url.replace('PAYMENT_ID', paymentId);
      const response = await h.request({
        method: curl.method,
        url,
        key: merchant.secretKey,
        form: curl.form.length ? curl.form : undefined,
        headers: curl.headers,
      });
      if (curl.method === 'POST' && url === '/api/v1/payments') paymentId = response.body.id;
      answers.push({ example: `${curl.method} ${url}`, status: response.status, body: response.body });
    }
    // Every example works, and the first (the README's card payment) is what the README says.
    expect(answers.filter(({ status }) => status !== 200)).toEqual([]);
    expect(answers[0].body).toMatchObject({ status: 'captured', total: 1100 });
    const payAsync = answers.find(({ example }) => example.endsWith('/pay'));
    expect(payAsync?.body.status).toBe('captured');
  });

  it('lists every route the app serves in the reference', () => {
    const missing = documentable().filter((route) => !allDocs.includes(`\`${route}\``));
    expect(missing).toEqual([]);
  });
});
