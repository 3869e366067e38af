import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { ManualClock } from '../support/market.ts';
import { createVenueClients } from '../../src/market/factory.ts';
import { BybitClient, bybitAdlRisk } from '../../src/market/bybit.ts';
import { VenueHttp, VenueBlockedError } from '../../src/market/http.ts';
import type { MarketSnapshot } from '../../src/market/types.ts';
import type { VenueClient } from '../../src/market/client.ts';

const exchange = new FakeExchange(sampleMarket());
let clock: ManualClock;
let clients: Record<string, VenueClient>;

before(() => exchange.start());
after(() => exchange.stop());
beforeEach(() => {
  exchange.market = sampleMarket();
  exchange.quirks = { malformed: false, extraContracts: true, delisted: false };
  exchange.clearFaults();
  clock = new ManualClock(exchange.market.time);
  const list = createVenueClients({ exchanges: exchange.exchanges, market: { httpTimeoutMs: 300, staleAfterMs: 180_000, binanceOpenInterestTopN: 100 } }, clock);
  clients = Object.fromEntries(list.map((c) => [c.venue, c]));
});

const bySymbol = (snapshots: MarketSnapshot[]) => new Map(snapshots.map((s) => [s.symbol, s]));

test('Binance: premiumIndex + ticker/24hr + per-symbol OI, 4 h interval from fundingInfo, delivery and USDC contracts skipped', async () => {
  const fetched = await clients.binance.fetchSnapshots();
  const btc = bySymbol(fetched.snapshots).get('BTC')!;
  assert.equal(btc.instrument, 'BTCUSDT');
  assert.equal(btc.mark, 121_500);
  assert.equal(btc.fundingRate, 0.0001);
  assert.equal(btc.fundingIntervalHours, 8);
  assert.ok(Math.abs(btc.fundingApr! - 0.0001 * 3 * 365) < 1e-12);
  assert.equal(btc.openInterest, 95_000);
  assert.equal(btc.openInterestUsd, 95_000 * 121_500);
  assert.equal(btc.volume24hUsd, 18e9);
  assert.ok(Math.abs(btc.change24hPct! - 0.012) < 1e-9);
  assert.equal(btc.adlRisk, 'low');
  const sol = bySymbol(fetched.snapshots).get('SOL')!;
  assert.equal(sol.fundingIntervalHours, 4, 'fundingInfo lists SOL at 4 h');
  assert.equal(sol.fundingRate, 0.00005, 'the venue pays half the 8 h rate every 4 h');
  assert.ok(Math.abs(sol.fundingApr! - btc.fundingApr!) < 1e-12, 'same APR whatever the interval');
  assert.equal(fetched.snapshots.length, 4);
  assert.equal(fetched.skipped, 2, 'BTCUSDT_251226 (funding "") and BTCUSDC');
  assert.equal(fetched.dropped, 0);
  // weight: premiumIndex 10 + ticker 40 + fundingInfo 0 + symbolAdlRisk 1 + 4 × openInterest 1
  assert.equal(fetched.weight, 55);
  assert.equal(fetched.requests, 8);
});

test('Binance caches fundingInfo for an hour and symbolAdlRisk for 5 minutes', async () => {
  const fundingInfoCalls = exchange.count('binance', '/fapi/v1/fundingInfo');
  await clients.binance.fetchSnapshots();
  clock.time += 4 * 60_000;
  const second = await clients.binance.fetchSnapshots();
  assert.equal(second.requests, 6, 'premiumIndex, ticker and 4 OI calls only');
  assert.equal(second.weight, 54);
  assert.equal(exchange.count('binance', '/fapi/v1/fundingInfo') - fundingInfoCalls, 1);
  clock.time += 2 * 60_000;
  assert.equal((await clients.binance.fetchSnapshots()).weight, 55, 'ADL risk refreshed after 5 min, fundingInfo still cached');
});

test('Bybit: one tickers call, single-side OI since the 2026 change, adlAlert trigger', async () => {
  exchange.market.coins[0].bybitPnlRatio = -0.56; // the docs example: below insurancePnlRatio -0.3
  const fetched = await clients.bybit.fetchSnapshots();
  const btc = bySymbol(fetched.snapshots).get('BTC')!;
  assert.equal(btc.openInterest, 95_000, 'singleOpenInterest, not the both-sided openInterest');
  assert.equal(btc.fundingIntervalHours, 8);
  assert.equal(btc.volume24hUsd, 18e9);
  assert.equal(btc.adlRisk, 'high');
  assert.equal(bySymbol(fetched.snapshots).get('ETH')!.adlRisk, 'low');
  assert.equal(fetched.skipped, 2, 'the dated future (funding "") and the USDC perp');
  assert.equal(fetched.requests, 2);
});

test('Bybit ADL flag follows the documented trigger and stop conditions', () => {
  const base = { symbol: 'BTCUSDT', balance: 92203504694.99632, insurancePnlRatio: -0.3, adlTriggerThreshold: 10000, adlStopRatio: -0.25 };
  assert.equal(bybitAdlRisk({ ...base, pnlRatio: -0.560973 }), 'high');
  assert.equal(bybitAdlRisk({ ...base, pnlRatio: -0.27 }), 'medium');
  assert.equal(bybitAdlRisk({ ...base, pnlRatio: -0.1 }), 'low');
  assert.equal(bybitAdlRisk({ ...base, balance: 0, pnlRatio: 0 }), 'high', 'an empty pool always triggers');
});

test('OKX: four bulk calls, interval from nextFundingTime − fundingTime, coin-margined swaps skipped', async () => {
  const fetched = await clients.okx.fetchSnapshots();
  const eth = bySymbol(fetched.snapshots).get('ETH')!;
  assert.equal(eth.instrument, 'ETH-USDT-SWAP');
  assert.equal(eth.fundingIntervalHours, 8);
  assert.equal(eth.openInterest, 2_200_000);
  assert.ok(Math.abs(eth.change24hPct! - 0.02) < 1e-9);
  assert.equal(fetched.skipped, 1, 'BTC-USD-SWAP');
  assert.equal(fetched.requests, 4);
});

test('OKX: a non-"0" code fails the venue with its message', async () => {
  exchange.fail('okx', '/api/v5/public/mark-price', { body: JSON.stringify({ code: '50011', msg: 'Too Many Requests', data: [] }) });
  await assert.rejects(clients.okx.fetchSnapshots(), /code 50011: Too Many Requests/);
});

test('Hyperliquid: universe and contexts aligned by index, hourly funding, delisted assets skipped', async () => {
  const fetched = await clients.hyperliquid.fetchSnapshots();
  const hype = bySymbol(fetched.snapshots).get('HYPE')!;
  assert.equal(hype.fundingIntervalHours, 1);
  assert.equal(hype.fundingRate, 0.0001 / 8);
  assert.ok(Math.abs(hype.fundingApr! - 0.0001 * 3 * 365) < 1e-12);
  assert.equal(hype.openInterest, 30_000_000);
  assert.equal(fetched.skipped, 1, 'OLDCOIN is delisted');
  assert.equal(fetched.weight, 20);
});

test('malformed items are dropped and counted on every venue; the rest of the venue still parses', async () => {
  exchange.quirks.malformed = true;
  for (const venue of ['binance', 'bybit', 'okx', 'hyperliquid']) {
    const fetched = await clients[venue].fetchSnapshots();
    assert.ok(fetched.dropped >= 1, `${venue} counts the broken item`);
    assert.ok(!fetched.snapshots.some((s) => s.symbol === 'BROKEN'), venue);
    assert.equal(fetched.snapshots.filter((s) => s.symbol === 'BTC').length, 1, venue);
  }
  const hl = bySymbol((await clients.hyperliquid.fetchSnapshots()).snapshots);
  assert.equal(hl.get('ETH')!.openInterest, 2_200_000, 'the item after the broken one keeps its own context');
});

test('a 500 and a truncated body are retried with jittered backoff', async () => {
  exchange.fail('hyperliquid', '/info', { status: 500, body: 'oops' });
  exchange.fail('hyperliquid', '/info', { truncated: true });
  const fetched = await clients.hyperliquid.fetchSnapshots();
  assert.equal(fetched.snapshots.length, 4);
  assert.equal(fetched.requests, 3);
  assert.deepEqual(clock.sleeps, [500, 1000], 'backoff 500 ms × 2^attempt × jitter (0.5 + 0.5)');
});

test('a timeout is retried; three in a row fail the venue', async () => {
  exchange.fail('bybit', '/v5/market/tickers', { delayMs: 600 });
  const ok = await clients.bybit.fetchSnapshots();
  assert.equal(ok.snapshots.length, 4);
  exchange.fail('bybit', '/v5/market/tickers', { delayMs: 600 }, 3);
  await assert.rejects(clients.bybit.fetchSnapshots(), /timeout after 3 attempts/);
});

test('Binance 429 with a short Retry-After waits and retries; a long one backs off the venue', async () => {
  exchange.fail('binance', '/fapi/v1/premiumIndex', { status: 429, retryAfterSeconds: 2 });
  await clients.binance.fetchSnapshots();
  assert.ok(clock.sleeps.includes(2_000), 'waited what Retry-After said');

  exchange.fail('binance', '/fapi/v1/premiumIndex', { status: 429, retryAfterSeconds: 60 });
  const error = await clients.binance.fetchSnapshots().catch((e: unknown) => e);
  assert.ok(error instanceof VenueBlockedError);
  assert.equal(error.until, clock.now() + 60_000);
  const before = exchange.count('binance');
  await assert.rejects(clients.binance.fetchSnapshots(), /blocked/);
  assert.equal(exchange.count('binance'), before, 'no request is sent while backing off');
});

test('Binance 418 stops every request until the ban ends', async () => {
  exchange.fail('binance', '/fapi/v1/premiumIndex', { status: 418, retryAfterSeconds: 300 });
  await assert.rejects(clients.binance.fetchSnapshots(), VenueBlockedError);
  const before = exchange.count('binance');
  clock.time += 299_000;
  await assert.rejects(clients.binance.fetchSnapshots(), /blocked for 1 s more/);
  assert.equal(exchange.count('binance'), before);
  clock.time += 1_000;
  const fetched = await clients.binance.fetchSnapshots();
  assert.equal(fetched.snapshots.length, 4);
});

test('Bybit 403 "access too frequent" blocks for ten minutes', async () => {
  const http = new VenueHttp({ venue: 'bybit', baseUrl: exchange.baseUrl('bybit'), clock });
  exchange.fail('bybit', '/v5/market/tickers', { status: 403, body: 'access too frequent' });
  const error = await new BybitClient(http).fetchSnapshots().catch((e: unknown) => e);
  assert.ok(error instanceof VenueBlockedError);
  assert.equal(error.until - clock.now(), 600_000);
});

test('a delisted contract the venue still serves: kept apart, its failing openInterest call costs only its own OI', async () => {
  exchange.quirks.delisted = true;
  const binance = await clients.binance.fetchSnapshots();
  const old = bySymbol(binance.snapshots).get('OLD')!;
  assert.equal(old.time, exchange.market.time - 3 * 24 * 3_600_000, 'the venue\'s own days-old timestamp is kept: the service leaves it out');
  assert.equal(old.openInterest, null, 'openInterest answered 400 -1121 Invalid symbol');
  assert.equal(binance.dropped, 1);
  assert.equal(bySymbol(binance.snapshots).get('BTC')!.openInterest, 95_000, 'the other symbols keep their OI');
  const okx = await clients.okx.fetchSnapshots();
  assert.ok(!bySymbol(okx.snapshots).has('OLD'), 'OKX: a mark price without a funding rate is skipped');
  assert.equal(okx.skipped, 2);
});

/** A clock that never moves: what a request waits for shows up in `sleeps`. */
class StillClock {
  readonly sleeps: number[] = [];
  constructor(readonly time: number) {}
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
  };
  random = (): number => 0.5;
}

test('after a short 429 every request of the venue waits out the Retry-After, not just the one that got it', async () => {
  const still = new StillClock(exchange.market.time);
  const http = new VenueHttp({ venue: 'binance', baseUrl: exchange.baseUrl('binance'), clock: still });
  exchange.fail('binance', '/fapi/v1/premiumIndex', { status: 429, retryAfterSeconds: 2 });
  await http.get('/fapi/v1/premiumIndex', {}, 10);
  assert.deepEqual(still.sleeps, [2_000], 'the 429 is retried once, after Retry-After');
  const before = exchange.count('binance', '/fapi/v1/openInterest');
  await http.get('/fapi/v1/openInterest', { symbol: 'BTCUSDT' });
  assert.deepEqual(still.sleeps, [2_000, 2_000], 'another request in the cool-down waits for it before it is sent');
  assert.equal(exchange.count('binance', '/fapi/v1/openInterest') - before, 1);
  assert.equal(http.weight, 10 + 10 + 1, 'the refused attempt is counted too');
});
