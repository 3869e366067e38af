import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscordAPIError, HTTPError, RateLimitError, type REST } from 'discord.js';
import { pino } from 'pino';
import { classifyDiscordError, DiscordSender, scrubInteractionTokens } from '../../../src/platforms/discord/sender.ts';

const TOKEN = 'aaaa.bbbb.cccc';
const apiError = (status: number, code: number, message = 'x') =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.com/api/v10/channels/1/messages', { body: {}, files: undefined });

test('discord sender: Discord errors become delivery results', () => {
  assert.equal(classifyDiscordError(apiError(404, 10003, 'Unknown Channel')).reason, 'gone');
  assert.equal(classifyDiscordError(apiError(404, 0, '404: Not Found')).reason, 'gone');
  assert.equal(classifyDiscordError(apiError(403, 50001, 'Missing Access')).reason, 'forbidden');
  assert.equal(classifyDiscordError(apiError(403, 50013, 'Missing Permissions')).reason, 'forbidden');
  assert.equal(classifyDiscordError(apiError(403, 0, 'Forbidden')).reason, 'forbidden');
  // Perhaps posted: the queue repeats these only with the same nonce, within Discord's window.
  assert.equal(classifyDiscordError(new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.com/api/v10/x', { body: {} })).reason, 'uncertain');
  assert.equal(classifyDiscordError(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' })).reason, 'uncertain');
  assert.equal(classifyDiscordError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).reason, 'retry');
  const limited = classifyDiscordError(
    new RateLimitError({ timeToReset: 900, limit: 5, method: 'POST', hash: 'h', url: 'u', route: '/channels/:id/messages', majorParameter: '1', global: false, retryAfter: 1200, sublimitTimeout: 0, scope: 'user' }),
  );
  assert.deepEqual({ reason: limited.reason, retryAfterMs: limited.ok ? undefined : (limited as any).retryAfterMs }, { reason: 'retry', retryAfterMs: 1200 });
  const proactive = classifyDiscordError(
    new RateLimitError({ timeToReset: 700, limit: 5, method: 'POST', hash: 'h', url: 'u', route: '/channels/:id/messages', majorParameter: '1', global: false, retryAfter: 0, sublimitTimeout: 0, scope: 'user' }),
  );
  assert.equal((proactive as any).retryAfterMs, 700, 'the bucket reset when Discord gave no Retry-After');
});

test('discord sender: details never carry the bot token or interaction tokens', () => {
  const result = classifyDiscordError(new Error(`boom ${TOKEN} at /webhooks/123/aW50ZXJhY3Rpb246secret/messages/@original`), [TOKEN]);
  assert.ok(!result.detail.includes(TOKEN));
  assert.ok(!result.detail.includes('aW50ZXJhY3Rpb246secret'));
  assert.equal(scrubInteractionTokens('/interactions/99/tok/callback'), '/interactions/99/[redacted]/callback');
});

test('discord sender: posts embeds, buttons and the picture to the channel; returns the message id', async () => {
  const calls: Array<{ route: string; options: any }> = [];
  const rest = {
    post: async (route: string, options: any) => {
      calls.push({ route, options });
      return { id: '555' };
    },
  } as unknown as REST;
  const sender = new DiscordSender(rest, pino({ level: 'silent' }), [TOKEN]);
  const result = await sender.send(
    '42',
    {
      title: 'Crash',
      tone: 'error',
      blocks: [{ kind: 'text', text: 'BTC −8% in 15 min' }],
      actions: [{ label: 'What is ADL?', payload: 'explain:adl' }],
      image: { png: Buffer.from([1, 2, 3]), alt: 'Price', filename: 'crash.png' },
    },
    'en',
  );
  assert.deepEqual(result, { ok: true, messageId: '555' });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].route, '/channels/42/messages');
  const { body, files } = calls[0].options;
  assert.equal(body.embeds[0].title, 'Crash');
  assert.equal(body.components[0].components[0].custom_id, 'explain:adl');
  assert.deepEqual(body.attachments, [{ id: 0, filename: 'crash.png', description: 'Price' }]);
  assert.equal(files[0].name, 'crash.png');
  assert.equal(files[0].contentType, 'image/png');
});

test('discord sender: a refusal on the first message is the result; a later part failing is logged only', async () => {
  let n = 0;
  const failing = {
    post: async () => {
      n++;
      throw apiError(403, 50001, 'Missing Access');
    },
  } as unknown as REST;
  const refused = await new DiscordSender(failing, pino({ level: 'silent' })).send('1', { blocks: [{ kind: 'text', text: 'x' }] }, 'en');
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.reason, 'forbidden');
  assert.equal(n, 1);

  let calls = 0;
  const flaky = {
    post: async () => {
      calls++;
      if (calls > 1) throw new HTTPError(500, 'Internal Server Error', 'POST', 'u', { body: {} });
      return { id: 'first' };
    },
  } as unknown as REST;
  const long = { blocks: [{ kind: 'text' as const, text: 'word '.repeat(3000) }] };
  const partial = await new DiscordSender(flaky, pino({ level: 'silent' })).send('1', long, 'en');
  assert.deepEqual(partial, { ok: true, messageId: 'first' }, 'no resend of what is already out');
});
