import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessCoin, crowding, DEFAULT_THRESHOLDS, relativeChange, venueSignals, zScore, type VenueSignalInput } from '../../src/core/signals.ts';
import { fundingApr } from '../../src/market/types.ts';

test('funding APR annualises per interval: 0.01% every 8 h is 10.95%, the same rate hourly is 87.6%', () => {
  assert.ok(Math.abs(fundingApr(0.0001, 8)! - 0.1095) < 1e-12);
  assert.ok(Math.abs(fundingApr(0.0001, 1)! - 0.876) < 1e-12);
  assert.equal(fundingApr(null, 8), null);
});

test('z-score needs enough history and floors a flat spread at 1% APR', () => {
  assert.equal(zScore(0.5, { mean: 0.1, std: 0.1, hours: 10 }, 24), null);
  assert.ok(Math.abs(zScore(0.5, { mean: 0.1, std: 0.1, hours: 48 }, 24)! - 4) < 1e-12);
  assert.ok(Math.abs(zScore(0.12, { mean: 0.1, std: 0, hours: 48 }, 24)! - 2) < 1e-12);
});

test('relative change refuses missing or zero bases', () => {
  assert.equal(relativeChange(110, 100)?.toFixed(6), '0.100000');
  assert.equal(relativeChange(110, undefined), null);
  assert.equal(relativeChange(110, 0), null);
});

test('crowded long: high funding, rising OI and rising price; each missing leg cancels it', () => {
  const t = DEFAULT_THRESHOLDS;
  const c = crowding(0.45, 2.4, 0.08, 0.01, t);
  assert.equal(c?.side, 'long');
  assert.ok(Math.abs(c.score - 1.5) < 1e-12, 'min(0.45/0.3, 2.4/1.5, 0.08/0.05) = 1.5');
  assert.equal(crowding(0.45, 2.4, 0.08, -0.01, t), null, 'price falling');
  assert.equal(crowding(0.45, 2.4, 0.02, 0.01, t), null, 'OI not rising enough');
  assert.equal(crowding(0.45, 1.0, 0.08, 0.01, t), null, 'funding not unusual for this coin');
  assert.equal(crowding(0.2, 2.4, 0.08, 0.01, t), null, 'funding too low in absolute terms');
});

test('crowded short mirrors it, and without history the funding level must be twice the floor', () => {
  assert.equal(crowding(-0.5, -2, 0.1, -0.02)?.side, 'short');
  assert.equal(crowding(0.45, null, 0.08, 0.01), null, '45% < 2 × 30%');
  assert.equal(crowding(0.7, null, 0.08, 0.01)?.side, 'long');
});

const input = (venue: string, over: Partial<VenueSignalInput> = {}): VenueSignalInput => ({
  venue,
  symbol: 'BTC',
  mark: 100,
  fundingApr: 0.1,
  openInterest: 1000,
  volume24hUsd: 1e9,
  adlRisk: null,
  past: {},
  ...over,
});

test('a crash needs the drop on two venues; an OI flush alone is enough', () => {
  const dropped = (venue: string) => venueSignals(input(venue, { mark: 94, peakMark: 100 }));
  const calm = (venue: string) => venueSignals(input(venue, { mark: 99, peakMark: 100 }));
  assert.equal(assessCoin('BTC', [dropped('binance'), calm('bybit')]).crash, null);
  const both = assessCoin('BTC', [dropped('binance'), dropped('bybit')]).crash!;
  assert.deepEqual(both.venues, ['binance', 'bybit']);
  assert.ok(Math.abs(both.worstDrop - 0.06) < 1e-12);
  assert.equal(both.severity, 'warning');
  const flush = venueSignals(input('hyperliquid', { openInterest: 850, peakOpenInterest: 1000 }));
  const withFlush = assessCoin('BTC', [calm('binance'), flush]).crash!;
  assert.deepEqual(withFlush.flushVenues, ['hyperliquid']);
  const deep = venueSignals(input('okx', { mark: 88, peakMark: 100 }));
  assert.equal(assessCoin('BTC', [deep, dropped('binance')]).crash!.severity, 'critical', 'twice the threshold');
});

test('crowding needs two venues to agree; illiquid coins are ignored', () => {
  const crowded = (venue: string) =>
    venueSignals(
      input(venue, { fundingApr: 0.5, fundingBaseline: { mean: 0.1, std: 0.1, hours: 100 }, openInterest: 1100, mark: 101, past: { oi4h: 1000, price1h: 100 } }),
    );
  const normal = (venue: string) => venueSignals(input(venue));
  assert.equal(assessCoin('BTC', [crowded('binance'), normal('bybit')]).crowding, null);
  const two = assessCoin('BTC', [crowded('binance'), crowded('bybit'), normal('okx')]).crowding!;
  assert.equal(two.side, 'long');
  assert.ok(Math.abs(two.agreement - 2 / 3) < 1e-12);
  assert.equal(assessCoin('BTC', [crowded('binance')]).crowding?.side, 'long', 'a one-venue group needs one');
  const thin = [crowded('binance'), crowded('bybit')].map((s) => ({ ...s, volume24hUsd: 1e6 }));
  assert.equal(assessCoin('BTC', thin).crowding, null);
});

test('venue ADL flags: high on one venue warns, on two is critical, medium is info', () => {
  const flagged = (venue: string, adlRisk: 'high' | 'medium') => venueSignals(input(venue, { adlRisk }));
  assert.equal(assessCoin('BTC', [flagged('binance', 'high')]).adl?.severity, 'warning');
  assert.equal(assessCoin('BTC', [flagged('binance', 'high'), flagged('bybit', 'high')]).adl?.severity, 'critical');
  assert.equal(assessCoin('BTC', [flagged('bybit', 'medium')]).adl?.severity, 'info');
});
