import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STREAM_THRESHOLDS, streamCrash, type CoinPulse } from '../../src/core/stream-signals.ts';

/** The first minute of a cascade as the streams see it: BTC 0.6% off its 5-minute high on two venues, $4M of longs liquidated on three. */
const cascadeStart: CoinPulse = {
  symbol: 'BTC',
  prices: [
    { venue: 'binance', price: 121_765, high: 122_500 },
    { venue: 'hyperliquid', price: 121_770, high: 122_510 },
  ],
  longUsdByVenue: new Map([
    ['binance', 1_200_000],
    ['bybit', 1_800_000],
    ['okx', 1_000_000],
  ]),
  liquidationVenues: 3,
  baselinePerMinute: 40_000,
};

test('a fall on two venues with a burst of long liquidations on several: a crash, warning while it is starting', () => {
  const crash = streamCrash(cascadeStart);
  assert.ok(crash);
  assert.equal(crash.severity, 'warning');
  assert.deepEqual(crash.fallingVenues, ['binance', 'hyperliquid']);
  assert.deepEqual(crash.liquidatingVenues, ['binance', 'bybit', 'okx']);
  assert.equal(crash.burstUsd, 4_000_000);
  assert.equal(crash.burstThreshold, 2_000_000, 'the floor, above ten usual minutes ($400k)');
});

test('either alone is an ordinary day: a dip without liquidations, or liquidations without a fall', () => {
  assert.equal(streamCrash({ ...cascadeStart, longUsdByVenue: new Map([['binance', 300_000]]) }), null);
  assert.equal(streamCrash({ ...cascadeStart, prices: cascadeStart.prices.map((p) => ({ ...p, price: p.high * 0.998 })) }), null);
});

test('one venue falling alone (a bad print) or one whale liquidated on one venue is not a crash', () => {
  const oneFalls = [cascadeStart.prices[0], { venue: 'hyperliquid', price: 122_400, high: 122_510 }];
  assert.equal(streamCrash({ ...cascadeStart, prices: oneFalls }), null);
  assert.equal(streamCrash({ ...cascadeStart, longUsdByVenue: new Map([['bybit', 5_000_000], ['okx', 20_000]]) }), null);
  // With only one liquidation stream up, that one may confirm on its own.
  assert.ok(streamCrash({ ...cascadeStart, longUsdByVenue: new Map([['bybit', 5_000_000]]), liquidationVenues: 1 }));
});

test('a coin that liquidates a lot every minute needs ten of its usual minutes', () => {
  assert.equal(streamCrash({ ...cascadeStart, baselinePerMinute: 500_000 }), null, '$4M < 10 × $500k');
  assert.ok(streamCrash({ ...cascadeStart, baselinePerMinute: 390_000 }));
});

test('critical: four times the fall, or ten times the burst', () => {
  const deep = cascadeStart.prices.map((p) => ({ ...p, price: p.high * (1 - 4 * DEFAULT_STREAM_THRESHOLDS.dropPct) }));
  assert.equal(streamCrash({ ...cascadeStart, prices: deep })?.severity, 'critical');
  const huge = new Map([...cascadeStart.longUsdByVenue].map(([venue, usd]) => [venue, usd * 5]));
  assert.equal(streamCrash({ ...cascadeStart, longUsdByVenue: huge })?.severity, 'critical');
});

test('no price stream for the coin: no judgement', () => {
  assert.equal(streamCrash({ ...cascadeStart, prices: [] }), null);
});
