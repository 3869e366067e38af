import { GrammyError, HttpError } from 'grammy';
import type { DeliveryResult } from '../../chat/delivery.ts';
import { scrubSecrets } from '../../logger.ts';
import { neverReachedServer } from '../network.ts';

/**
 * Telegram failures, read once: what the alert queue should do with them, and how to log them
 * without the bot token (grammY's network errors and URLs carry it; scrubbed here whatever the
 * error says). Telegram has no idempotency key, so only failures that prove nothing was posted
 * are `retry` (429, a refused connection, a 4xx); a 5xx or a request that got no answer is
 * `uncertain`.
 */
export type Failure = Exclude<DeliveryResult, { ok: true }>;

export function classifyTelegramError(error: unknown, secrets: readonly string[] = []): Failure {
  const scrub = (text: string) => scrubSecrets(text, [...secrets]);
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = scrub(error.description ?? '');
    const detail = `${code}: ${description}`;
    if (code === 429) {
      const seconds = error.parameters?.retry_after;
      return { ok: false, reason: 'retry', retryAfterMs: typeof seconds === 'number' ? seconds * 1000 : undefined, detail };
    }
    if (code >= 500) return { ok: false, reason: 'uncertain', detail };
    if (code === 403) return { ok: false, reason: 'forbidden', detail };
    if (code === 400) {
      const migrateTo = error.parameters?.migrate_to_chat_id;
      if (migrateTo !== undefined || /group chat was upgraded to a supergroup/i.test(description)) {
        return { ok: false, reason: 'gone', detail: migrateTo !== undefined ? `${detail} (migrate_to_chat_id ${migrateTo})` : detail };
      }
      if (/chat not found/i.test(description)) return { ok: false, reason: 'gone', detail };
    }
    // Other 400s (and 401/404…): retried, and the queue gives up after its max attempts.
    return { ok: false, reason: 'retry', detail };
  }
  const detail = scrub(error instanceof Error ? error.message : String(error));
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? `: ${scrub(error.error.message)}` : '';
    return { ok: false, reason: neverReachedServer(error) ? 'retry' : 'uncertain', detail: `${detail}${cause}` };
  }
  return { ok: false, reason: 'uncertain', detail };
}

/** A log-safe summary of an error (see describeError). */
interface ErrorSummary {
  type: string;
  message: string;
  cause?: string;
  [field: string]: unknown;
}

/** A log-safe summary: type, message and Telegram's code, never the payload (files) or the token. */
export function describeError(error: unknown, secrets: readonly string[] = []): ErrorSummary {
  const scrub = (text: string) => scrubSecrets(text, [...secrets]);
  if (error instanceof GrammyError) {
    return { type: error.name, method: error.method, code: error.error_code, message: scrub(error.description ?? error.message) };
  }
  if (error instanceof HttpError) {
    const cause = error.error instanceof Error ? scrub(error.error.message) : undefined;
    return { type: error.name, message: scrub(error.message), ...(cause ? { cause } : {}) };
  }
  if (error instanceof Error) return { type: error.name, message: scrub(error.message), stack: scrub(error.stack ?? '') };
  return { type: typeof error, message: scrub(String(error)) };
}

export function isTelegramError(error: unknown, code: number, description?: RegExp): error is GrammyError {
  return error instanceof GrammyError && error.error_code === code && (!description || description.test(error.description ?? ''));
}

/** Editing a message to what it already says: not a failure. */
export const isNotModified = (error: unknown) => isTelegramError(error, 400, /message is not modified/i);
/** Our HTML was refused: the plain-text fallback applies. */
export const isParseError = (error: unknown) => isTelegramError(error, 400, /can't parse entities|unsupported start tag|can't find end tag/i);
