import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { TelegramFace } from '../../src/platforms/telegram/face.ts';
import { FakeTelegram, user } from './fake-telegram.ts';

/**
 * Group etiquette (issue 10, fault 4): a member who floods a group with commands gets one "limit
 * reached" notice per window, then silence, so they cannot spend the group's message budget
 * (Telegram: about 20 messages a minute to a group) and everybody else is still answered.
 */
test('Telegram group: one member over the limit gets one notice, then silence; another member is answered', async () => {
  const fake = new FakeTelegram();
  const apiRoot = await fake.start();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_PATH: ':memory:',
    RATE_LIMIT_PER_MINUTE: '3',
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  });
  const app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }) });
  try {
    const group = { id: -1001000000077, type: 'supergroup', title: 'Flood' };
    const flooder = user(4001);
    const neighbour = user(4002);
    const toGroup = (since: number) => fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === group.id);
    const since = fake.calls.length;
    for (let i = 0; i < 10; i++) fake.sendText('/help', { user: flooder, chat: group });
    const asked = fake.sendText('/help', { user: neighbour, chat: group });
    const answered = await fake.waitFor(
      (c) => c.method === 'sendMessage' && Number(c.params.chat_id) === group.id && c.params.reply_parameters?.message_id === asked.messageId,
      "the neighbour's answer",
    );
    // Every update read so far has been handled (answered or left unanswered).
    await fake.waitFor((c) => c.method === 'getUpdates' && Number(c.params.offset) > asked.updateId, 'the flood read');
    await (app.faces[0] as TelegramFace).settled();
    const messages = toGroup(since);
    const notices = messages.filter((c) => /limit of commands per minute/.test(String(c.params.text)));
    assert.equal(notices.length, 1, `one notice for the flooder, got ${notices.length}`);
    assert.equal(messages.length, 3 + 1 + 1, 'three answers and a notice for the flooder, one answer for the neighbour');
    assert.match(String(answered.params.text), /ADL Sentinel: commands/);
  } finally {
    await app.stop();
    await fake.stop();
  }
});
