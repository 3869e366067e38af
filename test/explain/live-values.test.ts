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

test('adl-at-a-loss: the close-out is the bankrupt long’s bankruptcy price from /liq, a loss against the short’s entry', () => {
  const bankrupt = (entry: number, leverage: number) =>
    computeLiquidation({ venue: 'binance', symbol: 'BTCUSDT', side: 'long', entryPrice: new Decimal(entry), quantity: new Decimal(1), leverage: new Decimal(leverage) }).bankruptcyPrice!;
  const en = LIVE_VALUES['adl-at-a-loss']('en', {});
  // isolated long without fees: bankruptcy = entry × (1 − 1/leverage) = 110,000 × 0.95
  assert.equal(bankrupt(110_000, 20).toString(), '104500');
  assert.equal(en.bankrupt_price, '$104,500');
  assert.equal(en.pnl_at_mark, '+$4,000', 'short from 104,000 marked at 100,000');
  assert.equal(en.pnl_at_closeout, '-$500', 'closed at 104,500, above its 104,000 entry');
  const worst = bankrupt(122_574, 50);
  assert.equal(en.worst_closeout, formatUsd(worst, 'en'));
  assert.equal(en.worst_pnl_at_closeout, formatUsd(new Decimal(110_000).minus(worst), 'en', { signed: true }));
  assert.equal(LIVE_VALUES['adl-at-a-loss']('vi', {}).pnl_at_closeout, '-500 USD');
});

test('adl-hedges: a 0.2x short up 40% outranks a 5x short up 1% (effective leverage × profit ratio)', () => {
  const en = LIVE_VALUES['adl-hedges']('en', {});
  assert.deepEqual([en.low_leverage, en.low_profit, en.low_score], ['0.2x', '40%', '0.08']);
  assert.deepEqual([en.high_leverage, en.high_profit, en.high_score], ['5x', '1%', '0.05']);
  assert.equal(LIVE_VALUES['adl-hedges']('vi', {}).low_leverage, '0,2x');
});

test('funding: 5,760 premium samples in 8 h at one every 5 s, and Hyperliquid’s ~11.6% is the hourly baseline compounded', () => {
  const en = LIVE_VALUES.funding('en', {});
  assert.equal(en.premium_samples, '5,760');
  // (1 + 0.0000125)^8760 − 1 = 0.1157…; Hyperliquid's docs quote "~11.6% APR"
  assert.equal(en.hl_compounded, '11.6%');
  assert.equal(LIVE_VALUES.funding('vi', {}).hl_compounded, '11,6%');
});

test('where-money-goes: a fund capped at its balance passes the rest to ADL; the replay overshoot is production − needed', () => {
  const en = LIVE_VALUES['where-money-goes']('en', {});
  assert.deepEqual([en.fund_balance, en.bankrupt_positions, en.fund_takes, en.to_adl], ['$50M', '$80M', '$50M', '$30M']);
  assert.equal(en.replay_overshoot, '$45M', '60,108,335.33 − 15,079,669.61 = 45,028,665.72 (adl-research-notes §5.4)');
  assert.equal(en.replay_ratio, '4');
});

test('liquidation-debt: the gapped long loses its margin, not its whole loss at the gap', () => {
  const en = LIVE_VALUES['liquidation-debt']('en', {});
  assert.deepEqual([en.long_margin, en.gap_equity, en.loss_at_gap, en.deficit], ['$1,000', '-$500', '$1,500', '$500']);
});

test('stops-and-warnings: a stop at 98,000 filled at 95,000 loses 3,000 more than planned, still above the /liq price', () => {
  const en = LIVE_VALUES['stops-and-warnings']('en', {});
  assert.deepEqual([en.planned_loss, en.actual_loss, en.slippage, en.slippage_share], ['$2,000', '$5,000', '$3,000', '3.1%']);
  assert.equal(en.liquidation_price, formatUsd(tenXLong.liquidationPrice!, 'en'));
});
