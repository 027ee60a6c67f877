import pino, { type LoggerOptions } from 'pino';

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

export function createLogger(level = 'info', destination?: pino.DestinationStream) {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type Logger = pino.Logger;

/** The part of a logger background code needs (pino's and Fastify's loggers both fit). */
export interface LogSink {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}
