import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { computeAdlRank } from '../../src/core/adl.ts';
import { fundingApr } from '../../src/core/funding.ts';
import { computeLiquidation } from '../../src/core/liquidation.ts';
import { formatLeverage, formatPercent, formatUsd } from '../../src/core/numbers.ts';
import { loadWalkthrough } from '../../src/explain/content.ts';
import { lightsText } from '../../src/explain/live/adl.ts';
import { LIVE_VALUES } from '../../src/explain/live/index.ts';
import { fillWalkthrough } from '../../src/explain/render.ts';
import { translator } from '../../src/chat/i18n.ts';

// The example the liquidation and insurance-fund walkthroughs describe, computed here
// independently through the /liq calculator.
const tenXLong = computeLiquidation({
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'long',
  entryPrice: new Decimal(100_000),
  quantity: new Decimal(1),
  leverage: new Decimal(10),
});

test('liquidation walkthrough: the 10x BTC long at 100,000 on Binance shows the calculator’s prices and tier', () => {
  for (const lang of ['en', 'vi'] as const) {
    const values = LIVE_VALUES.liquidation(lang, {});
    assert.equal(values.liquidation_price, formatUsd(tenXLong.liquidationPrice!, lang));
    assert.equal(values.bankruptcy_price, formatUsd(tenXLong.bankruptcyPrice!, lang));
    assert.equal(values.mmr, formatPercent(tenXLong.mmr, lang));
    assert.equal(values.tier, String(tenXLong.tier.index));
    assert.equal(values.initial_margin, formatUsd(tenXLong.initialMargin, lang));
    const short = computeLiquidation({ venue: 'binance', symbol: 'BTCUSDT', side: 'short', entryPrice: new Decimal(100_000), quantity: new Decimal(1), leverage: new Decimal(10) });
    assert.equal(values.short_liquidation_price, formatUsd(short.liquidationPrice!, lang));
    const fiveX = computeLiquidation({ venue: 'binance', symbol: 'BTCUSDT', side: 'long', entryPrice: new Decimal(100_000), quantity: new Decimal(1), leverage: new Decimal(5) });
    assert.equal(values.liquidation_price_low, formatUsd(fiveX.liquidationPrice!, lang));
  }
  // isolated 10x: bankruptcy at entry × (1 − 1/10) (reference: adl-mechanics.md, liquidation §)
  assert.equal(LIVE_VALUES.liquidation('en', {}).bankruptcy_price, '$90,000.00');
  const text = fillWalkthrough(loadWalkthrough('liquidation', 'en'), LIVE_VALUES.liquidation('en', {})).map((s) => s.text).join('\n');
  assert.ok(text.includes(`Liquidation price ${formatUsd(tenXLong.liquidationPrice!, 'en')}`));
});

test('insurance-fund walkthrough: what the fund keeps is the gap between liquidation and bankruptcy price', () => {
  const values = LIVE_VALUES['insurance-fund']('en', {});
  const gap = tenXLong.liquidationPrice!.minus(tenXLong.bankruptcyPrice!).times(tenXLong.quantity);
  assert.equal(values.fund_gain, formatUsd(gap, 'en'));
  const badFill = tenXLong.bankruptcyPrice!.times(0.98);
  assert.equal(values.bad_fill_price, formatUsd(badFill, 'en'));
  assert.equal(values.fund_loss, formatUsd(tenXLong.bankruptcyPrice!.minus(badFill), 'en'));
  assert.equal(LIVE_VALUES['insurance-fund']('vi', {}).fund_gain, formatUsd(gap, 'vi'));
});

test('funding walkthrough: 0.01% per 8 h annualises to 10.95% (reference: adl-mechanics.md §12, ×3×365)', () => {
  assert.equal(fundingApr('0.0001', 8).toString(), '0.1095');
  const en = LIVE_VALUES.funding('en', {});
  assert.equal(en.apr_8h, '10.95%');
  assert.equal(en.apr_4h, formatPercent(fundingApr('0.0001', 4), 'en', { decimals: 2 }));
  assert.equal(en.apr_1h, formatPercent(fundingApr('0.0001', 1), 'en', { decimals: 2 }));
  assert.equal(en.hl_apr, en.apr_8h, 'hourly 1/8 of the 8 h rate is the same yearly rate');
  const vi = LIVE_VALUES.funding('vi', {});
  assert.equal(vi.apr_8h, '10,95%');
  assert.equal(vi.example_notional, '100.000 USD');
});

test('adl walkthrough: the reader’s own position gets the ADL calculator’s PnL, lights and advice', () => {
  const args = { side: 'short', entry: new Decimal(122_000), mark: new Decimal(102_000), leverage: new Decimal(20), venue: 'binance' };
  const rank = computeAdlRank({
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'short',
    entryPrice: new Decimal(122_000),
    markPrice: new Decimal(102_000),
    quantity: new Decimal(1),
    leverage: new Decimal(20),
  });
  for (const lang of ['en', 'vi'] as const) {
    const values = LIVE_VALUES.adl(lang, args);
    assert.equal(values.pnl, formatUsd(rank.pnl, lang, { signed: true }));
    assert.equal(values.lights, lightsText(rank.lights, translator(lang)));
    assert.equal(values.effective_leverage, formatLeverage(rank.effectiveLeverage!, lang));
    assert.ok(values.venue_lights.split('\n').length === 6, 'one line per venue');
    for (const advice of rank.advice) {
      if (advice.kind === 'add-margin') assert.ok(values.advice.includes(formatUsd(advice.addMargin, lang)));
    }
  }
  assert.match(LIVE_VALUES.adl('en', args).position_intro, /Your position/);
  assert.match(LIVE_VALUES.adl('en', {}).position_intro, /example/);
});

test('adl walkthrough: dYdX is not ranked, and a losing position is told it is at the back', () => {
  const dydx = LIVE_VALUES.adl('en', { side: 'long', entry: new Decimal(100_000), mark: new Decimal(110_000), leverage: new Decimal(5), venue: 'dydx' });
  assert.match(dydx.lights, /not ranked/);
  assert.match(dydx.advice, /random/);
  const losing = LIVE_VALUES.adl('en', { side: 'long', entry: new Decimal(100_000), mark: new Decimal(99_000), leverage: new Decimal(5), venue: 'binance' });
  assert.match(losing.advice, /behind every profitable position/);
});

test('mark-price walkthrough: Binance’s B5 example, and a wick below the /liq price that the median mark ignores', () => {
  for (const lang of ['en', 'vi'] as const) {
    const values = LIVE_VALUES['mark-price'](lang, {});
    assert.equal(values.liquidation_price, formatUsd(tenXLong.liquidationPrice!, lang));
  }
  const en = LIVE_VALUES['mark-price']('en', {});
  // B5 (Binance FAQ, older method): 0.03%, 4 h of 8 to go, index 10,000 → basis 0.015%, mark 10,001.5.
  assert.equal(en.b5_basis, '0.015%');
  assert.equal(en.b5_mark, '10,001.5');
  assert.equal(LIVE_VALUES['mark-price']('vi', {}).b5_mark, '10.001,5');
  // The wick (88,000) lies below the liquidation price (90,361.45); the median of 99,800, 99,820 and 88,000 is 99,800.
  assert.equal(en.wick_mark, '$99,800');
  assert.ok(tenXLong.liquidationPrice!.gt(88_000));
  assert.equal(en.upnl_at_mark, '-$200');
  assert.equal(en.upnl_at_last, '-$12,000');
  assert.equal(en.mark_to_liquidation, formatPercent(new Decimal(99_800).minus(tenXLong.liquidationPrice!).div(99_800), 'en'));
  const text = fillWalkthrough(loadWalkthrough('mark-price', 'en'), en).map((s) => s.text).join('\n');
  assert.ok(text.includes('the mark price is **$99,800**') || text.includes('the mark price is $99,800'), 'the median is in the text');
});
