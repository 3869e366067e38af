import axios from 'axios';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { CHAT_FACES } from './platforms/registry.ts';

/**
 * Paths pino blanks out wherever they appear: tokens and secrets never reach a log. Faces add
 * their own (a secret header) in their FaceModule.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  '*.*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  // Users' read-only API keys (src/watch/keys): their values and the venues' signing headers.
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'passphrase',
  '*.passphrase',
  '*.*.passphrase',
  'credentials',
  '*.credentials',
  'values',
  '*.values',
  ...['X-MBX-APIKEY', 'X-BAPI-API-KEY', 'X-BAPI-SIGN', 'OK-ACCESS-KEY', 'OK-ACCESS-SIGN', 'OK-ACCESS-PASSPHRASE'].flatMap((header) => [
    `headers["${header}"]`,
    `*.headers["${header}"]`,
    `*.*.headers["${header}"]`,
  ]),
  ...CHAT_FACES.flatMap((face) => face.redactPaths ?? []),
  'err.config.headers',
  'err.request',
  'err.response.config',
  'err.config.url',
  'err.url',
];

/**
 * An error as logged. An HTTP client's error (axios) carries its whole request: the config with the
 * headers (a user's API key, OKX's passphrase) and the socket whose raw request text repeats them,
 * beyond the reach of path redaction (`err.response.request._header`). Only what says what went
 * wrong is kept of it; any other error is pino's usual serialization.
 */
export function serializeError(error: unknown): unknown {
  if (!axios.isAxiosError(error)) return pino.stdSerializers.err(error as Error);
  return { type: error.name, message: error.message, code: error.code, status: error.response?.status, method: error.config?.method?.toUpperCase() };
}

/** What every logger of the bot redacts and how it serializes errors. */
export const LOG_OPTIONS = {
  redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  serializers: { err: serializeError, error: serializeError },
} satisfies LoggerOptions;

/** `fd` 2 sends logs to stderr (the terminal chat and the CLI keep stdout for replies). */
export function createLogger(level = 'info', options: LoggerOptions = {}, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      ...LOG_OPTIONS,
      ...options,
    },
    pino.destination({ dest: fd, sync: fd === 2 }),
  );
}

/** Remove a bot token (or a user's key, while it is in memory) wherever it appears in a string (Telegram puts the token in every URL). */
export function scrubSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  return out;
}
