import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { ManualClock, makeMarketService, silentLogger } from '../support/market.ts';
import { RecordingSender } from '../support/senders.ts';
import { makeTestContext } from '../support/context.ts';
import { alertsCommand, parseSymbols, parseVenues } from '../../commands/alerts.ts';
import { UserError } from '../../src/chat/errors.ts';
import { openDatabase } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { AlertService, sampleAlert } from '../../src/alerts/service.ts';
import { DEFAULT_THRESHOLDS } from '../../src/core/signals.ts';
import { makeTestServices } from '../support/context.ts';

const exchange = new FakeExchange(sampleMarket());
const telegram = new RecordingSender('telegram');
let services: ReturnType<typeof makeTestServices>;
let alerts: AlertService;

before(async () => {
  await exchange.start();
  const db = openDatabase(':memory:');
  const clock = new ManualClock(exchange.market.time);
  const preferences = new PreferencesRepository(db);
  const market = makeMarketService(exchange.exchanges, clock, db);
  alerts = new AlertService({
    market,
    repo: new AlertsRepository(db),
    preferences,
    senders: new Map([['telegram', telegram]]),
    thresholds: DEFAULT_THRESHOLDS,
    cooldownMs: 4 * 3_600_000,
    defaultSymbols: ['BTC', 'ETH'],
    logger: silentLogger,
    now: clock.now,
    sleep: clock.sleep,
  });
  services = makeTestServices({ preferences, market, alerts });
});
after(() => exchange.stop());

const group = (over: Parameters<typeof makeTestContext>[0] = {}) =>
  makeTestContext({ platform: 'telegram', chatId: '-100123', chatKind: 'group', services, ...over });

test('subscribe with filters, then list, in the chat language', async () => {
  const reply = await alertsCommand.run({ action: 'subscribe', kind: 'crash', symbols: 'btc, $eth', venues: 'OKX,binance', severity: 'critical' }, group({ lang: 'vi' }));
  assert.equal(reply.tone, 'success');
  assert.match((reply.blocks[0] as { text: string }).text, /sập giá cho BTC, ETH trên Binance, OKX, từ mức nghiêm trọng/);
  const sub = alerts.subscription('telegram', '-100123')!;
  assert.deepEqual([sub.kinds, sub.symbols, sub.venues, sub.minSeverity], [['crash'], ['BTC', 'ETH'], ['binance', 'okx'], 'critical']);
  const list = await alertsCommand.run({ action: 'list' }, group());
  const fields = list.blocks[0];
  assert.ok(fields.kind === 'fields');
  assert.deepEqual(fields.fields.map((f) => f.value), ['crashes', 'BTC, ETH', 'Binance, OKX', 'critical', 'active']);
});

test('subscribing a chat that has no language yet stores the subscriber\'s language for its alerts', async () => {
  const { preferences } = services;
  assert.equal(preferences.chatLang('telegram', '-100777'), undefined);
  const reply = await alertsCommand.run({ action: 'subscribe', kind: 'crash' }, group({ chatId: '-100777', lang: 'vi' }));
  assert.equal(preferences.chatLang('telegram', '-100777'), 'vi');
  assert.equal((reply.data as { alertLang: string }).alertLang, 'vi');
  assert.match((reply.blocks[0] as { text: string }).text, /Cảnh báo sẽ được gửi bằng tiếng Việt\. Muốn đổi: \/lang en chat/);

  // The next alert for that chat goes out in Vietnamese, with no /lang step.
  const before = telegram.sent.length;
  const key = { platform: 'telegram' as const, chatId: '-100777', venueGroup: '*', symbol: 'BTC', kind: 'crash' as const };
  assert.ok(alerts!.repo.enqueueUnlessDuplicate(key, 'critical', sampleAlert(), Date.UTC(2025, 9, 10, 12), 3_600_000));
  await alerts!.drain();
  const posted = telegram.sent.slice(before).filter((s) => s.chatId === '-100777');
  assert.equal(posted.length, 1);
  assert.equal(posted[0].lang, 'vi');
  assert.match(posted[0].reply.title ?? '', /BTC: giá đang sập/);
  assert.match(posted[0].reply.footer ?? '', /không phải lời khuyên đầu tư/);
});

test('a chat language chosen before is kept when someone else subscribes', async () => {
  const { preferences } = services;
  preferences.setChatLang('telegram', '-100778', 'en');
  const reply = await alertsCommand.run({ action: 'subscribe', kind: 'all' }, group({ chatId: '-100778', lang: 'vi' }));
  assert.equal(preferences.chatLang('telegram', '-100778'), 'en');
  assert.match((reply.blocks[0] as { text: string }).text, /bằng tiếng Anh\. Muốn đổi: \/lang vi chat/, 'told in the subscriber\'s language');
  await alertsCommand.run({ action: 'unsubscribe' }, group({ chatId: '-100778' }));
  await alertsCommand.run({ action: 'subscribe', kind: 'crash' }, group({ chatId: '-100778', lang: 'vi' }));
  assert.equal(preferences.chatLang('telegram', '-100778'), 'en', 'a re-subscribe does not overwrite it either');
});

test('subscribe with no filters: every kind, the default coins, every venue, warning and above', async () => {
  await alertsCommand.run({ action: 'subscribe', kind: 'all' }, group({ chatId: '-100999' }));
  const sub = alerts.subscription('telegram', '-100999')!;
  assert.deepEqual([sub.kinds, sub.symbols, sub.venues, sub.minSeverity], [['crowding', 'crash', 'adl'], ['BTC', 'ETH'], ['*'], 'warning']);
});

test('only chat managers may change alerts; anyone may list', async () => {
  await assert.rejects(Promise.resolve(alertsCommand.run({ action: 'unsubscribe' }, group({ canManageChat: false }))), (e: unknown) => e instanceof UserError && e.key === 'alerts.not-allowed');
  const list = await alertsCommand.run({ action: 'list' }, group({ canManageChat: false }));
  assert.equal(list.blocks[0].kind, 'fields');
  assert.equal(alertsCommand.managesChat, true);
});

test('subscriptions belong to Discord channels and Telegram chats, not the terminal', async () => {
  await assert.rejects(Promise.resolve(alertsCommand.run({ action: 'subscribe', kind: 'all' }, makeTestContext({ services }))), (e: unknown) => e instanceof UserError && e.key === 'alerts.push-only');
});

test('bad coin or venue lists say what to type instead', () => {
  assert.throws(() => parseSymbols('BTC,ET H!'), (e: unknown) => e instanceof UserError && e.key === 'alerts.bad-symbols' && e.hintKey === 'alerts.hint-symbols');
  assert.throws(() => parseVenues('binance,ftx'), (e: unknown) => e instanceof UserError && e.key === 'alerts.bad-venues' && e.params.venue === 'ftx');
  assert.deepEqual(parseSymbols('all'), ['*']);
  assert.deepEqual(parseVenues('bybit hyperliquid'), ['bybit', 'hyperliquid']);
});

test('/alerts test posts a labelled sample to this chat; unsubscribe removes the subscription', async () => {
  const reply = await alertsCommand.run({ action: 'test' }, group({ lang: 'vi' }));
  assert.equal(reply.tone, 'success');
  const sample = telegram.sent.at(-1)!;
  assert.equal(sample.chatId, '-100123');
  assert.equal(sample.lang, 'vi');
  assert.match((sample.reply.blocks[0] as { text: string }).text, /Gửi thử/);
  assert.match(sample.reply.title ?? '', /BTC: giá đang sập/);
  const off = await alertsCommand.run({ action: 'unsubscribe' }, group());
  assert.equal(off.tone, 'success');
  assert.equal(alerts.subscription('telegram', '-100123'), undefined);
});

test('run-once polls, evaluates and lists what it would send, with per-venue cost', async () => {
  const reply = await alertsCommand.run({ action: 'run-once' }, makeTestContext({ services }));
  const data = reply.data as { venues: Array<{ venue: string; ok: boolean; requests: number }>; alerts: unknown[] };
  assert.deepEqual(data.venues.map((v) => [v.venue, v.ok]), [['binance', true], ['bybit', true], ['okx', true], ['hyperliquid', true]]);
  assert.ok(data.venues.every((v) => v.requests > 0));
  assert.deepEqual(data.alerts, [], 'a calm market raises nothing');
  assert.match(reply.title ?? '', /0 alert/);
});
