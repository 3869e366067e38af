import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { TierTableError, tierTableProblems } from '../../src/core/tier-table.ts';
import { tierFor } from '../../src/core/venues.ts';
import { VenueHttp, type HttpClock } from '../../src/market/http.ts';
import { parseBinanceBrackets } from '../../src/market/tiers/binance.ts';
import { bitmexInstrument, BitmexTierFetcher, parseBitmexInstrument } from '../../src/market/tiers/bitmex.ts';
import { BybitTierFetcher, parseBybitRiskLimit } from '../../src/market/tiers/bybit.ts';
import { DydxTierFetcher, parseDydxMarkets } from '../../src/market/tiers/dydx.ts';
import { HyperliquidTierFetcher, parseHyperliquidMeta } from '../../src/market/tiers/hyperliquid.ts';
import { OkxTierFetcher, parseOkxInstrument, parseOkxPositionTiers } from '../../src/market/tiers/okx.ts';
import { UnknownSymbolError } from '../../src/market/tiers/types.ts';
import { distinctTables, startFakeVenueTiers, tierFixture } from '../support/fake-venue-tiers.ts';

const d = (value: Decimal.Value) => new Decimal(value);
const AT = '2026-12-04T12:00:00.000Z';

// ---- the real examples (test/fixtures/tiers, copies of the venues' own docs) ------------------------------

test('Bybit risk-limit doc example: rates read as percents ("0.5" with 100x) become fractions; tier 1 has no deduction', () => {
  const table = parseBybitRiskLimit(tierFixture('bybit_risk_limit_inverse_doc.json'), 'BTCUSD', 'BTCUSDT', AT);
  assert.equal(table.tiers.length, 1);
  const [tier] = table.tiers;
  assert.deepEqual([tier.floor.toString(), tier.cap?.toString(), tier.maxLeverage?.toString(), tier.mmr.toString(), tier.maintenanceAmount.toString()], ['0', '150', '100', '0.005', '0']);
  assert.equal(table.source, 'venue');
  assert.equal(table.fetchedAt, AT);
  assert.throws(() => parseBybitRiskLimit(tierFixture('bybit_risk_limit_inverse_doc.json'), 'ETHUSDT', 'ETHUSDT', AT), UnknownSymbolError);
});

test('OKX position-tiers doc example (MARGIN, the only one OKX shows): minSz/maxSz, mmr, maxLever read as strings', () => {
  const contract = { instrument: 'BTC-USDT', size: d(1), url: 'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments' };
  const table = parseOkxPositionTiers(tierFixture('okx_position_tiers_margin_doc.json'), 'BTC-USDT', contract, 'BTCUSDT', AT);
  const [tier] = table.tiers;
  assert.deepEqual([tier.floor.toString(), tier.cap?.toString(), tier.maxLeverage?.toString(), tier.mmr.toString()], ['0', '50', '10', '0.03']);
  assert.equal(table.basis, 'quantity');
  assert.equal(table.maintenanceModel, 'whole-position');
  // No SWAP instrument example exists (UNVERIFIED): the documented fields, ctVal in coins for linear swaps.
  const swap = { code: '0', msg: '', data: [{ instId: 'BTC-USDT-SWAP', ctType: 'linear', ctVal: '0.01', lotSz: '0.1', settleCcy: 'USDT' }] };
  assert.equal(parseOkxInstrument(swap, 'BTC-USDT-SWAP', 'BTCUSDT', AT).size.toString(), '0.01');
  assert.throws(() => parseOkxInstrument({ ...swap, data: [{ ...swap.data[0], ctType: 'inverse' }] }, 'BTC-USDT-SWAP', 'BTCUSDT', AT), TierTableError);
});

test('Hyperliquid meta doc example: BTC without a margin table is one 50x tier (MMR 1%); table 51 "tiered 10x" gives 10x then 5x with its deduction', () => {
  const btc = parseHyperliquidMeta(tierFixture('hyperliquid_meta_doc.json'), 'BTC', 'BTCUSDT', AT);
  assert.deepEqual(btc.tiers.map((t) => [t.maxLeverage?.toString(), t.mmr.toString(), t.cap]), [['50', '0.01', null]]);
  const meta = tierFixture('hyperliquid_meta_doc.json');
  meta.universe[0].marginTableId = 51;
  const tiered = parseHyperliquidMeta(meta, 'BTC', 'BTCUSDT', AT);
  // mmr 1/(2×10) = 5%, 1/(2×5) = 10%; deduction 3,000,000 × (10% − 5%) = 150,000.
  assert.deepEqual(tiered.tiers.map((t) => [t.floor.toString(), t.mmr.toString(), t.maintenanceAmount.toString()]), [['0', '0.05', '0'], ['3000000', '0.1', '150000']]);
  // The first element of metaAndAssetCtxs is the same meta.
  assert.equal(parseHyperliquidMeta(tierFixture('hyperliquid_metaAndAssetCtxs.json'), 'ETH', 'ETHUSDT', AT).tiers[0].maxLeverage?.toString(), '50');
  assert.throws(() => parseHyperliquidMeta(tierFixture('hyperliquid_meta_doc.json'), 'LOOM', 'LOOMUSDT', AT), UnknownSymbolError, 'delisted');
  // marginTableId < 50 is a single tier at that leverage.
  meta.universe[0].marginTableId = 20;
  assert.equal(parseHyperliquidMeta(meta, 'BTC', 'BTCUSDT', AT).tiers[0].mmr.toString(), '0.025');
});

test('Binance leverageBracket doc example (USER_DATA, for the keyed flow): ETHUSDT bracket 1 at 75x, 0.65%, cum 0', () => {
  for (const file of ['binance_leverageBracket.json', 'binance_leverageBracket_symbol.json']) {
    const table = parseBinanceBrackets(tierFixture(file), 'ETHUSDT', AT);
    assert.deepEqual(table.tiers.map((t) => [t.cap?.toString(), t.maxLeverage?.toString(), t.mmr.toString(), t.maintenanceAmount.toString()]), [['10000', '75', '0.0065', '0']]);
  }
  assert.throws(() => parseBinanceBrackets(tierFixture('binance_leverageBracket.json'), 'BTCUSDT', AT), TierTableError);
});

// BitMEX and dYdX publish no example of these fields (UNVERIFIED): the payloads below use the documented names
// with the figures of their worked examples.
test('BitMEX (A2, https://www.bitmex.com/app/riskLimits): base MM 0.40%, IM 1.00%, limit 200 XBT, step 100 XBT → 300 XBT needs MM 0.80% = 2.4 XBT', () => {
  const payload = [{ symbol: 'XBTUSDT', settlCurrency: 'XBt', isInverse: false, riskLimit: 200e8, riskStep: 100e8, initMargin: 0.01, maintMargin: 0.004, underlyingToPositionMultiplier: 1_000_000, lotSize: 100 }];
  const { table, contract } = parseBitmexInstrument(payload, 'XBTUSDT', 'BTCUSDT', AT);
  const at = (xbt: number) => tierFor(table, d(xbt))!;
  assert.equal(at(300).mmr.toString(), '0.008');
  assert.equal(d(300).times(at(300).mmr).toString(), '2.4');
  assert.equal(d(180).times(at(180).mmr).toString(), '0.72');
  // One step: IM 1.00% + 0.40% = 1.40% → 71.42x.
  assert.equal(at(300).maxLeverage?.toString(), '71.42');
  assert.equal(contract?.size.toString(), '0.000001');
  assert.equal(bitmexInstrument('BTCUSDT'), 'XBTUSDT');
  assert.throws(() => parseBitmexInstrument([{ ...payload[0], maintMargin: 0.02 }], 'XBTUSDT', 'BTCUSDT', AT), TierTableError, 'maintenance above initial');
});

test('dYdX perpetualMarkets (D2: MMF 3%): one tier, maintenance fraction on the whole position, max leverage 1/IMF', () => {
  const table = parseDydxMarkets({ markets: { 'BTC-USD': { ticker: 'BTC-USD', initialMarginFraction: '0.05', maintenanceMarginFraction: '0.03' } } }, 'BTC-USD', 'BTCUSDT', AT);
  assert.deepEqual([table.tiers[0].mmr.toString(), table.tiers[0].maxLeverage?.toString(), table.tiers[0].cap], ['0.03', '20', null]);
  assert.throws(() => parseDydxMarkets({ markets: {} }, 'XYZ-USD', 'XYZUSDT', AT), UnknownSymbolError);
  assert.throws(() => parseDydxMarkets({ markets: { 'BTC-USD': { ticker: 'BTC-USD', initialMarginFraction: 'abc', maintenanceMarginFraction: '0.03' } } }, 'BTC-USD', 'BTCUSDT', AT), TierTableError);
});

// ---- the fetchers against a local fake speaking those formats ----------------------------------------

const clock: HttpClock = { now: () => Date.parse(AT), sleep: async () => {}, random: () => 0.5 };

test('each fetcher reads its venue\'s tiers (and contract size) from a local fake, and a broken cum chain is refused', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const http = (venue: 'bybit' | 'okx' | 'hyperliquid' | 'bitmex' | 'dydx') => new VenueHttp({ venue, baseUrl: fake.urls[venue], timeoutMs: 2000, maxRetries: 0, clock });
    const request = (symbol: string) => ({ symbol, mode: 'isolated' as const, fetchedAt: AT });
    const bybit = await new BybitTierFetcher(http('bybit')).fetch(request('ETHUSDT'));
    assert.deepEqual(bybit.table.tiers.map((t) => t.mmr.toString()), ['0.0061', '0.0081']);
    assert.equal(bybit.table.tiers[1].maintenanceAmount.toString(), '1600'); // 800,000 × (0.81% − 0.61%)
    const okx = await new OkxTierFetcher(http('okx')).fetch(request('DOGEUSDT'));
    assert.equal(okx.contract?.size.toString(), '1000');
    assert.equal(okx.table.tiers[0].cap?.toString(), '50000000', '50,000 contracts × 1,000 DOGE');
    const hyperliquid = await new HyperliquidTierFetcher(http('hyperliquid')).fetch(request('BTCUSDT'));
    assert.deepEqual(hyperliquid.table.tiers.map((t) => t.maxLeverage?.toString()), ['45', '22']);
    const bitmex = await new BitmexTierFetcher(http('bitmex')).fetch(request('BTCUSDT'));
    assert.equal(bitmex.table.tiers[0].mmr.toString(), '0.0045');
    assert.equal(bitmex.table.tiers[0].cap?.toString(), '5000000');
    const dydx = await new DydxTierFetcher(http('dydx')).fetch(request('ETHUSDT'));
    assert.equal(dydx.table.tiers[0].mmr.toString(), '0.0285');
    for (const table of [bybit.table, okx.table, hyperliquid.table, bitmex.table, dydx.table]) assert.deepEqual(tierTableProblems(table), []);
    assert.deepEqual(fake.requests.slice(0, 2), ['bybit /v5/market/risk-limit?category=linear&symbol=ETHUSDT', 'okx /api/v5/public/position-tiers?instType=SWAP&tdMode=isolated&instFamily=DOGE-USDT']);

    fake.mode.bybit = 'broken';
    await assert.rejects(new BybitTierFetcher(http('bybit')).fetch(request('BTCUSDT')), (e: unknown) => e instanceof TierTableError && /breaks the recursion/.test(e.problem));
    await assert.rejects(new DydxTierFetcher(http('dydx')).fetch(request('PEPEUSDT')), UnknownSymbolError);
  } finally {
    await fake.close();
  }
});
