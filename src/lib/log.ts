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

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
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
