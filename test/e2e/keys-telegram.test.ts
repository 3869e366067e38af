import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { FakeExchange, sampleMarket } from './fake-exchange.ts';
import { FakeTelegram, user, visibleText, type Call } from './fake-telegram.ts';
import type { FakeKey } from '../support/fake-keyed-venues.ts';

/**
 * Keyed /watch through the real grammY bot, as `npm start` runs it, against the fake Bot API and
 * the fake Bybit / OKX private endpoints (signatures and timestamps checked): a key sent in the
 * private chat is deleted at once and stored sealed; the venue's own ADL indicator and a
 * liquidation-distance tier alert once; an ADL close is receipted once across a restart; a trading
 * key is refused and not stored; a key typed in a group is not stored and its owner told to revoke
 * it; a revoked key pauses the watch and is told once; forget-me leaves no row. Every log line and
 * the database files are searched for the plain secrets.
 */
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_keys-token';
const TRADER = user(6001);
const OTHER = user(6002);
const GROUP = { id: -1001000000077, type: 'supergroup', title: 'Desk' };

const telegram = new FakeTelegram(TOKEN);
const exchange = new FakeExchange(sampleMarket());
const keyed = exchange.keyed;
const logs: string[] = [];
const logger = () => pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
const secrets: string[] = [];
let dir: string;
let config: Config;
let app: App | undefined;

before(async () => {
  const apiRoot = await telegram.start();
  await exchange.start();
  dir = mkdtempSync(join(tmpdir(), 'keys-telegram-'));
  config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_PATH: join(dir, 'bot.db'),
    LOG_LEVEL: 'debug',
    RATE_LIMIT_PER_MINUTE: '1000',
    ...exchange.venueEnv,
    WATCH_RISKY_SECONDS: '2',
    WATCH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  app = await startApp(config, { terminal: false, scheduleAlerts: false, streams: false, logger: logger(), watchTickMs: 100 });
});

after(async () => {
  await app?.stop();
  await telegram.stop();
  await exchange.stop();
  rmSync(dir, { recursive: true, force: true });
});

const visible = visibleText;

const messageTo = (chatId: number, pattern: RegExp, since = 0) => telegram.messageTo(chatId, pattern, since);

function remember(key: FakeKey): FakeKey {
  secrets.push(key.apiKey, key.secret, ...(key.passphrase ? [key.passphrase] : []));
  return key;
}

const rows = (sql: string, ...params: unknown[]) => app!.db.prepare(sql).all(...params) as any[];

test('a key sent privately is deleted at once and stored sealed; the venue ADL indicator and a distance tier alert; an ADL close is receipted once across a restart', async () => {
  const key = remember(keyed.addKey('bybit'));
  key.account = {
    equity: 30_000,
    positions: [
      // Deep in profit, Bybit's indicator at 5: the top level.
      { coin: 'BTC', side: 'short', size: 1, entry: 122_000, mark: 104_000, liq: 140_000, leverage: 20, mode: 'cross', adl: 5 },
      // 8% from its liquidation price: the 10% tier.
      { coin: 'ETH', side: 'long', size: 10, entry: 4_000, mark: 3_913, liq: 3_600, leverage: 10, mode: 'isolated', adl: 1 },
    ],
    forced: [],
  };

  const since = telegram.calls.length;
  telegram.sendText('/watch add bybit main', { user: TRADER });
  const asked = await messageTo(TRADER.id, /send me the API key and the secret in one message/, since);
  assert.match(visible(asked), /Choose Read-Only/);
  assert.match(visible(asked), /stored encrypted \(AES-256-GCM\)/);

  const answer = telegram.sendText(`${key.apiKey}\n${key.secret}`, { user: TRADER });
  const added = await messageTo(TRADER.id, /Watching “main” on Bybit/, since);
  const deletion = telegram.calls.findIndex((c) => c.method === 'deleteMessage' && Number(c.params.message_id) === answer.messageId);
  assert.ok(deletion >= 0 && deletion < telegram.calls.indexOf(added), 'the message with the key is deleted before the answer');
  assert.ok(telegram.deleted.some((d) => d.messageId === answer.messageId && d.fromUser));
  const text = visible(added);
  assert.match(text, /I now watch your Bybit positions with your read-only key/);
  assert.match(text, /BTC short · 1 BTC at \$122,000\.00/);
  assert.match(text, /Bybit ADL indicator: ●●●●● 5\/5 \(level 5 of 1–5\)/);
  for (const secret of [key.apiKey, key.secret]) assert.ok(!telegram.calls.some((c) => c.method !== 'getUpdates' && JSON.stringify(c.params).includes(secret)), 'no reply repeats the key');

  const [stored] = rows('SELECT * FROM watch_keys');
  assert.equal(stored.venue, 'bybit');
  assert.ok(Buffer.isBuffer(stored.secret) && !stored.secret.toString('latin1').includes(key.secret), 'the secret is sealed');

  // The poller reads the account at once: the venue's top ADL level and the 10% tier, once each.
  const adl = await messageTo(TRADER.id, /BTC short at the front of Bybit's ADL queue \(5\/5\)/, since);
  assert.match(visible(adl), /Bybit's own ADL indicator for your BTC short on Bybit \(“main”, read-only key\) is 5 on its 1–5 scale/);
  assert.match(visible(adl), /Our estimate: /);
  await messageTo(TRADER.id, /ETH long is within 10% of liquidation/, since);

  // Bybit auto-deleverages 0.4 BTC of the short: the next read sees it shrink, the fills are read.
  const beforeAdl = telegram.calls.length;
  key.account.forced.push({ id: '7001', kind: 'adl', coin: 'BTC', side: 'short', size: 0.4, price: 104_100, mark: 104_050, pnl: 7_160, time: Date.now() });
  key.account.positions[0].size = 0.6;
  const receipt = await messageTo(TRADER.id, /Auto-deleveraged: BTC short on Bybit/, beforeAdl);
  assert.match(visible(receipt), /Closed: 0\.4 BTC \(short\)/);
  assert.match(visible(receipt), /Realized PnL: \+\$7,160\.00/);
  assert.match(visible(receipt), /highest profit and effective leverage first/);

  // A second key is asked for just before the restart: the form lives in memory only.
  const beforeAsk = telegram.calls.length;
  telegram.sendText('/watch add bybit spare', { user: TRADER });
  await messageTo(TRADER.id, /send me the API key and the secret in one message/, beforeAsk);

  // Restart on the same database: the same execution is read again, nothing is sent twice.
  await app!.stop();
  app = await startApp(config, { terminal: false, scheduleAlerts: false, streams: false, logger: logger(), watchTickMs: 100 });
  const afterRestart = telegram.calls.length;
  const reads = keyed.requests.filter((r) => r.path === '/v5/execution/list').length;
  key.account.positions[0].size = 0.5;
  await waitUntil(() => keyed.requests.filter((r) => r.path === '/v5/execution/list').length > reads);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(telegram.calls.slice(afterRestart).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === TRADER.id).map(visible), []);
  assert.ok(keyed.requests.every((r) => r.verified || r.error), 'every request the bot made was signed and timed right');
  assert.ok(keyed.requests.filter((r) => r.apiKey === key.apiKey).every((r) => r.verified));

  // The key that answers the form asked before the restart: deleted, not stored, and what to do instead.
  const spare = remember(keyed.addKey('bybit'));
  const beforePaste = telegram.calls.length;
  const pasted = telegram.sendText(`${spare.apiKey}\n${spare.secret}`, { user: TRADER });
  const told = await messageTo(TRADER.id, /I was not waiting for one \(the request expires after 10 minutes, or I restarted\)/, beforePaste);
  assert.match(visible(told), /To add a key, send \/watch add bybit \(or binance, okx\) and then the key\./);
  assert.match(visible(told), /I deleted your message that carried it/);
  assert.ok(telegram.deleted.some((d) => d.messageId === pasted.messageId && d.fromUser));
  assert.equal(rows('SELECT id FROM watch_keys').length, 1, 'only the first key is stored');
  assert.ok(!keyed.requests.some((r) => r.apiKey === spare.apiKey), 'the key was never used');
});

test('a key that can trade is refused, naming the permission to remove, and nothing is stored', async () => {
  const key = remember(keyed.addKey('okx', { okx: { perm: 'read_only,trade', ip: '' } }));
  const since = telegram.calls.length;
  telegram.sendText('/watch add okx', { user: OTHER });
  await messageTo(OTHER.id, /send me the API key, the secret and the passphrase/, since);
  telegram.sendText(`${key.apiKey}\n${key.secret}\n${key.passphrase}`, { user: OTHER });
  const refused = await messageTo(OTHER.id, /OKX key refused/, since);
  assert.match(visible(refused), /This key can do more than read \(trade\)\. Remove these permissions on OKX/);
  assert.match(visible(refused), /• Trade/);
  assert.match(visible(refused), /Nothing was stored/);
  assert.deepEqual(rows("SELECT id FROM watch_keys WHERE user_id = ?", String(OTHER.id)), []);
});

test('a key typed in a group is not stored; the message is deleted where the bot may, and its owner told to revoke it', async () => {
  const key = remember(keyed.addKey('bybit'));
  const since = telegram.calls.length;
  const posted = telegram.sendText(`/watch add bybit ${key.apiKey} ${key.secret}`, { user: OTHER, chat: GROUP });
  const warned = await messageTo(GROUP.id, /That looks like an API key/, since);
  assert.match(visible(warned), /delete that key on Bybit now/);
  assert.match(visible(warned), /I could not delete your message/, 'the bot is no admin here');
  assert.ok(!visible(warned).includes(key.apiKey) && !visible(warned).includes(key.secret));
  assert.ok(telegram.message(GROUP.id, posted.messageId), 'still there: Telegram refused the deletion');

  telegram.setMember(GROUP.id, 7_000_001, 'administrator');
  const again = telegram.sendText(`/watch add bybit ${key.apiKey} ${key.secret}`, { user: OTHER, chat: GROUP });
  const deleted = await messageTo(GROUP.id, /I deleted your message that carried it/, since);
  assert.match(visible(deleted), /delete that key on Bybit now/);
  assert.equal(telegram.message(GROUP.id, again.messageId), undefined);
  assert.deepEqual(rows("SELECT id FROM watch_keys WHERE user_id = ?", String(OTHER.id)), []);
});

test('a key the venue no longer accepts pauses its watch and tells the owner once; forget-me then leaves no row and no readable secret', async () => {
  const key = keyed.keys.find((k) => k.venue === 'bybit' && secrets.includes(k.apiKey) && k.account.positions.length > 0)!;
  const since = telegram.calls.length;
  key.revoked = true;
  const notice = await messageTo(TRADER.id, /Bybit rejected the key of “main”/, since);
  assert.match(visible(notice), /I paused this watch/);
  const requestsAfterPause = keyed.requests.filter((r) => r.apiKey === key.apiKey).length;
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assert.equal(keyed.requests.filter((r) => r.apiKey === key.apiKey).length, requestsAfterPause, 'a paused watch is not read');
  assert.equal(telegram.calls.slice(since).filter((c) => c.method === 'sendMessage' && /rejected the key/.test(visible(c))).length, 1, 'told once');
  assert.match(visible(await listOf(TRADER)), /paused: the venue rejected it/);

  const sealed: Buffer = rows('SELECT secret FROM watch_keys')[0].secret;
  telegram.sendText('/watch forget-me', { user: TRADER });
  const forgotten = await messageTo(TRADER.id, /I deleted everything I held about you here: 1 watch\(es\), 1 API key\(s\)/, since);
  assert.ok(forgotten);
  for (const table of ['watches', 'watch_keys', 'watch_outbox', 'watch_tiers', 'watch_key_brackets']) {
    assert.deepEqual(rows(`SELECT * FROM ${table}`), [], `${table} is empty`);
  }
  assert.deepEqual(rows('SELECT * FROM watch_owners WHERE user_id = ?', String(TRADER.id)), []);
  assert.deepEqual(rows('SELECT * FROM user_preferences WHERE user_id = ?', String(TRADER.id)), []);

  // Nothing readable left: neither the plain secrets (never written) nor the sealed bytes (zeroed, log emptied).
  const files = [join(dir, 'bot.db'), join(dir, 'bot.db-wal')].filter(existsSync).map((f) => readFileSync(f));
  for (const file of files) {
    assert.equal(file.indexOf(sealed), -1, 'the sealed secret is gone from the files');
    for (const secret of secrets) assert.equal(file.indexOf(Buffer.from(secret)), -1, 'no plain secret in the database files');
  }
});

test('no log line carries a key, a secret or a passphrase', () => {
  // The lines written on the paths a key travels (its venue refusing it, a message that could not be deleted) are among them.
  assert.ok(logs.some((line) => /rejected a read-only key/.test(line)) && logs.some((line) => /could not delete a message carrying a secret/.test(line)), logs.join(''));
  for (const secret of secrets) {
    const leaked = logs.filter((line) => line.includes(secret));
    assert.deepEqual(leaked, [], 'a secret in the logs');
  }
});

async function listOf(who: ReturnType<typeof user>): Promise<Call> {
  const since = telegram.calls.length;
  telegram.sendText('/watch list', { user: who });
  return messageTo(who.id, /Your watch list/, since);
}

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
