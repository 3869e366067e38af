import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { ManualClock, makeMarketService } from '../support/market.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';
import { MARKET_DATA, marketCommand, marketData, normalizeSymbol } from '../../commands/market.ts';
import { UserError } from '../../src/chat/errors.ts';
import type { MarketService } from '../../src/market/service.ts';

const exchange = new FakeExchange(sampleMarket());
let clock: ManualClock;
let market: MarketService;

before(async () => {
  await exchange.start();
  clock = new ManualClock(exchange.market.time);
  market = makeMarketService(exchange.exchanges, clock);
  // two hours of history so the chart has something to draw
  const start = exchange.market.time;
  for (const minutes of [0, 60, 120]) {
    clock.time = exchange.market.time = start + minutes * 60_000;
    await market.poll();
  }
});
after(() => exchange.stop());

const context = (lang: 'en' | 'vi' = 'en') => makeTestContext({ lang, services: makeTestServices({ market }), now: new Date(clock.now()) });

test('/market BTC: one row per venue, the JSON contract with rates as fractions, and a chart', async () => {
  const reply = await marketCommand.run({ symbol: 'btc' }, context());
  const data = reply.data as { symbol: string; venues: Array<Record<string, unknown>> };
  assert.equal(data.symbol, 'BTC');
  assert.deepEqual(data.venues.map((v) => v.venue), ['binance', 'bybit', 'hyperliquid', 'okx']);
  const hl = data.venues.find((v) => v.venue === 'hyperliquid')!;
  assert.equal(hl.fundingRate, 0.0000125);
  assert.equal(hl.fundingIntervalHours, 1);
  assert.equal(hl.fundingApr, 0.1095, 'derived numbers without float noise');
  assert.equal(hl.stale, false);
  for (const key of ['mark', 'fundingRate', 'fundingIntervalHours', 'fundingApr', 'openInterestUsd', 'change24hPct', 'stale']) {
    assert.ok(key in hl, key);
  }
  const table = reply.blocks.find((b) => b.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.deepEqual(table.rows[0].slice(0, 4), ['Binance', '$121,500.00', '0.01% / 8h', '10.95%']);
  assert.ok(reply.image && reply.image.png.length > 1000);
  assert.match(reply.footer ?? '', /Not financial advice/);
});

test('/market in Vietnamese: Vietnamese numbers and labels', async () => {
  const reply = await marketCommand.run({ symbol: 'BTCUSDT', venue: 'bybit' }, context('vi'));
  const table = reply.blocks.find((b) => b.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.equal(table.rows.length, 1);
  assert.deepEqual(table.rows[0].slice(0, 4), ['Bybit', '121.524,30 USD', '0,01% / 8 giờ', '10,95%']);
  assert.equal(table.columns[0], 'Sàn');
  assert.match(reply.footer ?? '', /không phải lời khuyên đầu tư/);
});

test('a venue that stopped answering is marked stale', async () => {
  const staleClock = new ManualClock(exchange.market.time);
  const m = makeMarketService(exchange.exchanges, staleClock);
  await m.poll();
  staleClock.time = exchange.market.time += 2 * 60_000;
  exchange.fail('okx', '', { status: 503 }, 12);
  await m.poll();
  staleClock.time = exchange.market.time += 2 * 60_000;
  exchange.fail('okx', '', { status: 503 }, 12);
  const reply = await marketCommand.run({ symbol: 'ETH' }, makeTestContext({ services: makeTestServices({ market: m }) }));
  exchange.clearFaults();
  const venues = (reply.data as { venues: Array<{ venue: string; stale: boolean }> }).venues;
  assert.equal(venues.find((v) => v.venue === 'okx')!.stale, true);
  assert.deepEqual(venues.filter((v) => v.stale).map((v) => v.venue), ['okx'], 'the venues that answered are fresh');
  assert.ok(reply.blocks.some((b) => b.kind === 'text' && b.text.includes('(stale)')));
});

test('/market shows the live streams: which are up and how fresh, which went down, Hyperliquid with prices only', async () => {
  const now = clock.now();
  const streams = {
    status: () => [
      { venue: 'binance' as const, connected: true, liquidations: true, lastMessageAt: now - 2_000, reconnects: 0 },
      { venue: 'okx' as const, connected: false, liquidations: true, lastMessageAt: now - 90_000, reconnects: 3 },
      { venue: 'hyperliquid' as const, connected: true, liquidations: false, lastMessageAt: now - 1_000, reconnects: 1 },
    ],
  };
  const services = makeTestServices().with(MARKET_DATA, marketData(market, streams));
  const en = await marketCommand.run({ symbol: 'BTC' }, makeTestContext({ services, now: new Date(now) }));
  assert.ok(en.blocks.some((b) => b.kind === 'text' && b.text === '_Live streams: Binance live (last message 2 s ago) · OKX down (3 reconnects) · Hyperliquid live (last message 1 s ago) (prices only)_'));
  const vi = await marketCommand.run({ symbol: 'BTC' }, makeTestContext({ services, lang: 'vi', now: new Date(now) }));
  assert.ok(vi.blocks.some((b) => b.kind === 'text' && b.text.startsWith('_Luồng dữ liệu trực tiếp: Binance đang chạy (tin gần nhất 2 giây trước)')));
  const none = await marketCommand.run({ symbol: 'BTC' }, context());
  assert.ok(!none.blocks.some((b) => b.kind === 'text' && b.text.includes('Live streams')), 'no line where nothing ever streamed');
});

test('an unknown coin gets a clear error with what to type instead', async () => {
  await assert.rejects(Promise.resolve(marketCommand.run({ symbol: 'NOPE' }, context())), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.equal(error.key, 'market.unknown-symbol');
    assert.equal(error.hintKey, 'market.hint-symbol');
    return true;
  });
  await assert.rejects(Promise.resolve(marketCommand.run({ symbol: 'BTC; DROP' }, context())), UserError);
});

test('symbols are read the way traders type them', () => {
  assert.equal(normalizeSymbol(' $btc '), 'BTC');
  assert.equal(normalizeSymbol('ETH-USDT-SWAP'), 'ETH');
  assert.equal(normalizeSymbol('sol/usdt'), 'SOL');
  assert.equal(normalizeSymbol('1000PEPEUSDT'), '1000PEPE');
  assert.equal(normalizeSymbol('USDT'), 'USDT');
  assert.equal(normalizeSymbol('b t c'), undefined);
});

test('no venue reachable: the reasons are told in the reader’s language ("ENOTFOUND after 3 attempts" is not English in Vietnamese)', async () => {
  const closed = 'http://127.0.0.1:9';
  const offline = makeMarketService({ binance: closed, bybit: closed, okx: closed, hyperliquid: closed }, new ManualClock(exchange.market.time));
  const { translator } = await import('../../src/chat/i18n.ts');
  const { localizeVenueError } = await import('../../src/market/http.ts');
  for (const lang of ['en', 'vi'] as const) {
    const ctx = makeTestContext({ lang, services: makeTestServices({ market: offline }) });
    const error = await Promise.resolve(marketCommand.run({ symbol: 'BTC' }, ctx)).then(
      () => assert.fail('no data, no reply'),
      (e: unknown) => e as UserError,
    );
    assert.equal(error.key, 'market.no-data');
    const shown = translator(lang)(error.key, error.params);
    if (lang === 'vi') {
      assert.match(shown, /máy chủ từ chối kết nối \(ECONNREFUSED\), đã thử 3 lần/, shown);
      assert.doesNotMatch(shown, /after|attempts/, shown);
    } else {
      assert.match(shown, /connection refused \(ECONNREFUSED\), after 3 attempts/, shown);
    }
  }
  const vi = translator('vi');
  assert.equal(localizeVenueError('binance: ENOTFOUND after 3 attempts', vi), 'binance: không tìm thấy máy chủ (ENOTFOUND), đã thử 3 lần');
  assert.equal(localizeVenueError('paused: okx: HTTP 429: backing off 30 s', vi), 'tạm dừng sau nhiều lần lỗi (okx: HTTP 429 (truy vấn quá nhiều), chờ 30 giây)');
  assert.equal(localizeVenueError('bybit: HTTP 403: banned for 600 s', vi), 'bybit: HTTP 403, sàn chặn truy vấn trong 600 giây');
  assert.equal(localizeVenueError('something new', vi), 'something new', 'an unknown shape is shown as it is');
});
