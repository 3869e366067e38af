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

/** `fd` 2 sends logs to stderr (the terminal chat and the CLI keep stdout for replies). */
export function createLogger(level = 'info', options: LoggerOptions = {}, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
