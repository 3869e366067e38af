import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { freePort } from '../support/net.ts';
import { until } from '../support/process.ts';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { FakeTelegram, checkHtml, user } from './fake-telegram.ts';
import { FakeVenues } from './fake-venues.ts';

/**
 * The bot as `npm start` runs it, with a Telegram token and the four venues' websockets pointed
 * at local fakes: serving a chat, it keeps the four streams up; `/health` shows them; a chat
 * subscribes to alerts and asks `/liquidations BTC`.
 */
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_streams';
const telegram = new FakeTelegram(TOKEN);
const venues = new FakeVenues();
let app: App;
let healthPort = 0;

before(async () => {
  const apiRoot = await telegram.start();
  await venues.start();
  healthPort = await freePort();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_PATH: ':memory:',
    HEALTH_PORT: String(healthPort),
    STREAMS_SYMBOLS: 'BTC,ETH',
    ...venues.env(),
    // The minute poll has nothing to reach here: its venues fail at once.
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  });
  app = await startApp(config, { terminal: false, logger: pino({ level: 'silent' }) });
});

after(async () => {
  await app?.stop();
  await Promise.all([telegram.stop(), venues.stop()]);
});

test('serving a chat, the bot keeps the four streams up and /health says so, beside each face and the alert schedule', async () => {
  await until('four subscribed streams', () => venues.all.every((v) => v.live.length === 1));
  await until('four connected in /health', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as { streams?: Array<{ connected: boolean }> };
    return health.streams?.length === 4 && health.streams.every((s) => s.connected);
  }, { everyMs: 20 });
  const health = (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as Record<string, any>;
  assert.deepEqual(health.streams.map((s: { venue: string }) => s.venue), ['binance', 'bybit', 'okx', 'hyperliquid']);
  assert.deepEqual(health.crash, { running: false, coins: [] });
  assert.equal(health.streams[3].liquidations, false);
  assert.equal(health.ok, true);
  assert.equal(health.degraded, false);
  assert.equal(health.faces.telegram.state, 'serving');
  assert.deepEqual(health.alerts, { scheduled: true });
});

test('a chat subscribes to crash alerts and asks /liquidations BTC: the streamed liquidations, per venue', async () => {
  const from = user(4242);
  let since = telegram.calls.length;
  telegram.sendText('/alerts subscribe crash symbols=BTC', { user: from });
  await telegram.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 4242 && telegram.calls.indexOf(c) >= since, 'the subscription reply');
  assert.ok(app.alerts.subscription('telegram', '4242'));

  const t = Date.now();
  venues.binance.liquidation({ symbol: 'BTCUSDT', side: 'SELL', qty: 2, price: 100_000, time: t });
  venues.bybit.liquidations('BTCUSDT', [{ side: 'Buy', size: 1, price: 99_900, time: t }]);
  await until('two liquidations in the ledger', () => (app.streams.ledger.totals(t - 60_000, t + 60_000, 'BTC').byVenue.size ?? 0) === 2);

  since = telegram.calls.length;
  telegram.sendText('/liquidations BTC 5m', { user: from });
  // A chart, then the table as text.
  await telegram.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 4242 && !c.error && telegram.calls.indexOf(c) > since, 'the /liquidations answer');
  const all = telegram.calls
    .filter((c) => Number(c.params.chat_id) === 4242 && telegram.calls.indexOf(c) > since && !c.error)
    .map((c) => checkHtml(String(c.params.text ?? c.params.caption ?? '')))
    .join('\n');
  assert.match(all, /BTC liquidations, last 5 minutes/);
  assert.match(all, /Binance\s+live\s+\$200K \(1\)/);
  assert.match(all, /Bybit\s+live\s+\$99\.9K \(1\)/);
  assert.match(all, /Hyperliquid\s+live\s+no public liquidation stream/);
  assert.match(all, /Binance, Bybit, OKX: the stream was down or not yet running during part of this span/, 'the bot streams for less than 5 minutes');
});
