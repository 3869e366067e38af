import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { LANGS } from '../../src/chat/command.ts';
import { plainText } from '../../src/chat/markup.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { groupForcedFills, noticeReply, receiptNotice, timeText, type WatchNotice } from '../../src/watch/messages.ts';
import type { ForcedFill } from '../../src/watch/types.ts';

const WATCH = { venue: 'hyperliquid', account: '0xe92d2041199b18f611b137457f3acee8bedb22d3', label: 'main' };
const TIME = Date.UTC(2025, 9, 10, 21, 16, 4);

function text(reply: Reply): string {
  return [reply.title ?? '', ...reply.blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : '')), reply.footer ?? '']
    .map(plainText)
    .join('\n');
}

function fill(values: Partial<ForcedFill>): ForcedFill {
  return {
    id: String(values.time),
    kind: 'adl',
    coin: 'AVAX',
    side: 'short',
    size: new Decimal('28.53'),
    price: new Decimal('22.075'),
    markPrice: new Decimal('22.025'),
    closedPnl: new Decimal('194.275035'),
    time: TIME,
    method: 'backstop',
    ...values,
  };
}

const NOTICES: WatchNotice[] = [
  {
    type: 'liquidation-distance',
    ...WATCH,
    coin: 'ETH',
    side: 'long',
    time: TIME,
    tier: 0.1,
    distance: '0.0812',
    markPrice: '3913',
    liquidationPrice: '3600',
    liquidationFrom: 'venue',
    ourLiquidationPrice: '3673.47',
    leverage: '10',
    marginMode: 'isolated',
    unrealizedPnl: '-870',
  },
  {
    type: 'adl-queue',
    ...WATCH,
    coin: 'BTC',
    side: 'short',
    time: TIME,
    tier: 4,
    lights: 5,
    percentile: 0.97,
    markPrice: '99000',
    unrealizedPnl: '23000',
    leverage: '20',
    signal: { reason: 'fast-move', direction: 'down', move: 0.055, minutes: 5 },
    advice: [{ kind: 'add-margin', addMargin: '22240.59', targetLeverage: '4.2', lightsAfter: 4 }],
  },
  { type: 'adl-queue', ...WATCH, coin: 'BTC', side: 'short', time: TIME, tier: 4, lights: 4, percentile: 0.7, markPrice: '99000', unrealizedPnl: '1', leverage: '20', signal: { reason: 'crash-alert' }, advice: [{ kind: 'no-change-found' }] },
  receiptNotice(WATCH, [fill({})]),
  receiptNotice(WATCH, [fill({ kind: 'liquidation', side: 'long', method: 'market', closedPnl: new Decimal('-9.94483') })]),
  receiptNotice(WATCH, [fill({ kind: 'liquidation', side: 'long', method: null, markPrice: null })]),
];

test('every alert and receipt reads fully in English and Vietnamese: no missing text, numbers formatted, one button to the right walkthrough', () => {
  for (const notice of NOTICES) {
    for (const lang of LANGS) {
      const reply = noticeReply(notice, lang);
      const all = text(reply);
      assert.doesNotMatch(all, /\b(watch|adl)\.[a-z-]+/, `${notice.type} ${lang}: a key left untranslated:\n${all}`);
      assert.doesNotMatch(all, /\{\w+\}/, `${notice.type} ${lang}: a placeholder left`);
      assert.doesNotMatch(all, /\d\.\d{5,}/, `${notice.type} ${lang}: a raw float`);
      assert.equal(reply.actions?.length, 1);
      assert.match(reply.actions[0].payload, /^explain:(adl|liquidation)$/);
      assert.deepEqual(reply.data, { notice });
    }
  }
});

test('the ADL receipt of 10 Oct 2025 (recorded fill): what was closed, price against the mark, realized PnL, why, in both languages', () => {
  const receipt = NOTICES[3];
  const en = text(noticeReply(receipt, 'en'));
  assert.match(en, /^Auto-deleveraged: AVAX short on Hyperliquid/);
  assert.match(en, /Hyperliquid \(“main”, 0xe92d…22d3\): your position was closed by auto-deleveraging \(ADL\) at 2025-10-10 21:16 UTC/);
  assert.match(en, /Closed: 28\.53 AVAX \(short\)/);
  assert.match(en, /Price: \$22\.075 \(\+0\.227% vs mark \$22\.025 then\)/);
  assert.match(en, /Realized PnL: \+\$194\.28/);
  assert.match(en, /liquidator vault took the position over/);
  const vi = text(noticeReply(receipt, 'vi'));
  assert.match(vi, /^Bị ADL: AVAX Short trên Hyperliquid/);
  assert.match(vi, /lúc 10\/10\/2025 21:16 UTC/);
  assert.match(vi, /Giá: 22,075 USD \(\+0,227% so với giá đánh dấu 22,025 USD lúc đó\)/);
  assert.match(vi, /PnL đã ghi nhận: \+194,28 USD/);
  assert.deepEqual(noticeReply(receipt, 'vi').actions, [{ label: 'ADL hoạt động thế nào', payload: 'explain:adl', style: 'primary' }]);
  assert.match(text(noticeReply(NOTICES[4], 'en')), /^Liquidated: AVAX long .*sent market orders to the order book/s);
});

test('fills of one forced close make one receipt (volume-weighted price, summed size and PnL); a later one its own', () => {
  const groups = groupForcedFills([
    fill({ id: 'a', size: new Decimal('0.46'), price: new Decimal('49.6805'), closedPnl: new Decimal(1), time: TIME }),
    fill({ id: 'b', size: new Decimal('0.22'), price: new Decimal('49.7'), closedPnl: new Decimal(2), time: TIME + 1 }),
    fill({ id: 'c', coin: 'ETH', time: TIME + 2 }),
    fill({ id: 'd', time: TIME + 3_600_000 }),
  ]);
  assert.deepEqual(groups.map((g) => g.map((f) => f.id)), [['a', 'b'], ['c'], ['d']]);
  const receipt = receiptNotice(WATCH, groups[0]);
  assert.equal(receipt.size, '0.68');
  assert.equal(receipt.price, new Decimal('0.46').times('49.6805').plus(new Decimal('0.22').times('49.7')).div('0.68').toSignificantDigits(12).toFixed());
  assert.equal(receipt.closedPnl, '3');
  assert.equal(receipt.fills, 2);
});

test('dates: en yyyy-mm-dd, vi dd/mm/yyyy, always UTC', () => {
  assert.equal(timeText(TIME, 'en'), '2025-10-10 21:16 UTC');
  assert.equal(timeText(TIME, 'vi'), '10/10/2025 21:16 UTC');
});
