import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { HttpError, type Transformer } from 'grammy';

/**
 * The transformers on every Telegram API object: a throttler that keeps messages within
 * Telegram's limits, inside an automatic retry that waits out 429s (`retry_after`) and server errors.
 *
 * Installed as `api.config.use(...retry, throttle)`: the throttler is outermost, so a message
 * waiting out a 429 keeps its chat's turn and the messages after it stay in order.
 *
 * auto-retry's own handling of network errors is off: it retries them forever, backing off up to
 * an hour, which would hang start-up on a wrong TELEGRAM_API_ROOT and leave long polling asleep
 * long after an outage. A few quick tries (networkRetry) instead. Never retried here: getUpdates
 * (grammY's polling loop retries it every 3 s by itself) and getMe (the start-up check: one try
 * per attempt, the face supervisor retries the whole start with backoff and logs each failure).
 */
const NOT_RETRIED = new Set(['getUpdates', 'getMe']);

/** Only methods that post a message count against Telegram's message limits. */
const THROTTLED = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendMediaGroup',
  'sendAnimation',
  'copyMessage',
  'forwardMessage',
]);

/**
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: about 30
 * messages a second overall, one a second in a chat (short bursts allowed), 20 a minute in a group.
 * One message at a time per chat keeps them in order (a photo, then its text).
 */
export function createThrottler(): Transformer {
  const throttle = apiThrottler({
    global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1000 },
    group: { maxConcurrent: 1, reservoir: 20, reservoirRefreshAmount: 20, reservoirRefreshInterval: 60_000 },
    out: { maxConcurrent: 1, reservoir: 5, reservoirRefreshAmount: 5, reservoirRefreshInterval: 5_000 },
  });
  return (prev, method, payload, signal) =>
    THROTTLED.has(method) ? throttle(prev, method, payload, signal) : prev(method, payload, signal);
}

/** Replies to people: 429s and server errors are waited out (bounded attempts), never dropped. */
export function replyRetry(): Transformer[] {
  return [networkRetry(), exceptPolling(autoRetry({ maxRetryAttempts: 8, rethrowHttpErrors: true }))];
}

/** A request that failed on the network (no answer from Telegram) is tried again a few times. */
export function networkRetry(delaysMs: readonly number[] = [500, 1_500, 4_000]): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || NOT_RETRIED.has(method) || signal?.aborted || attempt >= delaysMs.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
      }
    }
  };
}

function exceptPolling(transformer: Transformer): Transformer {
  return (prev, method, payload, signal) =>
    NOT_RETRIED.has(method) ? prev(method, payload, signal) : transformer(prev, method, payload, signal);
}

/**
 * Alerts: short waits are done here; a long retry_after, a server or a network error goes back to
 * the alert queue (src/alerts/delivery.ts), which reschedules it and gives up after its max attempts.
 */
export function alertRetry(): Transformer {
  return autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5, rethrowInternalServerErrors: true, rethrowHttpErrors: true });
}
