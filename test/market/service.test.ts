import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { ManualClock, makeMarketService } from '../support/market.ts';
import { DEFAULT_THRESHOLDS } from '../../src/core/signals.ts';
import type { MarketService } from '../../src/market/service.ts';

const exchange = new FakeExchange(sampleMarket());
let clock: ManualClock;
let market: MarketService;

before(() => exchange.start());
after(() => exchange.stop());
beforeEach(() => {
  exchange.market = sampleMarket();
  exchange.quirks = { malformed: false, extraContracts: true, delisted: false };
  exchange.clearFaults();
  clock = new ManualClock(exchange.market.time);
  market = makeMarketService(exchange.exchanges, clock);
});

/** Moves our clock and the venues' timestamps together. */
const advance = (ms: number) => {
  clock.time += ms;
  exchange.market.time = clock.time;
};

test('one poll stores every venue and /market rows come back per venue, fresh', async () => {
  const poll = await market.poll();
  assert.deepEqual(poll.venues.map((v) => [v.venue, v.ok, v.snapshots]), [
    ['binance', true, 4],
    ['bybit', true, 4],
    ['okx', true, 3],
    ['hyperliquid', true, 4],
  ]);
  const rows = market.rowsFor('btc');
  assert.deepEqual(rows.map((r) => r.venue), ['binance', 'bybit', 'hyperliquid', 'okx']);
  assert.ok(rows.every((r) => !r.stale));
});

test('a venue failing three cycles in a row is paused, skipped, reported stale, and left out of the signals', async () => {
  await market.poll();
  for (let cycle = 1; cycle <= 3; cycle++) {
    advance(60_000);
    exchange.fail('okx', '', { status: 500 }, 3 * 4);
    const poll = await market.poll();
    const okx = poll.venues.find((v) => v.venue === 'okx')!;
    assert.equal(okx.ok, false);
    assert.equal(okx.pausedUntil !== undefined, cycle === 3, `paused only after the third failure (cycle ${cycle})`);
  }
  exchange.clearFaults();
  advance(60_000);
  const before = exchange.count('okx');
  const poll = await market.poll();
  assert.equal(exchange.count('okx'), before, 'a paused venue is not polled');
  assert.match(poll.venues.find((v) => v.venue === 'okx')!.error!, /^paused/);
  assert.ok(!market.signals(poll, DEFAULT_THRESHOLDS).some((s) => s.venue === 'okx'), 'stale data never feeds a signal');
  const okxRow = market.rowsFor('BTC').find((r) => r.venue === 'okx')!;
  assert.equal(okxRow.stale, true);
  assert.equal(market.rowsFor('BTC').find((r) => r.venue === 'binance')!.stale, false);

  advance(5 * 60_000);
  const resumed = await market.poll();
  assert.equal(resumed.venues.find((v) => v.venue === 'okx')!.ok, true, 'polled again once the pause is over');
  assert.equal(market.rowsFor('BTC').find((r) => r.venue === 'okx')!.stale, false);
});

test('a Binance ban pauses the venue until the ban ends, even before three failures', async () => {
  exchange.fail('binance', '/fapi/v1/premiumIndex', { status: 418, retryAfterSeconds: 900 });
  const poll = await market.poll();
  const binance = poll.venues.find((v) => v.venue === 'binance')!;
  assert.equal(binance.pausedUntil, clock.now() + 900_000);
});

test('concurrent polls share one request set', async () => {
  const before = exchange.count('hyperliquid');
  await Promise.all([market.poll(), market.poll(), market.ensureFresh()]);
  assert.equal(exchange.count('hyperliquid') - before, 1);
});

test('look-backs: price and OI changes come from the stored minutes', async () => {
  await market.poll();
  advance(60 * 60_000);
  exchange.market.coins[0].price *= 1.02;
  exchange.market.coins[0].openInterest *= 1.1;
  const poll = await market.poll();
  const btc = market.signals(poll, DEFAULT_THRESHOLDS).find((s) => s.venue === 'bybit' && s.symbol === 'BTC')!;
  assert.ok(Math.abs(btc.priceChange1h! - 0.02) < 1e-9);
  assert.ok(Math.abs(btc.oiChange1h! - 0.1) < 1e-9);
  assert.equal(btc.oiChange4h, null, 'no row 4 h ago');
});

test('a contract whose own venue timestamp is old (delisted, halted) is neither stored nor fed to a signal', async () => {
  exchange.quirks.delisted = true;
  const poll = await market.poll();
  const binance = poll.venues.find((v) => v.venue === 'binance')!;
  assert.deepEqual([binance.ok, binance.snapshots, binance.staleItems], [true, 4, 1]);
  assert.ok(!poll.fresh.some(({ snapshot }) => snapshot.symbol === 'OLD'));
  assert.ok(!market.signals(poll, DEFAULT_THRESHOLDS).some((s) => s.symbol === 'OLD'));
  assert.deepEqual(market.rowsFor('OLD'), [], '/market does not show it as if it were live');
});
