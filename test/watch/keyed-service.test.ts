import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { COMMANDS } from '../../commands/index.ts';
import { VENUE_TABLES } from '../../commands/position-args.ts';
import { WATCH_LIST } from '../../commands/watch.ts';
import { Dispatcher } from '../../src/chat/dispatcher.ts';
import { plainText } from '../../src/chat/markup.ts';
import { loadConfig } from '../../src/config.ts';
import type { HttpClock } from '../../src/market/http.ts';
import { createVenueTableService } from '../../src/market/tiers/factory.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { KEYED_BUDGETS } from '../../src/watch/keyed/limits.ts';
import { createWatchService, hyperliquidLedger, keyedLedgers } from '../../src/watch/factory.ts';
import { Credentials } from '../../src/watch/keys/keyring.ts';
import type { AdlNotice, WatchNotice } from '../../src/watch/messages.ts';
import type { WatchService } from '../../src/watch/service.ts';
import type { KeyedVenue, WatchVenue } from '../../src/watch/types.ts';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { makeTestServices, profile } from '../support/context.ts';
import type { FakeKey } from '../support/fake-keyed-venues.ts';
import { RecordingSender } from '../support/senders.ts';

/**
 * The watch list on keyed venues, in one process on a clock the test moves: the real keyed
 * clients against the fakes (every signature and timestamp checked on that clock). The venue's own
 * ADL indicator alerts at its top two levels with hysteresis and no market signal needed; the
 * venue's live ADL data makes an account in profit read as often as a risky one; a long list stays
 * within the venue's budget; and Binance brackets read with a user's key feed that user's /liq only.
 */
const T0 = Date.UTC(2025, 9, 10, 20, 0);
const exchange = new FakeExchange(sampleMarket(T0));
const keyed = exchange.keyed;
let now = T0;
const clock: HttpClock = { now: () => now, sleep: async (ms) => void (now += ms), random: () => 0.5 };
const OWNER = { platform: 'telegram', userId: '9001' };

before(async () => {
  await exchange.start();
  keyed.now = () => now;
});

after(() => exchange.stop());

function build(db: Db, sender: RecordingSender, adlLive?: (venue: WatchVenue, coin: string) => boolean): { service: WatchService; ledgers: ReturnType<typeof keyedLedgers> } {
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    ...exchange.venueEnv,
    WATCH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WATCH_MAX_PER_USER: '100',
  });
  const ledgers = keyedLedgers();
  let service: WatchService | undefined;
  const tables = createVenueTableService(config, db, pino({ level: 'silent' }), clock, { accountTables: (venue, symbol, user) => service!.accountTable(venue, symbol, user) });
  service = createWatchService({
    config,
    db,
    ledger: hyperliquidLedger(),
    keyedLedgers: ledgers,
    tables,
    senders: new Map([[sender.platform, sender]]),
    adlLive: adlLive ? (venue, coin) => adlLive(venue, coin) : undefined,
    logger: pino({ level: 'silent' }),
    clock,
  });
  return { service, ledgers };
}

async function advance(service: WatchService, ms: number): Promise<void> {
  const end = now + ms;
  while (now < end) {
    now = Math.min(end, now + 2_000);
    await service.tick();
  }
}

async function addKeyed(service: WatchService, venue: KeyedVenue, key: FakeKey, label: string, owner = OWNER) {
  service.touch(owner, 'en', owner.userId);
  const result = await service.addKeyed(owner, { venue, label, credentials: new Credentials(key.apiKey, key.secret, key.passphrase) });
  assert.ok(result.ok, JSON.stringify(result));
  return result.ok ? result.watch : undefined!;
}

const notices = (sender: RecordingSender) => sender.sent.map((s) => s.reply.data?.notice as WatchNotice);

test("the venue's own indicator alerts at its top two levels, once per level and day, with no market move needed", async () => {
  const db = openDatabase(':memory:');
  const sender = new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 });
  const { service } = build(db, sender);
  const key = keyed.addKey('bybit');
  key.account = { equity: 50_000, positions: [{ coin: 'SOL', side: 'long', size: 100, entry: 150, mark: 200, liq: 80, leverage: 10, mode: 'cross', adl: 3 }], forced: [] };
  await addKeyed(service, 'bybit', key, 'sol');
  const adl = () => notices(sender).filter((n): n is AdlNotice => n.type === 'adl-queue');
  // Level 3 reads as an elevated account (every 2 minutes), 4 and 5 as risky ones.
  const setLevel = async (level: number) => {
    key.account.positions[0].adl = level;
    await advance(service, 3 * 60_000);
  };
  await advance(service, 10_000);
  assert.deepEqual(adl(), [], 'level 3 of 1–5: below the top two');
  await setLevel(4);
  await setLevel(4);
  await setLevel(5);
  await setLevel(2);
  await setLevel(4);
  assert.deepEqual(
    adl().map((n) => [n.tier, n.lights, n.venueAdl?.raw, n.venueAdl?.scale, n.signal]),
    [
      [4, 4, 4, '1–5', null],
      [5, 5, 5, '1–5', null],
    ],
    '4 once, 5 once; back at 4 the same day after dropping to 2: quiet',
  );
  const reply = sender.sent.find((s) => (s.reply.data?.notice as WatchNotice).type === 'adl-queue')!.reply;
  const text = plainText([reply.title, ...reply.blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : '')), reply.footer].join('\n'));
  assert.match(text, /SOL long at the front of Bybit's ADL queue \(4\/5\)/);
  assert.match(text, /is 4 on its 1–5 scale: 4\/5 lights/);
  assert.match(text, /Nothing says ADL is running right now/);
  await service.stop();
});

test("the venue's ADL data live for a coin the account holds in profit: read as often as a risky account", async () => {
  const reads = async (live: boolean) => {
    const db = openDatabase(':memory:');
    const { service } = build(db, new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 }), () => live);
    const key = keyed.addKey('okx');
    key.account = { equity: 50_000, positions: [{ coin: 'ETH', side: 'short', size: 1, entry: 4_000, mark: 3_000, liq: 9_000, leverage: 5, mode: 'cross', adl: 1 }], forced: [] };
    await addKeyed(service, 'okx', key, 'calm');
    const before = keyed.requests.filter((r) => r.apiKey === key.apiKey && r.path === '/api/v5/account/positions').length;
    await advance(service, 5 * 60_000);
    await service.stop();
    return keyed.requests.filter((r) => r.apiKey === key.apiKey && r.path === '/api/v5/account/positions').length - before;
  };
  const calm = await reads(false);
  const live = await reads(true);
  assert.ok(calm <= 2, `calm: ${calm} reads in 5 minutes`);
  assert.ok(live >= 8, `live ADL data: ${live} reads in 5 minutes (every ~30 s)`);
});

test("a long list stays within the venue's budget: Bybit's weight per minute never passes the watch list's share", async () => {
  const db = openDatabase(':memory:');
  const { service, ledgers } = build(db, new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 }));
  for (let i = 0; i < 60; i++) {
    const key = keyed.addKey('bybit');
    key.account = { equity: 1_000, positions: [{ coin: 'BTC', side: 'long', size: 0.01, entry: 100_000, mark: 101_000, liq: 91_000, leverage: 10, mode: 'cross', adl: 1 }], forced: [] };
    await addKeyed(service, 'bybit', key, `b${i}`, { platform: 'telegram', userId: String(9100 + i) });
  }
  let peak = 0;
  const end = now + 3 * 60_000;
  while (now < end) {
    now += 2_000;
    await service.tick();
    peak = Math.max(peak, ledgers.bybit.used(now));
  }
  await service.stop();
  assert.ok(peak > 0 && peak <= KEYED_BUDGETS.bybit.budgetPerMinute, `peak ${peak} requests per minute (budget ${KEYED_BUDGETS.bybit.budgetPerMinute})`);
});

test("Binance brackets read with the user's key feed that user's /liq, kept per key; another user gets the public lookup", async () => {
  keyed.binanceReadOnlyReadsFutures = true;
  try {
    const db = openDatabase(':memory:');
    const { service } = build(db, new RecordingSender('telegram', { globalMs: 0, perChatMs: 0 }));
    const key = keyed.addKey('binance');
    await addKeyed(service, 'binance', key, 'bn');
    const tables = createVenueTableService(loadConfig({ DATABASE_PATH: ':memory:', TIER_TABLES_FETCH: 'off' }), db, pino({ level: 'silent' }), clock, { accountTables: (venue, symbol, user) => service.accountTable(venue, symbol, user) });
    const dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices().with(WATCH_LIST, service).with(VENUE_TABLES, tables), logger: pino({ level: 'silent' }) });
    const liq = async (userId: string) => {
      const result = await dispatcher.runLine({ face: profile('telegram'), user: { id: userId }, chat: { id: userId, kind: 'private' }, lang: 'en' }, '/liq binance long 2000 1 10x symbol=ETH');
      assert.equal(result.kind, 'reply');
      return { text: plainText([...result.reply.blocks.map((b) => (b.kind === 'text' ? b.text : '')), result.reply.footer ?? ''].join('\n')), data: result.reply.data as any };
    };
    const mine = await liq(OWNER.userId);
    assert.equal(mine.data.table.source, 'account');
    assert.match(mine.text, /your own ETHUSDT brackets on Binance/);
    const requests = keyed.requests.filter((r) => r.path === '/fapi/v1/leverageBracket').length;
    await liq(OWNER.userId);
    assert.equal(keyed.requests.filter((r) => r.path === '/fapi/v1/leverageBracket').length, requests, 'kept per key: read once');
    // Binance publishes no public brackets and none is shipped for ETHUSDT: another user is asked for the MMR, never given this one's.
    const theirs = await liq('someone-else');
    assert.equal(theirs.data?.table?.source, undefined);
    assert.match(theirs.text, /No ETHUSDT tier table for Binance USDⓈ-M is known here/);
    await service.stop();
  } finally {
    keyed.binanceReadOnlyReadsFutures = false;
  }
});
