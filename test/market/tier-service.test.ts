import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { loadConfig } from '../../src/config.ts';
import { createVenueTableService } from '../../src/market/tiers/factory.ts';
import { WeightLedger } from '../../src/market/weight-ledger.ts';
import type { HttpClock } from '../../src/market/http.ts';
import { openDatabase } from '../../src/store/database.ts';
import { VenueTableRepository } from '../../src/store/venue-table-repository.ts';
import { distinctTables, startFakeVenueTiers, type FakeVenueTiers } from '../support/fake-venue-tiers.ts';

const HOUR = 3_600_000;

function setup(fake: FakeVenueTiers, options: { fetch?: boolean; timeoutMs?: number; hyperliquidLedger?: WeightLedger } = {}) {
  let now = Date.parse('2026-12-04T12:00:00Z');
  const clock: HttpClock = { now: () => now, sleep: async () => {}, random: () => 0.5 };
  const config = loadConfig({
    BYBIT_BASE_URL: fake.urls.bybit,
    OKX_BASE_URL: fake.urls.okx,
    HYPERLIQUID_BASE_URL: fake.urls.hyperliquid,
    BITMEX_BASE_URL: fake.urls.bitmex,
    DYDX_BASE_URL: fake.urls.dydx,
    TIER_TABLES_FETCH: options.fetch === false ? 'off' : 'on',
    TIER_TABLES_TIMEOUT_MS: String(options.timeoutMs ?? 2000),
  });
  const db = openDatabase(':memory:');
  const logger = { warn: () => {}, child: () => logger } as never;
  const ledgers = options.hyperliquidLedger ? { hyperliquid: options.hyperliquidLedger } : {};
  const service = createVenueTableService(config, db, logger, clock, { ledgers });
  return { service, db, advance: (ms: number) => (now += ms), now: () => now };
}

test('lookup order: the venue, then the fresh stored copy without asking, a refresh after 24 h, the stored copy (with its age) when the venue is down', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const { service, db, advance } = setup(fake);
    const first = await service.lookup('bybit', 'BTC', { mode: 'isolated' });
    assert.equal(first.table?.source, 'venue');
    assert.equal(first.table?.tiers[0].mmr.toString(), '0.0041');
    assert.equal(first.table?.fetchedAt, '2026-12-04T12:00:00.000Z');
    assert.equal(fake.requests.length, 1);
    assert.ok(new VenueTableRepository(db).get('bybit', 'BTCUSDT'), 'stored with its fetch time');

    advance(5 * HOUR);
    const cached = await service.lookup('bybit', 'BTCUSDT', { mode: 'cross' });
    assert.equal(cached.table?.source, 'venue', 'a fresh copy counts as the venue\'s');
    assert.equal(fake.requests.length, 1, 'no request within 24 h');

    advance(20 * HOUR);
    fake.tables.bybit!.BTC.tiers[0].mmr = '0.0042';
    const refreshed = await service.lookup('bybit', 'BTCUSDT', { mode: 'isolated' });
    assert.equal(refreshed.table?.tiers[0].mmr.toString(), '0.0042');
    assert.equal(fake.requests.length, 2);

    advance(30 * HOUR);
    fake.mode.bybit = 'down';
    const stored = await service.lookup('bybit', 'BTCUSDT', { mode: 'isolated' });
    assert.equal(stored.table?.source, 'stored');
    assert.equal(stored.table?.fetchedAt, '2026-12-05T13:00:00.000Z');
    assert.deepEqual(stored.fallbacks.map((f) => [f.step, f.reason]), [['venue', 'unreachable']]);
  } finally {
    await fake.close();
  }
});

test('a position beyond the fresh table refreshes it; then shipped tables, then nothing (ask), never another symbol', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const { service, advance } = setup(fake);
    await service.lookup('bybit', 'ETHUSDT', { mode: 'isolated' });
    advance(HOUR);
    // 1,000 ETH at 4,000 = 4,000,000 USDT, beyond the fake's 2,000,000 cap.
    await service.lookup('bybit', 'ETHUSDT', { mode: 'isolated', quantity: new Decimal(1000), entryPrice: new Decimal(4000) });
    assert.equal(fake.requests.filter((r) => r.includes('ETHUSDT')).length, 2, 'refetched once');

    fake.mode.hyperliquid = 'down';
    const shipped = await service.lookup('hyperliquid', 'ETH', { mode: 'isolated' });
    assert.equal(shipped.table?.source, 'shipped');
    assert.equal(shipped.table?.symbol, 'ETHUSDT');
    const none = await service.lookup('hyperliquid', 'DOGE', { mode: 'isolated' });
    assert.equal(none.table, null, 'DOGE gets no BTC or ETH table');
    assert.deepEqual(none.fallbacks.map((f) => f.reason), ['unreachable']);

    const binance = await service.lookup('binance', 'ETHUSDT', { mode: 'isolated' });
    assert.equal(binance.table, null);
    assert.deepEqual(binance.fallbacks.map((f) => f.reason), ['not-public']);
    assert.equal(fake.requests.filter((r) => r.startsWith('binance')).length, 0, 'Binance is never asked without a key');
  } finally {
    await fake.close();
  }
});

test('a venue table that fails its checks is not used, and the lookup says why it fell back', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const { service } = setup(fake);
    fake.mode.bybit = 'broken';
    const lookup = await service.lookup('bybit', 'BTCUSDT', { mode: 'isolated' });
    assert.equal(lookup.table?.source, 'shipped');
    assert.equal(lookup.fallbacks[0].reason, 'invalid');
    assert.match(lookup.fallbacks[0].detail ?? '', /tier 2: maintenance amount .* breaks the recursion/);
  } finally {
    await fake.close();
  }
});

test('one try with a short timeout: a venue that hangs costs the timeout once, then the shipped table answers', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const { service } = setup(fake, { timeoutMs: 300 });
    fake.mode.okx = 'hang';
    const lookup = await service.lookup('okx', 'BTCUSDT', { mode: 'isolated' });
    assert.equal(lookup.table, null, 'OKX ships no BTC tiers');
    assert.equal(lookup.contract?.size.toString(), '0.01', 'but its documented BTC-USDT-SWAP contract size');
    assert.deepEqual(lookup.fallbacks.map((f) => f.reason), ['unreachable']);
    assert.equal(fake.requests.filter((r) => r.startsWith('okx /api/v5/public/position-tiers')).length, 1, 'no retry');
  } finally {
    await fake.close();
  }
});

test('fetching off (TIER_TABLES_FETCH=off): stored and shipped tables only, no request', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const { service } = setup(fake, { fetch: false });
    const lookup = await service.lookup('bybit', 'BTCUSDT', { mode: 'isolated' });
    assert.equal(lookup.table?.source, 'shipped');
    assert.deepEqual(lookup.fallbacks.map((f) => f.reason), ['fetching-off']);
    assert.equal(fake.requests.length, 0);
  } finally {
    await fake.close();
  }
});

test("a Hyperliquid table read is charged to the IP's weight budget the market poll and the watch list share (meta: 20)", async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const ledger = new WeightLedger(1200);
    const { service, now } = setup(fake, { hyperliquidLedger: ledger });
    const result = await service.lookup('hyperliquid', 'BTC', { mode: 'isolated' });
    assert.equal(result.table?.source, 'venue');
    assert.equal(ledger.used(now(), 'tier-tables'), 20);
  } finally {
    await fake.close();
  }
});
