import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { WATCH_LIST } from '../../commands/watch.ts';
import { COMMANDS } from '../../commands/index.ts';
import type { Lang } from '../../src/chat/command.ts';
import { Dispatcher, type Invocation } from '../../src/chat/dispatcher.ts';
import { plainText } from '../../src/chat/markup.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { createWatchService, hyperliquidLedger } from '../../src/watch/factory.ts';
import { noticeReply, type WatchNotice } from '../../src/watch/messages.ts';
import type { WatchService } from '../../src/watch/service.ts';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { makeTestServices, profile } from '../support/context.ts';
import { RecordingSender } from '../support/senders.ts';

/**
 * Keyed /watch through the dispatcher, as the faces drive it: the form a face shows, its answer,
 * the refusals in each language, where a key cannot be given (the terminal, the CLI, a Telegram
 * group), keyed watching off without a master key, the CLI refusing a keyed check, and forget-me.
 */
const exchange = new FakeExchange(sampleMarket());
let db: Db;
let service: WatchService;
let dispatcher: Dispatcher;
let preferences: PreferencesRepository;

function build(encryption: boolean): { service: WatchService; dispatcher: Dispatcher } {
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    ...exchange.venueEnv,
    ...(encryption ? { WATCH_ENCRYPTION_KEY: randomBytes(32).toString('base64'), WATCH_KEY_IPS: '203.0.113.7' } : {}),
  });
  const watch = createWatchService({
    config,
    db,
    ledger: hyperliquidLedger(),
    senders: new Map([['telegram', new RecordingSender('telegram')], ['discord', new RecordingSender('discord')]]),
    logger: pino({ level: 'silent' }),
  });
  return { service: watch, dispatcher: new Dispatcher({ commands: COMMANDS, services: makeTestServices({ preferences }).with(WATCH_LIST, watch), logger: pino({ level: 'silent' }) }) };
}

before(async () => {
  await exchange.start();
  db = openDatabase(':memory:');
  preferences = new PreferencesRepository(db);
  ({ service, dispatcher } = build(true));
});

after(() => exchange.stop());

function invocation(face: string, userId: string, kind: 'private' | 'group' = 'private', lang: Lang = 'en'): Invocation {
  return { face: profile(face), user: { id: userId }, chat: { id: kind === 'private' ? userId : '-100200', kind }, lang };
}

const textOf = (reply: Reply) =>
  [reply.title ?? '', ...reply.blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : [b.columns, ...b.rows].map((r) => r.join(' | ')).join('\n'))), reply.footer ?? '']
    .map(plainText)
    .join('\n');

async function say(line: string, inv: Invocation): Promise<{ reply: Reply; failure?: string; text: string }> {
  const result = await dispatcher.runLine(inv, line);
  assert.equal(result.kind, 'reply');
  return { reply: result.reply, failure: result.kind === 'reply' ? result.failure : undefined, text: textOf(result.reply) };
}

test('the form: its payload, fields per venue, and the answer in Vietnamese; a malformed answer names no value', async () => {
  const me = invocation('telegram', '8001', 'private', 'vi');
  const asked = await say('/watch add okx chinh', me);
  assert.equal(asked.failure, undefined, asked.text);
  assert.equal(asked.reply.form?.payload, 'watch:key:okx:chinh');
  assert.match(asked.text, /Trên OKX: Hồ sơ → API → Tạo khóa API/);
  assert.match(asked.text, /Trước tiên, tôi kiểm tra quyền của khóa qua API của chính OKX/);
  assert.doesNotMatch(asked.text, /endpoint/, 'no English left in the Vietnamese');
  assert.match(asked.text, /giới hạn khóa theo địa chỉ IP của tôi trên OKX \(203\.0\.113\.7\)/);
  const form = await dispatcher.formSpec(me, asked.reply.form.payload);
  assert.deepEqual(form?.spec.fields.map((f) => f.name), ['apiKey', 'secret', 'passphrase']);
  assert.ok(form.spec.title.length <= 45 && form.spec.fields.every((f) => f.label.length <= 45));

  const bad = await dispatcher.runForm(me, asked.reply.form.payload, { apiKey: 'short', secret: 'also short but long enough', passphrase: 'p' });
  assert.equal(bad.kind === 'reply' && bad.failure, 'user');
  assert.match(textOf(bad.reply), /Đó có vẻ không phải API key và secret của OKX\. Không có gì được lưu\./);
  assert.doesNotMatch(textOf(bad.reply), /also short/);
  // What to type instead: the same command again (the form is gone once answered), not a bare `/watch add`.
  assert.match(textOf(bad.reply), /Bắt đầu lại bằng \/watch add okx chinh\./);
  const onlyKey = await dispatcher.runForm(invocation('telegram', '8001'), asked.reply.form.payload, { apiKey: 'AKIA1234567890abcdef', secret: '', passphrase: '' });
  assert.match(textOf(onlyKey.reply), /That does not look like an API key and secret for OKX\. Nothing was stored\.\nSend the key, the secret and the passphrase, each on its own line; .* Start again with \/watch add okx chinh\./);

  const key = exchange.keyed.addKey('okx', { okx: { perm: 'read_only,withdraw,trade', ip: '' } });
  const refused = await dispatcher.runForm(me, asked.reply.form.payload, { apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase! });
  const text = textOf(refused.reply);
  assert.match(text, /Khóa OKX bị từ chối/);
  assert.match(text, /Khóa này có quyền vượt quá chỉ đọc \(rút tiền, giao dịch\)/);
  assert.match(text, /• Withdraw\n• Trade/);
  assert.equal(refused.reply.form?.payload, 'watch:key:okx:chinh', 'another key can be sent the same way');
  assert.deepEqual((refused.reply.data as any).permissions, ['Withdraw', 'Trade']);

  const good = exchange.keyed.addKey('okx');
  const added = await dispatcher.runForm(me, asked.reply.form.payload, { apiKey: good.apiKey, secret: good.secret, passphrase: good.passphrase! });
  assert.match(textOf(added.reply), /Tôi đã bắt đầu theo dõi vị thế OKX của bạn bằng khóa chỉ đọc, với nhãn “chinh”/);
  const again = await dispatcher.runForm(me, 'watch:key:okx:chinh2', { apiKey: good.apiKey, secret: good.secret, passphrase: good.passphrase! });
  assert.match(textOf(again.reply), /Bạn đã theo dõi bằng khóa này, với nhãn “chinh”/);

  const list = await say('/watch list', me);
  assert.match(list.text, /chinh \| OKX \| khóa chỉ đọc/);
  assert.deepEqual((list.reply.data as any).watches.map((w: any) => [w.label, w.address, w.readOnlyKey]), [['chinh', null, true]]);

  const removed = await say('/watch remove chinh', me);
  assert.match(removed.text, /Đã ngừng theo dõi “chinh” trên OKX\. Khóa của nó đã bị xóa/);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM watch_keys WHERE user_id = '8001'").get() as { n: number }).n, 0, 'the sealed key is deleted at once');
  assert.match((await say('/watch remove chinh', me)).text, /Bạn không theo dõi mục nào có nhãn hoặc địa chỉ đó\.\nXem các mục bạn đang theo dõi và nhãn của chúng: \/watch list\./);
});

test('Binance, where a read-only key cannot read futures: refused in both languages, saying why and what still works, with no form and no IP advice', async () => {
  const key = exchange.keyed.addKey('binance');
  for (const [lang, userId] of [['en', '8011'], ['vi', '8012']] as const) {
    const me = invocation('telegram', userId, 'private', lang);
    const asked = await say('/watch add binance', me);
    const result = await dispatcher.runForm(me, asked.reply.form!.payload, { apiKey: key.apiKey, secret: key.secret });
    const text = textOf(result.reply);
    assert.equal((result.reply.data as any).refused, 'positions-need-trading');
    assert.equal(result.reply.form, undefined, 'no other key can pass: no form to send one');
    if (lang === 'en') {
      assert.match(text, /Binance confirmed that this key is read-only, but it does not let a read-only key read your futures positions/);
      assert.match(text, /you can delete it on Binance\. Bybit and OKX work with a read-only key; for Binance, \/liq and \/adl-rank work from the figures you type/);
      assert.doesNotMatch(text, /restrict the key/);
    } else {
      assert.match(text, /Binance xác nhận đây là khóa chỉ đọc, nhưng không cho khóa chỉ đọc xem vị thế Futures của bạn/);
      assert.match(text, /Không có gì được lưu/);
      assert.doesNotMatch(text, /giới hạn khóa/);
    }
    assert.equal(service.list({ platform: 'telegram', userId }).length, 0);
  }
});

test('where a key cannot be given: a Telegram group, the terminal and the CLI; a keyed check needs a watch', async () => {
  const group = await say('/watch add bybit main', invocation('telegram', '8002', 'group'));
  assert.equal(group.failure, 'user');
  assert.match(group.text, /I take Bybit keys only in our private chat/);
  const terminal = await say('/watch add bybit', invocation('terminal', 'op'));
  assert.match(terminal.text, /can only be given to me in a private form in Telegram or Discord/);
  const cli = await dispatcher.runWords(invocation('cli', 'cli'), dispatcher.find('watch')!, ['check', '--venue', 'bybit', '--address', 'main']);
  assert.equal(cli.kind === 'reply' && cli.failure, 'user');
  assert.match(textOf(cli.reply), /Bybit positions are private: I read them only with a read-only key you gave me/);
  // Discord takes a key through a modal anywhere: the answer is only seen by the asker.
  const discord = await say('/watch add bybit', invocation('discord', '8003', 'group'));
  assert.equal(discord.reply.ephemeral, true);
  assert.equal(discord.reply.form?.payload, 'watch:key:bybit:bybit1');
});

test('without WATCH_ENCRYPTION_KEY keyed watching is off and says so; Hyperliquid still works', async () => {
  const off = build(false);
  const result = await off.dispatcher.runLine(invocation('telegram', '8004'), '/watch add bybit');
  assert.match(textOf(result.reply), /Watching Bybit with a read-only key is off on this bot/);
  assert.equal(off.service.keyedWatching, false);
  assert.deepEqual(off.service.venues, ['hyperliquid']);
});

test('forget-me deletes the person: watches, keys, language choice, their private chat settings; group subscriptions stay without their id', async () => {
  const me = invocation('telegram', '8005');
  preferences.setUserLang('telegram', '8005', 'vi');
  preferences.setChatLang('telegram', '8005', 'vi');
  db.prepare(`INSERT INTO alert_subscriptions (platform, chat_id, kinds, symbols, venues, min_severity, created_by, created_at) VALUES ('telegram', '-100777', '["crash"]', '[]', '[]', 'warning', '8005', '2025-10-10')`).run();
  const asked = await say('/watch add bybit desk', me);
  const key = exchange.keyed.addKey('bybit');
  await dispatcher.runForm(me, asked.reply.form!.payload, { apiKey: key.apiKey, secret: key.secret });
  assert.equal(service.list({ platform: 'telegram', userId: '8005' }).length, 1);

  const gone = await say('/watch forget-me', me);
  // Other records: the language choice, the private chat's language, the group subscription's creator id.
  assert.match(gone.text, /I deleted everything I held about you here: 1 watch\(es\), 1 API key\(s\), and 3 other record\(s\)/);
  // Asked twice: the second time there is nothing, and it says so in their language.
  assert.match((await say('/watch forget-me', me)).text, /I hold nothing about you here: no watch, no API key, no other record\. There was nothing to delete\./);
  assert.match((await say('/watch forget-me', invocation('telegram', '8005', 'private', 'vi'))).text, /Tôi không lưu dữ liệu nào về bạn ở đây/);
  const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
  assert.equal(count("SELECT COUNT(*) AS n FROM watches WHERE user_id = '8005'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM watch_keys WHERE user_id = '8005'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM watch_owners WHERE user_id = '8005'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM user_preferences WHERE user_id = '8005'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM chat_preferences WHERE chat_id = '8005'"), 0);
  assert.deepEqual(db.prepare("SELECT chat_id, created_by FROM alert_subscriptions WHERE chat_id = '-100777'").get(), { chat_id: '-100777', created_by: '' });
});

test('keyed notices in both languages: the venue ADL alert beside our estimate, a receipt per venue, a rejected key', () => {
  const base = { venue: 'bybit', account: 'key:3', label: 'main', coin: 'BTC', side: 'short' as const, time: Date.UTC(2025, 9, 10, 21, 15) };
  const adl: WatchNotice = { ...base, type: 'adl-queue', tier: 5, lights: 5, percentile: 0.93, markPrice: '104000', unrealizedPnl: '18000', leverage: '20', signal: { reason: 'crash-alert' }, advice: [], venueAdl: { raw: 5, scale: '1–5', lights: 5, top: true }, ourLights: 4 };
  const en = textOf(noticeReply(adl, 'en'));
  assert.match(en, /BTC short at the front of Bybit's ADL queue \(5\/5\)/);
  assert.match(en, /Our estimate: 4\/5, ahead of ~93% of reference positions/);
  assert.match(en, /a crash alert is running for BTC/);
  assert.match(textOf(noticeReply(adl, 'vi')), /Chỉ báo ADL của chính Bybit cho vị thế BTC Short trên Bybit \(“main”, khóa chỉ đọc\) đang ở mức 5 \(thang 1–5\)/);
  const why: Record<string, RegExp> = { binance: /Binance hủy các lệnh đang chờ/, bybit: /Bybit tiếp quản vị thế \(BustTrade\)/, okx: /OKX đóng vị thế, một phần hoặc toàn bộ/ };
  for (const venue of ['binance', 'bybit', 'okx']) {
    const receipt: WatchNotice = { ...base, venue, type: 'receipt', kind: 'liquidation', size: '0.5', price: '140100', markPrice: venue === 'binance' ? null : '140050', closedPnl: '-9000', method: null, fills: 1 };
    const vi = textOf(noticeReply(receipt, 'vi'));
    assert.match(vi, why[venue], venue);
    assert.doesNotMatch(vi, /Hyperliquid/, `${venue}: no Hyperliquid wording in a keyed receipt`);
    assert.doesNotMatch(textOf(noticeReply(receipt, 'en')), /Hyperliquid|liquidator vault/);
  }
  const rejected = textOf(noticeReply({ type: 'key-rejected', venue: 'okx', account: 'key:4', label: 'swing', time: base.time }, 'vi'));
  assert.match(rejected, /OKX đã từ chối khóa của “swing”/);
  assert.match(rejected, /10\/10\/2025 21:15 UTC/);
});
