import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { until } from '../support/process.ts';
import { FakeVenues } from '../e2e/fake-venues.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { StreamRepository } from '../../src/store/stream-repository.ts';
import { createStreamManager } from '../../src/streams/factory.ts';
import { StreamConnection, type ConnectionTiming } from '../../src/streams/connection.ts';
import type { StreamManager } from '../../src/streams/manager.ts';
import type { StreamEvent } from '../../src/streams/types.ts';
import { binanceStream } from '../../src/streams/binance.ts';

/**
 * The connection manager against local fakes of the four venues, fault by fault: dropped
 * connections, silent ones (no pong, no data), a dead route, malformed frames, the venue's own
 * 24 h cut, the scheduled rotation before it, a flood, and a restart. Timings are shrunk (a
 * keepalive every 100 ms) so each fault plays out in well under a second.
 */
const logger = pino({ level: 'silent' });
const venues = new FakeVenues();
const dir = mkdtempSync(join(tmpdir(), 'adl-streams-'));
const FAST: Partial<ConnectionTiming> = { keepaliveMs: 100, graceMs: 400, initialBackoffMs: 20, maxBackoffMs: 200, connectTimeoutMs: 3_000 };

before(() => venues.start());
after(async () => {
  await venues.stop();
  rmSync(dir, { recursive: true, force: true });
});

function streams(db: Db, timing: Partial<ConnectionTiming> = FAST): { manager: StreamManager; events: StreamEvent[] } {
  const config = loadConfig({ ...venues.env(), STREAMS_SYMBOLS: 'BTC,ETH' });
  const manager = createStreamManager(config, db, logger, { timing });
  const events: StreamEvent[] = [];
  manager.onEvents((batch) => events.push(...batch));
  return { manager, events };
}

const connected = (manager: StreamManager) => manager.health().every((h) => h.connected);

test('four streams up, each subscribed the way its venue documents; liquidations and prices flow in', async () => {
  const db = openDatabase(':memory:');
  const { manager, events } = streams(db);
  venues.binance.pingEveryMs = 50;
  venues.binance.pongTimeoutMs = 300;
  const before = venues.all.map((v) => v.connections);
  manager.start();
  try {
    await until('four connected streams', () => connected(manager));
    const binance = venues.binance.live.at(-1)!;
    assert.equal(binance.path, '/market/stream?streams=!forceOrder@arr/btcusdt@markPrice@1s/ethusdt@markPrice@1s', 'the 2026 /market route');
    assert.deepEqual([...venues.bybit.live.at(-1)!.topics].sort(), ['adlAlert.USDT', 'allLiquidation.BTCUSDT', 'allLiquidation.ETHUSDT']);
    assert.deepEqual([...venues.okx.live.at(-1)!.topics], ['liquidation-orders:SWAP']);
    assert.deepEqual([...venues.hyperliquid.live.at(-1)!.topics], ['allMids']);
    assert.ok(venues.okx.instrumentRequests >= 1, 'OKX contract values fetched before its stream');

    const t = Date.now();
    venues.binance.liquidation({ symbol: 'BTCUSDT', side: 'SELL', qty: 0.5, price: 100_000, time: t });
    venues.bybit.liquidations('BTCUSDT', [{ side: 'Sell', size: 1, price: 101_000, time: t }]);
    venues.okx.liquidations('BTC-USDT-SWAP', [{ posSide: 'long', contracts: 300, price: 99_000, time: t }]);
    venues.hyperliquid.mids({ BTC: 100_500 });
    venues.binance.markPriceUpdate('BTCUSDT', 100_400, t);
    await until('five events', () => events.length >= 5);
    const totals = manager.ledger.totals(t - 60_000, t + 60_000, 'BTC').byVenue;
    assert.deepEqual(totals.get('binance')?.long, { count: 1, usd: 50_000 });
    assert.deepEqual(totals.get('bybit')?.short, { count: 1, usd: 101_000 });
    assert.deepEqual(totals.get('okx')?.long, { count: 1, usd: 300 * 0.01 * 99_000 });
    assert.deepEqual(manager.pulse.view('BTC', Date.now()).prices.map((p) => p.venue).sort(), ['binance', 'hyperliquid']);

    // Binance pings every 50 ms and closes after 300 ms without a pong: the client answers, so it stays.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(venues.all.map((v) => v.connections - before[venues.all.indexOf(v)]), [1, 1, 1, 1], 'no reconnect while all is well');
    assert.ok(venues.bybit.received.some((m) => m === '{"op":"ping"}') && venues.okx.received.includes('ping') && venues.hyperliquid.received.includes('{"method":"ping"}'), 'each keepalive as documented');
  } finally {
    venues.binance.pingEveryMs = undefined;
    await manager.stop();
    db.close();
  }
});

test('a dropped connection: reconnect with backoff, subscribe again, and a gap from the last frame to the new connection', async () => {
  const db = openDatabase(':memory:');
  const { manager, events } = streams(db);
  manager.start();
  try {
    await until('connected', () => connected(manager));
    venues.binance.markPriceUpdate('BTCUSDT', 100_000, Date.now());
    await until('a frame', () => events.length > 0);
    const opened = venues.binance.connections;
    venues.binance.drop();
    await until('a new subscribed connection', () => venues.binance.connections > opened && manager.health()[0].connected);
    const health = manager.health().find((h) => h.venue === 'binance')!;
    assert.equal(health.reconnects, 1);
    assert.equal(health.lastError, 'connection lost');
    const gaps = new StreamRepository(db).gaps(0, Date.now() + 1);
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].venue, 'binance');
    assert.ok(gaps[0].to !== null && gaps[0].to >= gaps[0].from, 'closed when the stream came back');
    venues.binance.liquidation({ symbol: 'ETHUSDT', side: 'BUY', qty: 2, price: 4_000, time: Date.now() });
    await until('the liquidation after the reconnect', () => events.some((e) => e.kind === 'liquidation' && e.symbol === 'ETH'));
  } finally {
    await manager.stop();
    db.close();
  }
});

test('a silent connection (open, but no data and no pong): replaced after the keepalive and its grace', async () => {
  const db = openDatabase(':memory:');
  const { manager } = streams(db);
  manager.start();
  try {
    await until('connected', () => connected(manager));
    const opened = venues.bybit.connections;
    venues.bybit.silence();
    await until('a replacement connection', () => venues.bybit.connections > opened && manager.health()[1].connected);
    assert.match(manager.health()[1].lastError ?? '', /^silent for \d/);
    assert.equal(new StreamRepository(db).gaps(0, Date.now() + 1).filter((g) => g.venue === 'bybit').length, 1);
  } finally {
    await manager.stop();
    db.close();
  }
});

test('a dead route (Binance legacy path: answers pings, never any data) is detected and replaced', async () => {
  const spec = { ...binanceStream(venues.binance.host, ['BTC']), url: `${venues.binance.host}/ws/!forceOrder@arr` };
  const connection = new StreamConnection(spec, { onEvents: () => undefined }, { logger, timing: { ...FAST, dataSilenceMs: 300 } });
  const opened = venues.binance.connections;
  connection.start();
  try {
    await until('two connection attempts', () => venues.binance.connections >= opened + 2);
    assert.match(connection.health().lastError ?? '', /^no data for/);
  } finally {
    await connection.stop();
  }
});

test('malformed frames are counted and skipped; the connection and the good data carry on', async () => {
  const db = openDatabase(':memory:');
  const { manager, events } = streams(db);
  manager.start();
  try {
    await until('connected', () => connected(manager));
    const opened = venues.okx.connections;
    venues.okx.malformed('{oops', '{"arg":{"channel":"liquidation-orders"},"data":[{"instId":"BTC-USDT-SWAP","details":[{"side":"up"}]}]}', '\u0000\u0001');
    venues.okx.liquidations('ETH-USDT-SWAP', [{ posSide: 'short', contracts: 10, price: 4_000, time: Date.now() }]);
    await until('the good liquidation', () => events.some((e) => e.venue === 'okx'));
    const health = manager.health().find((h) => h.venue === 'okx')!;
    assert.equal(health.malformed, 3);
    assert.equal(venues.okx.connections, opened, 'not reconnected for bad frames');
    assert.deepEqual(manager.ledger.totals(0, Date.now() + 60_000, 'ETH').byVenue.get('okx')?.short, { count: 1, usd: 10 * 0.1 * 4_000 });
  } finally {
    await manager.stop();
    db.close();
  }
});

test("the venue's own cut (Binance closes after 24 h; here 300 ms): reconnected each time, each cut a short gap", async () => {
  const db = openDatabase(':memory:');
  const { manager } = streams(db);
  venues.hyperliquid.lifetimeMs = 300;
  const opened = venues.hyperliquid.connections;
  manager.start();
  try {
    await until('three connections', () => venues.hyperliquid.connections >= opened + 3);
    await until('connected again', () => manager.health()[3].connected);
    const gaps = new StreamRepository(db).gaps(0, Date.now() + 1).filter((g) => g.venue === 'hyperliquid');
    assert.ok(gaps.length >= 2);
    assert.match(gaps[0].reason, /closed by the venue \(1001 connection lifetime reached\)/);
  } finally {
    venues.hyperliquid.lifetimeMs = undefined;
    await manager.stop();
    db.close();
  }
});

test('the scheduled rotation before that cut: a new connection takes over first, so no gap and nothing counted twice', async () => {
  const db = openDatabase(':memory:');
  const { manager } = streams(db, { ...FAST, rotateAfterMs: 250 });
  manager.start();
  try {
    await until('connected', () => connected(manager));
    const sentBefore = venues.bybit.itemsSent;
    const start = Date.now();
    let pushed = 0;
    while (Date.now() - start < 1_200) {
      venues.bybit.liquidations('BTCUSDT', [{ side: 'Buy', size: 1, price: 100_000 + pushed, time: start + pushed }]);
      pushed++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until('every push counted', () => (manager.ledger.totals(start - 60_000, Date.now() + 60_000, 'BTC').byVenue.get('bybit')?.long.count ?? 0) >= venues.bybit.itemsSent - sentBefore);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bybit = manager.health()[1];
    assert.ok(bybit.rotations >= 2, `rotated ${bybit.rotations} times`);
    assert.equal(manager.ledger.totals(start - 60_000, Date.now() + 60_000, 'BTC').byVenue.get('bybit')?.long.count, venues.bybit.itemsSent - sentBefore, 'each liquidation once');
    assert.deepEqual(new StreamRepository(db).gaps(0, Date.now() + 1), [], 'no gap');
  } finally {
    await manager.stop();
    db.close();
  }
});

test('a flood: 10,000 liquidations at once are all counted, and the connection stays up', async () => {
  const db = openDatabase(':memory:');
  const { manager, events } = streams(db);
  manager.start();
  try {
    await until('connected', () => connected(manager));
    const opened = venues.binance.connections;
    const t = Date.now();
    for (let i = 0; i < 10_000; i++) venues.binance.liquidation({ symbol: i % 2 ? 'BTCUSDT' : 'SOLUSDT', side: 'SELL', qty: 1, price: 100, time: t });
    await until('10,000 events', () => events.filter((e) => e.kind === 'liquidation').length >= 10_000, { timeoutMs: 20_000 });
    const totals = manager.ledger.totals(t - 60_000, t + 60_000).byVenue.get('binance')!;
    assert.deepEqual(totals.long, { count: 10_000, usd: 1_000_000 });
    assert.equal(venues.binance.connections, opened);
    assert.ok(manager.health()[0].connected);
  } finally {
    await manager.stop();
    db.close();
  }
});

test('a restart: the time the bot was down is a gap from the last stored frame to the first new connection', async () => {
  const path = join(dir, 'restart.db');
  let db = openDatabase(path);
  const first = streams(db);
  first.manager.start();
  await until('connected', () => connected(first.manager));
  venues.okx.liquidations('BTC-USDT-SWAP', [{ posSide: 'long', contracts: 1, price: 100_000, time: Date.now() }]);
  await until('a frame', () => first.events.length > 0);
  await first.manager.stop();
  db.close();
  await new Promise((resolve) => setTimeout(resolve, 50));

  db = openDatabase(path);
  const second = streams(db);
  second.manager.start();
  try {
    await until('connected again', () => connected(second.manager));
    const gaps = new StreamRepository(db).gaps(0, Date.now() + 1).filter((g) => g.reason === 'restart');
    assert.ok(gaps.some((g) => g.venue === 'okx' && g.to !== null && g.to > g.from), JSON.stringify(gaps));
    assert.equal(new StreamRepository(db).totals(0, Number.MAX_SAFE_INTEGER, 'BTC').get('okx')?.long.count, 1, 'the stored minutes survive');
  } finally {
    await second.manager.stop();
    db.close();
  }
});
