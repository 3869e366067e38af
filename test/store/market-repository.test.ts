import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/database.ts';
import { HOUR_MS, MarketRepository, MINUTE_MS } from '../../src/store/market-repository.ts';
import type { MarketSnapshot } from '../../src/market/types.ts';

const snapshot = (over: Partial<MarketSnapshot> = {}): MarketSnapshot => ({
  venue: 'binance',
  symbol: 'BTC',
  instrument: 'BTCUSDT',
  mark: 100,
  index: 100,
  last: 100,
  fundingRate: 0.0001,
  fundingIntervalHours: 8,
  fundingApr: 0.1095,
  openInterest: 10,
  openInterestUsd: 1000,
  volume24hUsd: 1e9,
  change24hPct: 0.01,
  adlRisk: 'medium',
  time: 0,
  ...over,
});

test('minutes roll up into hourly aggregates (close, mean funding APR, last OI)', () => {
  const repo = new MarketRepository(openDatabase(':memory:'));
  const start = Date.UTC(2025, 9, 10, 20, 0);
  [100, 120, 90, 110].forEach((mark, i) => repo.store([snapshot({ mark, fundingApr: 0.1 * (i + 1), openInterestUsd: 1000 + i })], start + i * MINUTE_MS));
  const [hour] = repo.hourly([1], Math.floor(start / HOUR_MS));
  assert.equal(hour.markClose, 110);
  assert.ok(Math.abs(hour.fundingApr! - 0.25) < 1e-12);
  assert.equal(hour.openInterestUsd, 1003);
  assert.deepEqual(repo.db.prepare('SELECT samples, funding_samples FROM market_hourly').get(), { samples: 4, funding_samples: 4 });
  assert.equal(repo.latestForSymbol('BTC')[0].adlRisk, 'medium');
});

test('funding baselines: mean and spread of hourly APRs', () => {
  const repo = new MarketRepository(openDatabase(':memory:'));
  const start = Date.UTC(2025, 9, 1);
  [0.1, 0.2, 0.3].forEach((apr, h) => repo.store([snapshot({ fundingApr: apr })], start + h * HOUR_MS));
  const baseline = repo.fundingBaselines(Math.floor(start / HOUR_MS), Math.floor(start / HOUR_MS) + 3).get(1)!;
  assert.equal(baseline.hours, 3);
  assert.ok(Math.abs(baseline.mean - 0.2) < 1e-12);
  assert.ok(Math.abs(baseline.std - Math.sqrt(2 / 300)) < 1e-9);
});

test('pruning keeps 48 h of minutes and 90 days of hours', () => {
  const repo = new MarketRepository(openDatabase(':memory:'));
  const now = Date.UTC(2025, 9, 10);
  repo.store([snapshot()], now - 100 * 24 * HOUR_MS);
  repo.store([snapshot()], now - 49 * HOUR_MS);
  repo.store([snapshot()], now - 47 * HOUR_MS);
  const pruned = repo.prune(now);
  assert.deepEqual(pruned, { minutes: 2, hours: 1 });
  assert.equal((repo.db.prepare('SELECT count(*) AS n FROM market_minutes').get() as { n: number }).n, 1);
  assert.equal((repo.db.prepare('SELECT count(*) AS n FROM market_hourly').get() as { n: number }).n, 2);
});
