import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Api } from 'grammy';
import { pino } from 'pino';
import { FakeTelegram } from '../../e2e/fake-telegram.ts';
import { TelegramSender } from '../../../src/platforms/telegram/sender.ts';
import { textReply, type Reply } from '../../../src/chat/reply.ts';
import { renderChartPng } from '../../../src/render/chart.ts';

/** Editing a message that went out as a picture with its caption: editMessageCaption, as Telegram requires. */
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_caption';
const fake = new FakeTelegram(TOKEN);
let sender: TelegramSender;

before(async () => {
  await fake.start();
  sender = new TelegramSender(new Api(TOKEN, { apiRoot: fake.apiRoot }), pino({ level: 'silent' }), [TOKEN]);
});
after(() => fake.stop());

const png = await renderChartPng({ xAxis: { type: 'category', data: ['a'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: [1] }] }, { width: 200, height: 100 });

test('a picture with a short text is one message; editing it changes its caption (editMessageCaption)', async () => {
  const first: Reply = { ...textReply('BTC **104,782**', 'warn', '🚨 Crash in progress: BTC'), image: { png, alt: 'chart', filename: 'c.png' } };
  const sent = await sender.send('3001', first, 'en');
  assert.ok(sent.ok && sent.messageId);
  assert.ok(fake.message(3001, Number(sent.messageId))?.photo, 'sent as a picture with its caption');
  const edited = await sender.edit('3001', sent.messageId, textReply('BTC **105,200**', 'info', '✅ Crash over: BTC'), 'en');
  assert.deepEqual(edited, { ok: true, messageId: sent.messageId });
  assert.equal(fake.callsOf('editMessageCaption').length, 1);
  assert.match(fake.message(3001, Number(sent.messageId))?.caption ?? '', /^✅ Crash over: BTC\n\nBTC 105,200$/);
});

test('a text too long for a caption cannot replace a picture: the message counts as missing, so a new one is posted', async () => {
  const sent = await sender.send('3002', { ...textReply('short'), image: { png, alt: 'chart', filename: 'c.png' } }, 'en');
  assert.ok(sent.ok && sent.messageId);
  const result = await sender.edit('3002', sent.messageId, textReply('x'.repeat(1_500)), 'en');
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'missing');
});
