import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { FakeVenues } from '../e2e/fake-venues.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';
import { runProcess } from '../support/process.ts';
import { LIQUIDATIONS, liquidationsCommand } from '../../commands/liquidations.ts';
import { UserError } from '../../src/chat/errors.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/store/database.ts';
import { StreamRepository } from '../../src/store/stream-repository.ts';
import { createLiquidationFeed } from '../../src/alerts/live-factory.ts';
import { CrashMonitor } from '../../src/alerts/stream-crash.ts';
import { DigestRepository } from '../../src/store/digest-repository.ts';
import { createStreamManager } from '../../src/streams/factory.ts';

/**
 * `/liquidations` on stored aggregates (what the bot recorded), and `--seconds N` listening live
 * from the CLI against the local venue fakes, with the exact JSON contract.
 */
const NOW = Date.UTC(2025, 10, 10, 21, 15, 30);
const MIN = 60_000;
const venues = new FakeVenues();
before(() => venues.start());
after(() => venues.stop());

function storedFeed() {
  const db = openDatabase(':memory:');
  const repo = new StreamRepository(db);
  const minute = Math.floor(NOW / MIN);
  repo.add([
    { minute, venue: 'binance', symbol: 'BTC', side: 'long', count: 12, usd: 3_400_000, largestUsd: 1_250_000, largestPrice: 104_900 },
    { minute: minute - 2, venue: 'bybit', symbol: 'BTC', side: 'long', count: 40, usd: 9_800_000, largestUsd: 2_100_000, largestPrice: 105_400 },
    { minute: minute - 2, venue: 'bybit', symbol: 'BTC', side: 'short', count: 3, usd: 150_000, largestUsd: 90_000, largestPrice: 105_500 },
    { minute: minute - 30, venue: 'okx', symbol: 'ETH', side: 'long', count: 5, usd: 700_000, largestUsd: 400_000, largestPrice: 3_600 },
    { minute: minute - 200, venue: 'okx', symbol: 'BTC', side: 'long', count: 1, usd: 50_000, largestUsd: 50_000, largestPrice: 121_000 },
  ]);
  for (const venue of ['binance', 'bybit', 'okx', 'hyperliquid'] as const) {
    repo.saveStatus({ venue, coverageSince: NOW - 3 * 3_600_000, connected: venue !== 'okx', lastMessageAt: NOW - 2_000, reconnects: venue === 'okx' ? 3 : 0, lastError: null, updatedAt: NOW - 5_000 });
  }
  repo.closeGap('okx', NOW - 10 * MIN, NOW - 9 * MIN, 'connection lost');
  const config = loadConfig({ ...venues.env(), STREAMS_SYMBOLS: 'BTC,ETH' });
  const logger = pino({ level: 'silent' });
  const streams = createStreamManager(config, db, logger, { now: () => NOW });
  const monitor = new CrashMonitor({ streams, repo: new DigestRepository(db), thresholds: config.streamCrash, logger, now: () => NOW });
  const feed = createLiquidationFeed({ config, db, streams, monitor, logger });
  return { db, feed, services: makeTestServices().with(LIQUIDATIONS, feed) };
}

test('/liquidations BTC 1h: per venue from the stored minutes; Hyperliquid says it has no stream; caveats; a chart; the JSON contract', async () => {
  const { services } = storedFeed();
  const reply = await liquidationsCommand.run({ symbol: 'btc', window: '1h' }, makeTestContext({ services, platform: 'telegram', now: new Date(NOW) }));
  assert.equal(reply.title, 'BTC liquidations, last hour');
  const table = reply.blocks.find((b) => b.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.deepEqual(table.rows, [
    ['Binance', 'live', '$3.4M (12)', '$0 (0)', 'BTC $1.25M'],
    ['Bybit', 'live', '$9.8M (40)', '$150K (3)', 'BTC $2.1M'],
    ['OKX', 'down', '$0 (0)', '$0 (0)', '–'],
    ['Hyperliquid', 'live', 'no public liquidation stream', '–', '–'],
  ]);
  const text = JSON.stringify(reply.blocks);
  assert.match(text, /Total: longs \$13\.2M, shorts \$150K \(98\.9% of it longs\)/);
  assert.match(text, /Bybit BTC long \$2,100,000 at \$105,400\.00, 21:13 UTC/);
  assert.match(text, /lower bound/);
  assert.match(text, /OKX: the stream was down or not yet running during part of this span/);
  assert.ok(reply.image && reply.image.png.subarray(1, 4).toString() === 'PNG');
  assert.deepEqual(reply.data, {
    venues: [
      { venue: 'binance', connected: true, liquidations: true, long: { count: 12, usd: 3_400_000 }, short: { count: 0, usd: 0 }, largest: { symbol: 'BTC', side: 'long', usd: 1_250_000 } },
      { venue: 'bybit', connected: true, liquidations: true, long: { count: 40, usd: 9_800_000 }, short: { count: 3, usd: 150_000 }, largest: { symbol: 'BTC', side: 'long', usd: 2_100_000 } },
      { venue: 'okx', connected: false, liquidations: true, long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 }, largest: null },
      { venue: 'hyperliquid', connected: true, liquidations: false, long: null, short: null, largest: null },
    ],
    crash: false,
  });
});

test('in Vietnamese, every coin over 24 hours: Vietnamese numbers and words; Bybit counts the watched coins only', async () => {
  const { services } = storedFeed();
  const reply = await liquidationsCommand.run({ window: '24h' }, makeTestContext({ services, lang: 'vi', platform: 'telegram', now: new Date(NOW) }));
  assert.equal(reply.title, 'Thanh lý Mọi coin, 24 giờ gần nhất');
  const table = reply.blocks.find((b) => b.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.deepEqual(table.columns, ['Sàn', 'Luồng', 'Long bị thanh lý', 'Short bị thanh lý', 'Lệnh lớn nhất']);
  assert.deepEqual(table.rows[2], ['OKX', 'mất kết nối', '750 nghìn USD (6)', '0 USD (0)', 'ETH 400 nghìn USD']);
  assert.match(JSON.stringify(reply.blocks), /chỉ tính 2 coin đang được theo dõi/);
  assert.match(reply.footer ?? '', /không phải lời khuyên đầu tư/);
});

test('bad input: a misspelt coin, and listening live asked in a chat, get a clear error with what to type', async () => {
  const { services } = storedFeed();
  const chat = makeTestContext({ services, platform: 'telegram', now: new Date(NOW) });
  await assert.rejects(async () => liquidationsCommand.run({ symbol: 'bt c!' }, chat), (e: unknown) => e instanceof UserError && e.key === 'liquidations.unknown-symbol');
  await assert.rejects(async () => liquidationsCommand.run({ symbol: 'BTC', seconds: 30 }, chat), (e: unknown) => e instanceof UserError && e.key === 'liquidations.seconds-operator-only');
});

test('nothing ever streamed into this database: the reply says so (and, in the terminal, how to listen now) instead of zeros', async () => {
  const db = openDatabase(':memory:');
  const config = loadConfig({ ...venues.env() });
  const logger = pino({ level: 'silent' });
  const streams = createStreamManager(config, db, logger, { now: () => NOW });
  const monitor = new CrashMonitor({ streams, repo: new DigestRepository(db), thresholds: config.streamCrash, logger, now: () => NOW });
  const services = makeTestServices().with(LIQUIDATIONS, createLiquidationFeed({ config, db, streams, monitor, logger }));
  const reply = await liquidationsCommand.run({ symbol: 'BTC' }, makeTestContext({ services, platform: 'terminal', now: new Date(NOW) }));
  assert.match(JSON.stringify(reply.blocks), /have not recorded anything yet/);
  assert.match(JSON.stringify(reply.blocks), /npm run -s cli -- liquidations --symbol BTC --seconds 30/);
  assert.equal(reply.image, undefined);
  const data = reply.data as { venues: Array<{ long: unknown; short: unknown; connected: boolean }> };
  assert.ok(data.venues.every((v) => v.long === null && v.short === null && !v.connected), 'unknown, not zero');
});

test('npm run -s cli -- liquidations --symbol BTC --seconds 2 --json listens to the four streams and prints exactly the contract', async () => {
  const pushing = setInterval(() => {
    const t = Date.now();
    venues.binance.liquidation({ symbol: 'BTCUSDT', side: 'SELL', qty: 0.5, price: 100_000, time: t });
    venues.bybit.liquidations('BTCUSDT', [{ side: 'Sell', size: 1, price: 101_000, time: t }]);
    venues.okx.liquidations('ETH-USDT-SWAP', [{ posSide: 'long', contracts: 10, price: 4_000, time: t }]);
    venues.hyperliquid.mids({ BTC: 100_500 });
  }, 100);
  const result = await runProcess(process.execPath, ['--import', 'tsx', 'src/platforms/terminal/cli.ts', 'liquidations', '--symbol', 'BTC', '--seconds', '2', '--json'], {
    ...process.env,
    ...venues.env(),
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: '',
    TELEGRAM_BOT_TOKEN: '',
    DISCORD_TOKEN: '',
    STREAMS_SYMBOLS: 'BTC,ETH',
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  }).finally(() => clearInterval(pushing));
  assert.equal(result.code, 0, result.stderr);
  const data = JSON.parse(result.stdout) as { venues: Array<Record<string, any>>; crash: boolean };
  assert.deepEqual(Object.keys(data), ['venues', 'crash']);
  assert.deepEqual(data.venues.map((v) => v.venue), ['binance', 'bybit', 'okx', 'hyperliquid']);
  for (const v of data.venues) assert.deepEqual(Object.keys(v), ['venue', 'connected', 'liquidations', 'long', 'short', 'largest']);
  const [binance, bybit, okx, hyperliquid] = data.venues;
  assert.ok(binance.connected && binance.liquidations && binance.long.count > 0 && binance.long.usd === binance.long.count * 50_000);
  assert.deepEqual(binance.largest, { symbol: 'BTC', side: 'long', usd: 50_000 });
  assert.ok(bybit.short.count > 0 && bybit.long.count === 0);
  assert.deepEqual(okx.long, { count: 0, usd: 0 }, 'ETH liquidations are not BTC');
  assert.deepEqual(hyperliquid, { venue: 'hyperliquid', connected: true, liquidations: false, long: null, short: null, largest: null });
  assert.equal(data.crash, false);
});
