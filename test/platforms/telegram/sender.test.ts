import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrammyError, HttpError } from 'grammy';
import { classifyTelegramError, describeError } from '../../../src/platforms/telegram/errors.ts';
import { toChatId } from '../../../src/platforms/telegram/sender.ts';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi';
const telegramError = (error_code: number, description: string, parameters?: Record<string, number>) =>
  new GrammyError(`Call to 'sendMessage' failed!`, { ok: false, error_code, description, parameters }, 'sendMessage', { chat_id: 1, text: 'x' });

test('429: retry after the seconds Telegram gave', () => {
  assert.deepEqual(classifyTelegramError(telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 })), {
    ok: false,
    reason: 'retry',
    retryAfterMs: 7000,
    detail: '429: Too Many Requests: retry after 7',
  });
});

test('a refused connection posted nothing: retry; a 5xx or a request without an answer may have posted: uncertain', () => {
  const refused = Object.assign(new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`), { code: 'ECONNREFUSED' });
  const network = new HttpError(`Network request for 'sendMessage' failed!`, refused);
  const result = classifyTelegramError(network, [TOKEN]);
  assert.equal(result.reason, 'retry');
  assert.doesNotMatch(result.detail, /ABCDEFGHIJ/);
  assert.equal(classifyTelegramError(telegramError(502, 'Bad Gateway')).reason, 'uncertain');
  const reset = new HttpError(`Network request for 'sendMessage' failed!`, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  assert.equal(classifyTelegramError(reset).reason, 'uncertain');
  assert.equal(classifyTelegramError(new Error('socket hang up')).reason, 'uncertain');
  assert.doesNotMatch(JSON.stringify(describeError(network, [TOKEN])), /ABCDEFGHIJ/);
});

test('403 (blocked by the user, kicked from the group): forbidden', () => {
  for (const description of ['Forbidden: bot was blocked by the user', 'Forbidden: bot was kicked from the group chat', 'Forbidden: bot is not a member of the channel chat']) {
    assert.deepEqual(classifyTelegramError(telegramError(403, description)), { ok: false, reason: 'forbidden', detail: `403: ${description}` });
  }
});

test('400 chat not found, or a group upgraded to a supergroup: gone (naming the new chat id)', () => {
  assert.equal(classifyTelegramError(telegramError(400, 'Bad Request: chat not found')).reason, 'gone');
  const upgraded = classifyTelegramError(telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234567890 }));
  assert.equal(upgraded.reason, 'gone');
  assert.match(upgraded.detail, /migrate_to_chat_id -1001234567890/);
});

test('other 400s: retry with the detail (the alert queue gives up after its max attempts)', () => {
  assert.deepEqual(classifyTelegramError(telegramError(400, "Bad Request: can't parse entities: unsupported start tag")), {
    ok: false,
    reason: 'retry',
    detail: "400: Bad Request: can't parse entities: unsupported start tag",
  });
});

test('the token never appears in a detail or a log summary', () => {
  const error = telegramError(400, `Bad Request: weird echo of bot${TOKEN}`);
  assert.doesNotMatch(classifyTelegramError(error, [TOKEN]).detail, /ABCDEFGHIJ/);
  assert.doesNotMatch(JSON.stringify(describeError(error, [TOKEN])), /ABCDEFGHIJ/);
  assert.doesNotMatch(JSON.stringify(describeError(new Error(`fetch https://x/bot${TOKEN}/getMe`), [TOKEN])), /ABCDEFGHIJ/);
  // the payload (which may hold a photo) is not logged
  assert.equal('payload' in describeError(error, [TOKEN]), false);
});

test('chat ids: numbers for Telegram, @channel names as they are', () => {
  assert.equal(toChatId('-1001234567890'), -1001234567890);
  assert.equal(toChatId('42'), 42);
  assert.equal(toChatId('@adl_news'), '@adl_news');
});
