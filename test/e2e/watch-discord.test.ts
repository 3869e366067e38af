import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { adlFill, liquidationFill } from '../support/fake-hyperliquid.ts';
import { FakeExchange, sampleMarket } from './fake-exchange.ts';
import { embedText, FakeDiscord, snowflake } from './fake-discord.ts';

/**
 * /watch through the real discord.js client against the fake Discord and the fake Hyperliquid
 * /info: the slash command with its subcommands, answered so only the trader sees it; the alerts
 * and receipts go to the trader's DM channel (POST /users/@me/channels), not the server's channel.
 */
const TOKEN = 'aaaa.bbbb.watch';
const APPLICATION_ID = '1400000000000000002';
const ADDRESS = '0x6574434d929ff7f12f5787ebf9a71cdd303dc98a';

let fake: FakeDiscord;
const exchange = new FakeExchange(sampleMarket());
let app: App;

before(async () => {
  fake = new FakeDiscord({ token: TOKEN, applicationId: APPLICATION_ID, heartbeatIntervalMs: 250 });
  await fake.start();
  await exchange.start();
  const config = loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000',
    HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid'),
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    WATCH_RISKY_SECONDS: '2',
  });
  app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }), watchTickMs: 100 });
});

after(async () => {
  await app?.stop();
  await fake?.stop();
  await exchange.stop();
});

const postTo = (channel: string, pattern: RegExp, from = 0) => fake.postTo(channel, pattern, from);

test('/watch add in a server: registered with subcommands, answered to the trader alone; the alert and the liquidation receipt reach their DM', async () => {
  const registered = fake.requests.find((r) => r.method === 'PUT' && r.path === `/applications/${APPLICATION_ID}/commands`)!;
  const watch = registered.json.find((c: any) => c.name === 'watch');
  assert.deepEqual(watch.options.map((o: any) => [o.name, o.type]), [['add', 1], ['list', 1], ['remove', 1], ['check', 1], ['forget-me', 1]]);

  const account = exchange.hyperliquidAccounts.account(ADDRESS);
  account.crossAccountValue = 5_000;
  account.positions = [{ coin: 'SOL', szi: 100, entryPx: 200, markPx: 189, leverage: 10, type: 'isolated', liquidationPx: 181.5 }];

  const trader = fake.user(snowflake(), 'trader');
  const ask = fake.slash('watch', { venue: 'hyperliquid', address: ADDRESS, label: 'main' }, { user: trader }, 'add');
  assert.equal((await fake.callbackOf(ask)).json.type, 5, 'deferred: it reads the venue first');
  const answer = await fake.webhookOf(ask, 'POST', false);
  assert.equal(answer.json.flags & 64, 64, 'ephemeral: nobody else in the server sees the address');
  assert.match(embedText(answer.json.embeds), /Watching “main” on Hyperliquid/);
  assert.match(embedText(answer.json.embeds), /SOL long · 100 SOL at \$200\.00/);
  await fake.webhookOf(ask, 'DELETE');

  // The DM channel was opened for the trader, and the poller's first read finds SOL 4% from liquidation.
  const dm = fake.dmChannels.get(trader.id);
  assert.ok(dm, 'POST /users/@me/channels opened the DM');
  const alert = await postTo(dm, /SOL long is within 5% of liquidation/);
  assert.match(embedText(alert.json.embeds), /Liquidation \(Hyperliquid\)\n\$181\.50/);
  assert.ok(!fake.requests.some((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages` && /0x6574/.test(JSON.stringify(r.json))), 'nothing about it in the server channel');

  // Liquidated: the position vanishes and the fill names this account as the liquidated user.
  const since = fake.requests.length;
  account.fills.push(liquidationFill(ADDRESS, { coin: 'SOL', side: 'long', size: 100, px: 181.2, markPx: 181.4, closedPnl: -1880, time: Date.now(), tid: 777, method: 'market' }));
  account.positions = [];
  const receipt = await postTo(dm, /Liquidated: SOL long on Hyperliquid/, since);
  const text = embedText(receipt.json.embeds);
  assert.match(text, /Closed\n100 SOL \(long\)/);
  assert.match(text, /Realized PnL\n-\$1,880\.00/);
  assert.match(text, /sent market orders to the order book/);
  const buttons = receipt.json.components.flatMap((row: any) => row.components);
  assert.deepEqual(buttons.map((b: any) => b.custom_id), ['explain:liquidation']);
});

test('/watch check in a DM shows positions and the last 24 h of ADL; /watch remove deletes the watch', async () => {
  const trader = fake.user(snowflake(), 'dm-trader');
  const account = exchange.hyperliquidAccounts.account(ADDRESS);
  account.positions = [{ coin: 'BTC', szi: -1, entryPx: 122_000, markPx: 104_800, leverage: 20, type: 'cross', liquidationPx: 140_000 }];
  account.crossAccountValue = 24_000;
  account.fills.push(adlFill({ coin: 'BTC', side: 'short', size: 0.4, px: 99_100, markPx: 99_000, closedPnl: 9_160, time: Date.now() - 60_000, tid: 778 }));
  const added = fake.slash('watch', { venue: 'hyperliquid', address: ADDRESS, label: 'cold' }, { user: trader, dm: true }, 'add');
  await fake.callbackOf(added);
  await fake.webhookOf(added, 'PATCH');

  const check = fake.slash('watch', { watch: 'cold' }, { user: trader, dm: true }, 'check');
  await fake.callbackOf(check);
  const shown = await fake.webhookOf(check, 'PATCH');
  const text = embedText(shown.json.embeds);
  assert.match(text, /BTC short · 1 BTC at \$122,000\.00/);
  assert.match(text, /ADL: ●●●●● 5\/5/);
  assert.match(text, /⚡ ADL: BTC short 0\.4 at \$99,100\.00 \(mark \$99,000\.00\) · realized \+\$9,160\.00/);

  const remove = fake.slash('watch', { watch: 'cold' }, { user: trader, dm: true }, 'remove');
  await fake.callbackOf(remove);
  const removed = await fake.webhookOf(remove, 'PATCH');
  assert.match(embedText(removed.json.embeds), /Stopped watching “cold”/);
  assert.deepEqual(app.watch.list({ platform: 'discord', userId: trader.id }), []);
});
