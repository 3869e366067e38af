import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { ParsedArgs } from '../../src/chat/command.ts';
import { isUserError, type UserError } from '../../src/chat/errors.ts';
import { translator } from '../../src/chat/i18n.ts';
import type { ActionOutcome, Reply } from '../../src/chat/reply.ts';
import { explainCommand } from '../../commands/explain.ts';
import { COMMAND_PREFIX } from '../../src/explain/payload.ts';
import { TELEGRAM_PROFILE } from '../../src/platforms/telegram/profile.ts';
import { makeTestContext } from '../support/context.ts';

// Asked from Telegram, the face with the tightest button data (64 bytes).
const en = makeTestContext({ lang: 'en', platform: 'telegram' });
const vi = makeTestContext({ lang: 'vi', platform: 'telegram' });
const MAX_CALLBACK_BYTES = TELEGRAM_PROFILE.limits.actionDataBytes!;
const run = async (args: ParsedArgs, ctx = en): Promise<Reply> => explainCommand.run(args, ctx);
const press = async (payload: string, ctx = en): Promise<ActionOutcome> => explainCommand.onAction!(payload, ctx);

function edited(outcome: ActionOutcome): Reply {
  assert.equal(outcome.kind, 'edit', 'buttons edit the same message');
  return (outcome as { kind: 'edit'; reply: Reply }).reply;
}

function payloadOf(reply: Reply, label: string): string {
  const action = reply.actions?.find((a) => a.label === label);
  assert.ok(action, `no "${label}" button`);
  return action.payload;
}

async function userError(fn: () => unknown): Promise<UserError> {
  try {
    await fn();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  assert.fail('expected a UserError');
}

test('/explain alone lists the topics with one line each and buttons to open the first few', async () => {
  const reply = await run({});
  const data = reply.data as { topics: Array<{ id: string; title: string; summary: string; steps: number }> };
  for (const id of ['adl', 'liquidation', 'insurance-fund', 'funding']) {
    const topic = data.topics.find((t) => t.id === id);
    assert.ok(topic, id);
    assert.ok(topic.steps >= 4 && topic.steps <= 8);
    const text = reply.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n');
    assert.ok(text.includes(`**${id}** — ${topic.summary}`));
  }
  assert.equal(reply.actions?.[0].payload, 'adl:1');
  assert.ok((reply.actions?.length ?? 0) <= 4);
  assert.equal((await run({}, vi)).title, 'Hướng dẫn từng bước');
});

test('/explain adl opens step 1 with the waterfall picture, Next and Close (no Back)', async () => {
  const reply = await run({ topic: 'adl' });
  assert.deepEqual(reply.page, { index: 1, count: 8 });
  assert.equal(reply.title, 'Auto-deleveraging (ADL) · What ADL is');
  assert.equal(reply.image?.filename, 'adl-waterfall.png');
  assert.ok(reply.image && reply.image.alt.length > 20);
  assert.deepEqual(reply.actions?.map((a) => a.label), ['Next ▶', 'Close']);
  const data = reply.data as { topic: string; lang: string; steps: Array<{ title: string; text: string }> };
  assert.equal(data.topic, 'adl');
  assert.equal(data.lang, 'en');
  assert.equal(data.steps.length, 8, 'without --step the CLI gets every step');
  assert.ok(reply.footer?.includes('not financial advice'));
});

test('/explain adl 3 jumps to step 3; the CLI data holds only that step', async () => {
  const reply = await run({ topic: 'adl', step: 3 });
  assert.deepEqual(reply.page, { index: 3, count: 8 });
  assert.equal(reply.image, undefined, 'the picture is on step 1 only');
  assert.deepEqual(reply.actions?.map((a) => a.label), ['◀ Back', 'Next ▶', 'Close']);
  const data = reply.data as { steps: Array<{ title: string }> };
  assert.deepEqual(data.steps.map((s) => s.title), ['Who goes first: Binance, BitMEX, OKX, Bybit']);
});

test('Next, Back and Close navigate the same message', async () => {
  const first = await run({ topic: 'liquidation' });
  const second = edited(await press(payloadOf(first, 'Next ▶')));
  assert.equal(second.page?.index, 2);
  const backToFirst = edited(await press(payloadOf(second, '◀ Back')));
  assert.equal(backToFirst.page?.index, 1);
  assert.equal(backToFirst.title, first.title);

  let reply = first;
  while (reply.actions?.some((a) => a.label === 'Next ▶')) reply = edited(await press(payloadOf(reply, 'Next ▶')));
  assert.equal(reply.page?.index, reply.page?.count);
  assert.equal(reply.title, 'Liquidation · Learn more');

  assert.deepEqual(await press(payloadOf(reply, 'Close')), { kind: 'close' });
});

test('every button fits Telegram’s 64-byte callback data, with a long reader position too', async () => {
  const replies = [
    await run({}),
    await run({ topic: 'insurance-fund', step: 2 }),
    await run({
      topic: 'adl',
      step: 4,
      side: 'long',
      entry: new Decimal('60123.456789123'),
      mark: new Decimal('100234.567891234'),
      leverage: new Decimal('12.3456789'),
      venue: 'hyperliquid',
      qty: new Decimal('0.123456789123'),
    }),
    // the brief's longest typed position, on a venue that accepts 125x for 12.345 BTC
    await run({
      topic: 'adl',
      step: 2,
      side: 'short',
      entry: new Decimal('122345.67'),
      mark: new Decimal('102000.5'),
      leverage: new Decimal(50),
      venue: 'bitmex',
      qty: new Decimal('12.345'),
    }),
    // numbers the parser accepts but plain decimals cannot carry in 56 bytes
    await run({
      topic: 'adl',
      step: 7,
      side: 'long',
      entry: new Decimal('0.0000123456789'),
      mark: new Decimal('0.0000133456789'),
      leverage: new Decimal('1.23456789'),
      venue: 'hyperliquid',
      qty: new Decimal('0.00000001234567'),
    }),
  ];
  assert.ok(edited(await press(payloadOf(replies[4], 'Next ▶'))).page?.index === 8, 'the compact payload opens the next step');
  for (const reply of replies) {
    for (const action of reply.actions ?? []) {
      assert.ok(Buffer.byteLength(COMMAND_PREFIX + action.payload) <= MAX_CALLBACK_BYTES, action.payload);
    }
  }
});

test('the reader’s adl position stays with the walkthrough while paging', async () => {
  const args = { topic: 'adl', step: 5, side: 'short', entry: new Decimal(122_000), mark: new Decimal(102_000), leverage: new Decimal(20), venue: 'okx' };
  const fifth = await run(args);
  const sixth = edited(await press(payloadOf(fifth, 'Next ▶')));
  const text = sixth.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n');
  assert.match(text, /Your position:\nShort 1 BTC on OKX USDT-margined swap, entry \$122,000, mark \$102,000, 20x/);
  const viText = ((await run({ ...args, step: 6 }, vi)).blocks[0] as { text: string }).text;
  assert.match(viText, /Vị thế của bạn:\nShort 1 BTC trên OKX USDT-margined swap, giá vào 122\.000 USD, giá đánh dấu 102\.000 USD, đòn bẩy 20x/);
});

test('a step outside the topic is refused with the valid range, in both languages', async () => {
  const error = await userError(() => run({ topic: 'funding', step: 9 }));
  assert.equal(error.key, 'explain.error.step-range');
  assert.equal(translator('en')(error.key, error.params), '"funding" has steps 1 to 6; there is no step 9.');
  assert.equal(translator('vi')(error.key, error.params), 'Chủ đề "funding" có các bước từ 1 đến 6; không có bước 9.');
  assert.equal((await userError(() => run({ step: 2 }))).key, 'explain.error.step-without-topic');
});

test('an unknown topic suggests the nearest name and lists the topics', async () => {
  const typo = await userError(() => run({ topic: 'liqudation' }));
  assert.equal(typo.key, 'explain.error.unknown-topic-suggest');
  assert.equal(typo.params.suggestion, 'liquidation');
  assert.match(translator('en')(typo.key, typo.params), /Did you mean \*\*liquidation\*\*\? Topics: adl, liquidation, insurance-fund, funding/);
  assert.match(translator('vi')(typo.key, typo.params), /Có phải bạn muốn xem \*\*liquidation\*\*/);
  assert.equal(translator('en')(typo.hintKey!, typo.hintParams), 'Try: `/explain liquidation`');
  assert.equal((await userError(() => run({ topic: 'fundng' }))).params.suggestion, 'funding');
  assert.equal((await userError(() => run({ topic: 'insurence' }))).params.suggestion, 'insurance-fund');
  const nonsense = await userError(() => run({ topic: 'weather-forecast' }));
  assert.equal(nonsense.key, 'explain.error.unknown-topic');
});

test('aliases open their topic', async () => {
  const cases: Array<[string, string]> = [
    ['liq', 'Liquidation'],
    ['IF', 'Insurance funds and vaults'],
    ['insurance_fund', 'Insurance funds and vaults'],
    ['Funding-Rate', 'Funding rate'],
  ];
  for (const [typed, title] of cases) assert.ok((await run({ topic: typed })).title?.startsWith(`${title} · `), typed);
});

test('a partial or misplaced position is refused with an example of the full form', async () => {
  const partial = await userError(() => run({ topic: 'adl', side: 'long', entry: new Decimal(100_000), leverage: new Decimal(10) }));
  assert.equal(partial.key, 'explain.error.position-incomplete');
  assert.equal(partial.params.missing, 'mark');
  assert.match(translator('en')(partial.hintKey!), /side=short entry=122k mark=102k lev=20/);
  const elsewhere = await userError(() => run({ topic: 'funding', side: 'long', entry: new Decimal(1), mark: new Decimal(1), leverage: new Decimal(2) }));
  assert.equal(elsewhere.key, 'explain.error.position-only-adl');
});

test('a position the calculator refuses becomes a translated error, not a crash', async () => {
  const args = { topic: 'adl', side: 'long', entry: new Decimal(100_000), mark: new Decimal(105_000), leverage: new Decimal(50), venue: 'hyperliquid' };
  const error = await userError(() => run(args));
  assert.equal(error.key, 'explain.error.position-invalid');
  assert.equal(translator('en')(error.key, error.params), 'That position cannot be computed on Hyperliquid: 50x is above Hyperliquid\'s maximum of 40x for this size.');
  assert.match(translator('vi')(error.key, (await userError(() => run(args, vi))).params), /vượt đòn bẩy tối đa 40x của Hyperliquid/);
});

test('an old or forged button payload is refused politely', async () => {
  // A bare topic (`adl`) is not forged: alerts carry `explain:<topic>` to open a walkthrough (test/chat/dispatcher.test.ts).
  for (const payload of ['', 'adl:x', 'adl:2:q,1,2,3,bn', 'adl:2:l,1,2,3,zz', 'a:b:c:d']) {
    const error = await userError(() => press(payload));
    assert.equal(error.key, 'explain.error.expired', payload);
  }
  assert.equal((await userError(() => press('weather:1'))).key, 'explain.error.unknown-topic');
});

test('Vietnamese readers get Vietnamese steps and buttons', async () => {
  const reply = await run({ topic: 'funding', step: 2 }, vi);
  assert.equal(reply.title, 'Funding rate (phí funding) · Funding rate được tính thế nào');
  assert.deepEqual(reply.actions?.map((a) => a.label), ['◀ Trước', 'Tiếp ▶', 'Đóng']);
  assert.ok(reply.footer?.includes('không phải lời khuyên đầu tư'));
});

test('/explain adl venue=hyperliquid runs the default example on that venue, page after page', async () => {
  const sixth = await run({ topic: 'adl', step: 6, venue: 'hyperliquid' });
  const text = (sixth.blocks[0] as { text: string }).text;
  assert.match(text, /an example/);
  assert.match(text, /Short 1 BTC on Hyperliquid, entry \$122,000/);
  const next = payloadOf(sixth, 'Next ▶');
  assert.equal(next, 'adl:7:@hl');
  assert.match((edited(await press(next)).blocks[0] as { text: string }).text, /on Hyperliquid, the smallest change/);
  assert.equal(payloadOf(await run({ topic: 'adl', step: 6, venue: 'binance' }), 'Next ▶'), 'adl:7', 'the default venue needs no payload');
});
