import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { adlFill } from '../support/fake-hyperliquid.ts';
import { FakeExchange, sampleMarket } from './fake-exchange.ts';
import { FakeTelegram, user, visibleText, type Call } from './fake-telegram.ts';

/**
 * /watch through the real grammY bot, started as `npm start` starts it, against the fake Bot API
 * and the fake Hyperliquid /info: a trader adds their address in a private chat, the poller reads
 * it, the liquidation-distance alert and the ADL receipt (with its /explain button) reach that
 * private chat, a restart does not repeat the receipt, and in a group the answer goes private.
 */
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_watch-token';
const ADDRESS = '0x2ea18c23f72a4b6172c55b411823cdc5335923f4';
const TRADER = user(4001);

const telegram = new FakeTelegram(TOKEN);
const exchange = new FakeExchange(sampleMarket());
let dir: string;
let config: Config;
let app: App | undefined;

before(async () => {
  const apiRoot = await telegram.start();
  await exchange.start();
  dir = mkdtempSync(join(tmpdir(), 'watch-telegram-'));
  config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_PATH: join(dir, 'bot.db'),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000',
    HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid'),
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    WATCH_RISKY_SECONDS: '2',
  });
  app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: process.env.DEBUG_WATCH ? 'debug' : 'silent' }), watchTickMs: 100 });
});

after(async () => {
  await app?.stop();
  await telegram.stop();
  await exchange.stop();
  rmSync(dir, { recursive: true, force: true });
});

const visible = visibleText;
const keyboard = (call: Call): any[] => (typeof call.params.reply_markup === 'string' ? JSON.parse(call.params.reply_markup) : call.params.reply_markup)?.inline_keyboard?.flat() ?? [];

const messageTo = (chatId: number, pattern: RegExp, since = 0) => telegram.messageTo(chatId, pattern, since);

test('a trader adds their address privately; the 10% alert and the ADL receipt come to that private chat, the receipt button opens /explain adl, a restart repeats nothing', async () => {
  const account = exchange.hyperliquidAccounts.account(ADDRESS);
  account.crossAccountValue = 24_000;
  account.positions = [
    { coin: 'ETH', szi: 10, entryPx: 4000, markPx: 3913, leverage: 10, type: 'isolated', liquidationPx: 3600 },
    { coin: 'BTC', szi: -1, entryPx: 122_000, markPx: 104_800, leverage: 20, type: 'cross', liquidationPx: 140_000 },
  ];

  telegram.sendText(`/watch add hyperliquid ${ADDRESS} main`, { user: TRADER });
  const added = await messageTo(TRADER.id, /Watching “main” on Hyperliquid/);
  assert.match(visible(added), /I now watch 0x2ea18c23f72a4b6172c55b411823cdc5335923f4 on Hyperliquid for you/);

  // The poller reads the new account at once: ETH is 8% from its liquidation price.
  const alert = await messageTo(TRADER.id, /ETH long is within 10% of liquidation/);
  assert.match(visible(alert), /is 8(\.0\d*)?% from its liquidation price/);
  assert.ok(keyboard(alert).some((b) => b.callback_data === 'explain:liquidation'));

  // ADL closes 0.4 of the BTC short: the next read sees it shrink, then the fills are read.
  const since = telegram.calls.length;
  account.fills.push(adlFill({ coin: 'BTC', side: 'short', size: 0.4, px: 99_100, markPx: 99_000, closedPnl: 9_160, time: Date.now(), tid: 4242 }));
  account.positions[1].szi = -0.6;
  const receipt = await messageTo(TRADER.id, /Auto-deleveraged: BTC short on Hyperliquid/, since);
  assert.match(visible(receipt), /Closed: 0\.4 BTC \(short\)/);
  assert.match(visible(receipt), /Price: \$99,100\.00 \(\+0\.101% vs mark \$99,000\.00 then\)/);
  assert.match(visible(receipt), /Realized PnL: \+\$9,160\.00/);
  const button = keyboard(receipt).find((b) => b.callback_data === 'explain:adl');
  assert.ok(button, 'a button to /explain adl');

  const beforePress = telegram.calls.length;
  telegram.press(TRADER.id, (receipt.result as any).message_id, button.callback_data, TRADER);
  await telegram.waitFor((c) => c.method === 'sendMessage' && telegram.calls.indexOf(c) >= beforePress && /Step 1\/\d/.test(visible(c)), 'the ADL walkthrough');

  // Restart on the same database: the same fills are read again, nothing is sent twice.
  await app!.stop();
  app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }), watchTickMs: 100 });
  const afterRestart = telegram.calls.length;
  account.positions[1].szi = -0.5; // shrinks again: the fills are read again
  const fillsReads = exchange.hyperliquidAccounts.calls.filter((c) => c.type === 'userFillsByTime').length;
  await waitUntil(() => exchange.hyperliquidAccounts.calls.filter((c) => c.type === 'userFillsByTime').length > fillsReads);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const repeated = telegram.calls.slice(afterRestart).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === TRADER.id);
  assert.deepEqual(repeated.map(visible), [], 'no alert or receipt repeated after the restart');
});

test('in a group /watch answers in the private chat; the group sees no address', async () => {
  const member = user(4002);
  const group = { id: -1001000000042, type: 'supergroup', title: 'Traders' };
  const since = telegram.calls.length;
  telegram.sendText(`/watch add hyperliquid ${ADDRESS} desk`, { user: member, chat: group });
  const inGroup = await messageTo(group.id, /I sent you the answer in our private chat/, since);
  assert.doesNotMatch(visible(inGroup), /0x/);
  const privately = await messageTo(member.id, /Watching “desk” on Hyperliquid/, since);
  assert.match(visible(privately), new RegExp(ADDRESS));
  assert.ok(telegram.calls.slice(since).filter((c) => Number(c.params.chat_id) === group.id).every((c) => !/0x[0-9a-f]{6}/i.test(visible(c))));
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
