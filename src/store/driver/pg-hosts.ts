import pg from 'pg';

/**
 * Connection strings that list several PostgreSQL servers, as libpq reads them
 * (`postgres://h1:5432,h2:5433/db?target_session_attrs=read-write`, or `?host=h1,h2&port=…`),
 * which node-postgres does not: a primary and its standbys, of which kessai must use the one
 * that takes writes, following it when a standby is promoted.
 */

type SessionAttrs = 'any' | 'read-write';

interface HostList {
  /** One single-server URL per listed server, in their order. */
  urls: string[];
  /** `read-write` (also for libpq's `primary`): only a server that is not read-only will do. */
  attrs: SessionAttrs;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)([^/?#]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;

/**
 * The servers `url` lists; null when it names one (or is not a URL node-postgres would take
 * differently), which is then used as it is. With several and no target_session_attrs,
 * `read-write`: kessai writes on every request, so a standby listed first must not be kept.
 */
export function parseHostList(url: string): HostList | null {
  const parts = URL_PARTS.exec(url);
  if (!parts) return null;
  const [, scheme, userinfo = '', authority, path, query = '', fragment = ''] = parts;
  const params = new URLSearchParams(query.slice(1));
  const hosts = (params.get('host') ?? authority).split(',');
  if (hosts.length < 2) return null;
  const ports = (params.get('port') ?? '').split(',');
  const attrs = params.get('target_session_attrs') ?? 'read-write';
  if (attrs !== 'any' && attrs !== 'read-write' && attrs !== 'primary') {
    throw new Error(`DATABASE_URL: target_session_attrs must be any, read-write or primary, got ${JSON.stringify(attrs)}`);
  }
  for (const name of ['host', 'port', 'target_session_attrs']) params.delete(name);
  const rest = params.size ? `?${params}` : '';
  const urls = hosts.map((host, i) => {
    const hasPort = /^\[.*\]:\d+$|^[^:[\]]+:\d+$/.test(host);
    const port = ports.length === 1 ? ports[0] : (ports[i] ?? '');
    return `${scheme}${userinfo}${hasPort || port === '' ? host : `${host}:${port}`}${path}${rest}${fragment}`;
  });
  return { urls, attrs: attrs === 'any' ? 'any' : 'read-write' };
}

/** An error pg's callers (and isConnectionError) read as "no usable connection" (08001). */
function unavailable(message: string): Error {
  return Object.assign(new Error(message), { code: '08001' });
}

/**
 * Which of the listed servers new connections go to: the one found last, else the first in
 * order that answers and, for `read-write`, says `transaction_read_only` is off (libpq's rule).
 * Forgotten when a connection to it fails or finds it read-only, so the next one looks again:
 * after a promotion, the first connection made once the old primary is gone finds the new one.
 */
class ServerChooser {
  readonly #list: HostList;
  #chosen: string | null = null;
  #looking: Promise<string> | null = null;

  constructor(list: HostList) {
    this.#list = list;
  }

  get attrs(): SessionAttrs {
    return this.#list.attrs;
  }

  async choose(config: pg.ClientConfig): Promise<string> {
    if (this.#chosen) return this.#chosen;
    this.#looking ??= this.#look(config).finally(() => (this.#looking = null));
    return this.#looking;
  }

  forget(url: string): void {
    if (this.#chosen === url) this.#chosen = null;
  }

  async #look(config: pg.ClientConfig): Promise<string> {
    for (const url of this.#list.urls) {
      if (await this.#usable({ ...config, connectionString: url })) return (this.#chosen = url);
    }
    throw unavailable(`none of the ${this.#list.urls.length} PostgreSQL servers listed is reachable${this.attrs === 'any' ? '' : ' and writable'}`);
  }

  async #usable(config: pg.ClientConfig): Promise<boolean> {
    const probe = new pg.Client(config);
    probe.on('error', () => {});
    try {
      await probe.connect();
      return this.attrs === 'any' || !(await readOnly(probe));
    } catch {
      return false;
    } finally {
      await probe.end().catch(() => {});
    }
  }
}

async function readOnly(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query('SHOW transaction_read_only');
  return rows[0].transaction_read_only === 'on';
}

/**
 * The pg Client class for `url`, and the connection string to give it: pg's own for one server;
 * for several, a Client that connects to the server ServerChooser picks (its URL replaces the
 * configured one before connecting) and that refuses a server found read-only meanwhile.
 */
export function clientFor(url: string): { Client: typeof pg.Client; connectionString: string } {
  const list = parseHostList(url);
  if (!list) return { Client: pg.Client, connectionString: url };
  const chooser = new ServerChooser(list);

  class ListedServersClient extends pg.Client {
    readonly #config: pg.ClientConfig;
    #url: string | null = null;

    constructor(config: pg.ClientConfig) {
      super(config);
      this.#config = config;
      // A connection that breaks later (the server stopped, failed over) sends the next one looking.
      this.on('error', () => this.#url && chooser.forget(this.#url));
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(callback?: (...args: any[]) => void): Promise<pg.Client> | void {
      const connecting = this.#connectToChosen().then(() => this);
      if (!callback) return connecting;
      connecting.then((client) => callback(null, client), callback);
    }

    async #connectToChosen(): Promise<void> {
      const url = await chooser.choose(this.#config);
      this.#url = url;
      const { host, port } = new pg.Client({ connectionString: url }) as unknown as { host: string; port: number };
      const self = this as unknown as { host: string; port: number; connectionParameters: { host: string; port: number }; connection: { stream: { destroyed: boolean } } };
      // pg-pool's connection timeout may have fired while the chooser looked.
      if (self.connection.stream.destroyed) throw new Error('Connection terminated due to connection timeout');
      Object.assign(self, { host, port });
      Object.assign(self.connectionParameters, { host, port });
      try {
        await super.connect();
        if (chooser.attrs === 'read-write' && (await readOnly(this as pg.Client))) throw unavailable('the PostgreSQL server chosen is read-only now');
      } catch (error) {
        chooser.forget(url);
        await this.end().catch(() => {});
        throw error;
      }
    }
  }
  return { Client: ListedServersClient, connectionString: list.urls[0] };
}
