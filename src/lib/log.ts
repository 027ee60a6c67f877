import pino, { type LoggerOptions } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { prettyDestination } from './pretty-log';

/**
 * Paths pino blanks out wherever they appear in a log object. Card and prepaid numbers, CVVs,
 * passwords and API keys must never reach a log line; a test greps captured output to prove it.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.number',
  '*.verification_value',
  '*.prepaid_number',
  '*.password',
  '*.culture_password',
  '*.happy_money_password',
  '*.user_password',
  '*.birthday',
  '*.*.number',
  '*.*.verification_value',
  '*.*.prepaid_number',
  // A card-present terminal's track 2 and EMV data carry the card number.
  '*.track2',
  '*.field55',
  '*.*.track2',
  '*.*.field55',
];

/** Path segments that are credentials: the dashboard's one-time sign-in links. */
const SECRET_PATH = /^(\/dashboard\/login\/)[^/?#]+/;

/** A request URL as it may be logged: a sign-in link's token blanked out. */
function loggableUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request serializer (the `req` of "incoming request" lines), with the URL passed
 * through loggableUrl: the banner's one-time sign-in link must not reach the access log.
 */
const serializers = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: loggableUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
};

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers };
}

/** LOG_FORMAT: `json`, `pretty`, or `auto` (pretty when the log goes to a terminal, JSON otherwise). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Where log lines go: to stderr, so that stdout carries only what a command prints for people
 * and scripts (serve's banner, `--json` output) and `kessai serve > banner.txt` or a pipe into
 * `jq` never mixes the two. JSON keeps pino's asynchronous destination (sonic-boom), as pino's
 * default on stdout was; pretty lines (a terminal's reader) are formatted by prettyDestination.
 * `stream` replaces stderr (tests capture the log with it); `auto` is JSON then.
 *
 *   pino(loggerOptions('info'), logDestination('auto')); // a TTY: readable lines; else JSON
 */
export function logDestination(format: LogFormat, stream?: NodeJS.WritableStream): pino.DestinationStream {
  const pretty = format === 'pretty' || (format === 'auto' && !stream && process.stderr.isTTY === true);
  if (pretty) return prettyDestination(stream ?? process.stderr);
  return stream ?? pino.destination({ dest: 2, sync: false });
}

/** A logger apart from the app's (the store's pool errors): stderr too, readable on a terminal. */
export function createLogger(level = 'info', destination?: pino.DestinationStream) {
  return pino(loggerOptions(level), destination ?? logDestination('auto'));
}

export type Logger = pino.Logger;

/** The part of a logger background code needs (pino's and Fastify's loggers both fit). */
export interface LogSink {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's per-request logger, made on first use. Fastify's default makes a pino child for
 * every request, and with REDACT_PATHS' wildcards pino passes its bindings (the request id)
 * through the redactor: 2–3 % of a GET's CPU in a profile, spent even at a level that logs
 * nothing for the request. This one makes the child at the first call at an enabled level.
 */
class LazyChildLogger {
  #child: pino.Logger | undefined;
  declare fatal: pino.LogFn;
  declare error: pino.LogFn;
  declare warn: pino.LogFn;
  declare info: pino.LogFn;
  declare debug: pino.LogFn;
  declare trace: pino.LogFn;
  declare silent: pino.LogFn;

  constructor(
    private readonly parent: pino.Logger,
    private readonly bindings: pino.Bindings,
  ) {}

  get logger(): pino.Logger {
    return (this.#child ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.logger.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  enabled(level: LogLevel): boolean {
    return this.#child ? this.#child.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): pino.Logger {
    return this.logger.child(bindings, options);
  }
}

for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) {
  LazyChildLogger.prototype[level] = function (this: LazyChildLogger, ...args: Parameters<pino.LogFn>) {
    if (this.enabled(level)) this.logger[level](...args);
  } as pino.LogFn;
}
LazyChildLogger.prototype.silent = () => {};

/** Fastify's childLoggerFactory: a LazyChildLogger, or a plain child for a route's own log level. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  return new LazyChildLogger(logger as pino.Logger, bindings);
}
