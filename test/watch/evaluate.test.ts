import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { computeAdlRank } from '../../src/core/adl.ts';
import type { TierTable } from '../../src/core/tier-table.ts';
import { normaliseSymbol } from '../../src/core/venues.ts';
import { parseHyperliquidMeta } from '../../src/market/tiers/hyperliquid.ts';
import { evaluateAccount, evaluatePosition, positionInput } from '../../src/watch/evaluate.ts';
import type { AccountPosition, AccountState } from '../../src/watch/types.ts';

const d = (v: string | number) => new Decimal(v);
/** A one-tier Hyperliquid table as `meta` gives it for an asset without a margin table (max leverage only). */
const single = (coin: string, maxLeverage: number): TierTable =>
  parseHyperliquidMeta({ universe: [{ name: coin, maxLeverage }] }, coin, normaliseSymbol(coin), new Date(Date.UTC(2026, 0, 1)).toISOString());

function position(p: Partial<AccountPosition> & Pick<AccountPosition, 'coin' | 'side' | 'size' | 'entryPrice' | 'markPrice'>): AccountPosition {
  const sign = p.side === 'long' ? 1 : -1;
  return {
    liquidationPrice: null,
    leverage: d(20),
    marginMode: 'cross',
    isolatedMargin: null,
    unrealizedPnl: p.size.times(p.markPrice.minus(p.entryPrice)).times(sign),
    positionValue: p.size.times(p.markPrice),
    ...p,
  };
}

function account(positions: AccountPosition[], crossAccountValue: string): AccountState {
  return { venue: 'hyperliquid', account: `0x${'a'.repeat(40)}`, time: 0, accountValue: d(crossAccountValue), crossAccountValue: d(crossAccountValue), positions };
}

test('docs example (isolated ETH 20x): our liquidation price from src/core matches Hyperliquid’s to the cent; 4.0% from the mark', () => {
  // hyperliquid_clearinghouseState_doc.json: entry 2986.3, size 0.0335, marginUsed 4.967826, uPnL −0.0134, liquidationPx 2866.26936529; ETH max leverage 50 then.
  const eth = position({
    coin: 'ETH',
    side: 'long',
    size: d('0.0335'),
    entryPrice: d('2986.3'),
    markPrice: d('100.02765').div('0.0335'),
    marginMode: 'isolated',
    isolatedMargin: d('4.981226'),
    unrealizedPnl: d('-0.0134'),
    liquidationPrice: d('2866.26936529'),
  });
  const report = evaluatePosition(eth, account([eth], '13104.514502'), () => single('ETH', 50));
  assert.equal(report.ourLiquidationPrice!.toDecimalPlaces(2).toString(), '2866.27');
  assert.ok(report.ourLiquidationPrice!.minus('2866.26936529').abs().lt('0.0001'));
  assert.equal(report.pricesDiffer, false);
  assert.equal(report.distanceFrom, 'venue');
  assert.equal(report.distanceFromMarkPct!.toDecimalPlaces(4).toString(), '0.0401');
  assert.equal(report.table!.name, 'ETH margin table');
  // At a loss: not ranked for ADL, behind every profitable position.
  assert.deepEqual({ ...report.adl, advice: undefined }, { score: null, lights: 1, percentile: 0, inProfit: false, advice: undefined, populationSize: 0 });
});

test('a profitable high-leverage short is at the front of the queue, scored by the same module as /adl-rank', () => {
  // 10 Oct 2025 shape: short BTC at 122k, mark 104.8k, 20x cross on a small account.
  const btc = position({ coin: 'BTC', side: 'short', size: d(1), entryPrice: d(122_000), markPrice: d(104_800), leverage: d(20) });
  const state = account([btc], '24000');
  const rules = single('BTC', 40);
  const report = evaluatePosition(btc, state, () => rules);
  assert.ok(report.adl!.inProfit);
  assert.ok(report.adl!.lights >= 4, `lights ${report.adl!.lights}`);
  const input = positionInput(btc, state, rules, () => rules);
  assert.ok(!('missing' in input));
  const direct = computeAdlRank({ ...input, markPrice: btc.markPrice });
  assert.equal(report.adl!.score!.toString(), direct.score!.toString());
  assert.equal(report.adl!.percentile, direct.percentile);
  assert.ok(report.adl!.advice.some((a) => a.kind === 'add-margin' || a.kind === 'take-profit'), 'says what moves it down');
  // Cross: the wallet is the account value without this position's PnL (the calculator adds it back).
  assert.equal((input as { walletBalance: Decimal }).walletBalance.toString(), String(24000 - 17_200));
});

test('cross: the other cross positions’ maintenance margin counts against this one; without their table ours is not guessed', () => {
  const eth = position({ coin: 'ETH', side: 'long', size: d(10), entryPrice: d(4000), markPrice: d(3900), leverage: d(10), liquidationPrice: d(3000) });
  const sol = position({ coin: 'SOL', side: 'long', size: d(500), entryPrice: d(200), markPrice: d(190), leverage: d(10) });
  const state = account([eth, sol], '12000');
  const tables: Record<string, TierTable> = { ETH: single('ETH', 25), SOL: single('SOL', 20) };
  const input = positionInput(eth, state, tables.ETH, (c) => tables[c]);
  // SOL at mark 190 × 500 × 2.5% = 2,375.
  assert.equal((input as { otherMaintenanceMargin: Decimal }).otherMaintenanceMargin.toString(), '2375');
  const report = evaluatePosition(eth, state, (c) => tables[c]);
  assert.ok(report.ourLiquidationPrice);
  assert.ok(report.assumptions.includes('cross-others-fixed'));
  const missing = evaluatePosition(eth, state, (c) => (c === 'ETH' ? tables.ETH : undefined));
  assert.equal(missing.ourLiquidationPrice, null);
  assert.equal(missing.ourMissing, 'no-table-other');
  assert.equal(missing.distanceFrom, 'venue', 'the venue’s price still gives the distance');
  assert.equal(missing.distanceFromMarkPct!.toFixed(4), '0.2308');
});

test('no table for the coin: no price of ours and no ADL estimate, never another coin’s table', () => {
  const doge = position({ coin: 'DOGE', side: 'long', size: d(1000), entryPrice: d('0.2'), markPrice: d('0.25'), liquidationPrice: d('0.15') });
  const report = evaluateAccount(account([doge], '100'), () => undefined);
  const [p] = report.positions;
  assert.equal(p.ourMissing, 'no-table');
  assert.equal(p.adl, null);
  assert.equal(p.table, null);
  assert.equal(p.pricesDiffer, false, 'missing is not different');
});

test('the venue shows no liquidation price and ours agrees there is none (a 1x long)', () => {
  const eth = position({ coin: 'ETH', side: 'long', size: d(1), entryPrice: d(4000), markPrice: d(4000), leverage: d(1), liquidationPrice: null });
  const report = evaluatePosition(eth, account([eth], '5000'), () => single('ETH', 25));
  assert.equal(report.liquidationPrice, null);
  assert.equal(report.ourLiquidationPrice, null);
  assert.equal(report.ourMissing, 'at-or-below-zero');
  assert.equal(report.pricesDiffer, false);
  assert.equal(report.distanceFromMarkPct, null);
});
