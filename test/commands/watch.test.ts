import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { WATCH_LIST, watchCommand } from '../../commands/watch.ts';
import { COMMANDS } from '../../commands/index.ts';
import type { Lang } from '../../src/chat/command.ts';
import { Dispatcher, type Invocation } from '../../src/chat/dispatcher.ts';
import { isUserError } from '../../src/chat/errors.ts';
import { parseChatText } from '../../src/chat/options.ts';
import { plainText } from '../../src/chat/markup.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/store/database.ts';
import { createWatchService, hyperliquidLedger } from '../../src/watch/factory.ts';
import type { WatchService } from '../../src/watch/service.ts';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import { makeTestServices, profile } from '../support/context.ts';
import { adlFill } from '../support/fake-hyperliquid.ts';
import { RecordingSender } from '../support/senders.ts';

/**
 * /watch through the dispatcher, as every face drives it, on the real watch service against the
 * local fake Hyperliquid /info: option grammar per subcommand, validation with clear errors that
 * never repeat an address, the answer kept private in groups, and the check's JSON contract.
 */
const ADDRESS = '0x2ea18c23f72a4b6172c55b411823cdc5335923f4';
const EMPTY = `0x${'e'.repeat(40)}`;
const exchange = new FakeExchange(sampleMarket());
let telegram: RecordingSender;
let discord: RecordingSender;
let service: WatchService;
let dispatcher: Dispatcher;

before(async () => {
  await exchange.start();
  const account = exchange.hyperliquidAccounts.account(ADDRESS);
  account.crossAccountValue = 24_000;
  account.positions = [
    { coin: 'ETH', szi: 10, entryPx: 4000, markPx: 4235, leverage: 10, type: 'isolated', liquidationPx: 3600 },
    { coin: 'BTC', szi: -1, entryPx: 122_000, markPx: 104_800, leverage: 20, type: 'cross', liquidationPx: 140_000 },
  ];
  account.fills = [adlFill({ coin: 'BTC', side: 'short', size: 0.4, px: 99_100, markPx: 99_000, closedPnl: 9_160, time: Date.now() - 3_600_000, tid: 42 })];
  telegram = new RecordingSender('telegram');
  discord = new RecordingSender('discord');
  const config = loadConfig({ HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid'), DATABASE_PATH: ':memory:', WATCH_MAX_PER_USER: '2' });
  service = createWatchService({
    config,
    db: openDatabase(':memory:'),
    ledger: hyperliquidLedger(),
    senders: new Map([
      ['telegram', telegram],
      ['discord', discord],
    ]),
    logger: pino({ level: 'silent' }),
  });
  dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices().with(WATCH_LIST, service), logger: pino({ level: 'silent' }) });
});

after(() => exchange.stop());

function invocation(face: string, userId: string, chat: Partial<Invocation['chat']> = {}, lang: Lang = 'en'): Invocation {
  return { face: profile(face), user: { id: userId }, chat: { id: userId, kind: 'private', ...chat }, lang };
}

async function say(line: string, inv: Invocation): Promise<{ reply: Reply; failure?: string; text: string }> {
  const result = await dispatcher.runLine(inv, line);
  assert.equal(result.kind, 'reply');
  const reply = result.reply;
  const text = [reply.title ?? '', ...reply.blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : [b.columns, ...b.rows].map((r) => r.join(' | ')).join('\n'))), reply.footer ?? '']
    .map(plainText)
    .join('\n');
  return { reply, failure: result.kind === 'reply' ? result.failure : undefined, text };
}

test('the option grammar follows the subcommand: each has its own positional words; an option of another subcommand is refused', () => {
  assert.deepEqual(parseChatText(watchCommand, `add hyperliquid ${ADDRESS} main`, 'en'), { action: 'add', venue: 'hyperliquid', address: ADDRESS, label: 'main' });
  assert.deepEqual(parseChatText(watchCommand, 'remove main', 'en'), { action: 'remove', watch: 'main' });
  assert.deepEqual(parseChatText(watchCommand, 'check', 'en'), { action: 'check', venue: 'hyperliquid' });
  assert.deepEqual(parseChatText(watchCommand, 'check main', 'en'), { action: 'check', watch: 'main', venue: 'hyperliquid' });
  assert.deepEqual(parseChatText(watchCommand, `check --venue hyperliquid --address ${ADDRESS}`, 'en'), { action: 'check', venue: 'hyperliquid', address: ADDRESS });
  assert.deepEqual(parseChatText(watchCommand, 'list', 'en'), { action: 'list' });
  const refused = (text: string, key: string) =>
    assert.throws(() => parseChatText(watchCommand, text, 'en'), (e: unknown) => isUserError(e) && e.key === key, text);
  refused('remove label=main', 'chat.error.not-for-subcommand');
  refused('remove', 'chat.error.missing-about');
  refused('list now please', 'chat.error.extra-words');
  refused('subscribe', 'chat.error.choice');
});

test('add in a private chat: the account read now, the label, what alerts will come; list and check show it', async () => {
  const me = invocation('telegram', '5001');
  const missing = await say('/watch add hyperliquid', me);
  assert.equal(missing.failure, 'user');
  assert.match(missing.text, /Which Hyperliquid address\? Give it after the venue\.\nAn address is 0x followed by 40 hexadecimal characters/);
  const added = await say(`/watch add hyperliquid ${ADDRESS.toUpperCase().replace('0X', '0x')} main`, me);
  assert.equal(added.failure, undefined, added.text);
  assert.match(added.text, /Watching “main” on Hyperliquid/);
  assert.match(added.text, new RegExp(`now watch ${ADDRESS} on Hyperliquid`));
  assert.match(added.text, /within 20%, 10%, 5% of its liquidation price/);
  assert.match(added.text, /moved 5% your way within 5 minutes/);
  assert.match(added.text, /ETH long · 10 ETH at \$4,000\.00 · mark \$4,235\.00 · 10x isolated/);
  // Ours: isolated 10x with ETH's 25x table (mmr 2%): (4,000 − 40,000) / (10 × (0.02 − 1)) = 3,673.47; the fake's 3,600 is not the formula's, so both are named.
  assert.match(added.text, /Liquidation \$3,600\.00 \(Hyperliquid's\) · ours \$3,673\.47/);
  assert.match(added.text, /15% from the mark/);
  assert.match(added.text, /BTC short .* 20x cross/);
  assert.match(added.text, /ADL: ●●●●[●○] [45]\/5/);
  assert.equal((added.reply.data as any).watch.label, 'main');
  assert.equal(telegram.sent.length, 0, 'in a private chat the answer is the reply itself');

  const list = await say('/watch list', me);
  assert.match(list.text, new RegExp(`main \\| Hyperliquid \\| ${ADDRESS}`));

  const check = await say('/watch check main', me);
  assert.match(check.text, /main \(0x2ea1…23f4\) · Hyperliquid/);
  assert.match(check.text, /⚡ ADL: BTC short 0\.4 at \$99,100\.00 \(mark \$99,000\.00\) · realized \+\$9,160\.00/);
});

test('add refuses what cannot be watched, with what to type instead and without repeating the address', async () => {
  const me = invocation('telegram', '5002');
  const bad = await say('/watch add hyperliquid 0x2ea18c23f72a4b6172c55b411823cdc5335923f', me);
  assert.equal(bad.failure, 'user');
  assert.match(bad.text, /That is not a Hyperliquid address\.\nAn address is 0x followed by 40 hexadecimal characters/);
  assert.doesNotMatch(bad.text, /0x2ea18c23f72a4b6172c55b411823cdc5335923f\b/);
  const markup = await say(`/watch add hyperliquid ${ADDRESS} **bold**`, me);
  assert.match(markup.text, /That label cannot be used\.\nA label is 1–24 letters/);
  assert.equal((await say(`/watch add hyperliquid ${ADDRESS}`, me)).failure, undefined);
  assert.match((await say(`/watch add hyperliquid ${ADDRESS.toUpperCase().replace('0X', '0x')}`, me)).text, /You already watch that address, as “wallet1”/);
  const empty = await say(`/watch add hyperliquid ${EMPTY} Wallet1`, me);
  assert.match(empty.text, /You already use the label “Wallet1”/, 'labels are matched without case');
  const second = await say(`/watch add hyperliquid ${EMPTY}`, me);
  assert.match(second.text, /⚠ This address holds nothing on Hyperliquid right now/);
  assert.match(second.text, /“wallet2”/);
  const third = await say(`/watch add hyperliquid 0x${'f'.repeat(40)}`, me);
  assert.match(third.text, /You already watch 2 addresses, the most one person may/);
  const remove = await say('/watch remove nothing-like-it', me);
  // What to type instead: the list of their labels, not an example of adding an address.
  assert.match(remove.text, /You watch nothing by that label or address\.\nYour watches and their labels: \/watch list\./);
  const removed = await say(`/watch remove ${EMPTY}`, me);
  assert.match(removed.text, /Stopped watching “wallet2”.*Everything stored for it is deleted/s);
  assert.equal(service.list({ platform: 'telegram', userId: '5002' }).length, 1);
});

test('in a Telegram group the answer goes to the private chat and the group sees no address; a user who never opened one is told how', async () => {
  const group = invocation('telegram', '5003', { id: '-1001', kind: 'group' });
  const before = telegram.sent.length;
  const added = await say(`/watch add hyperliquid ${ADDRESS} desk`, group);
  assert.match(added.text, /I sent you the answer in our private chat/);
  assert.doesNotMatch(added.text, /0x/);
  const privately = telegram.sent.slice(before);
  assert.equal(privately.length, 1);
  assert.equal(privately[0].chatId, '5003', 'Telegram: the private chat is the user id');
  assert.match(privately[0].reply.title!, /Watching “desk”/);

  telegram.failNext({ ok: false, reason: 'forbidden', detail: "403: Forbidden: bot can't initiate conversation with a user" });
  const stranger = invocation('telegram', '5004', { id: '-1001', kind: 'group' });
  const refused = await say('/watch list', stranger);
  assert.match(refused.text, /Open a private chat with me \(tap my name, then Start\)/);
  assert.doesNotMatch(refused.text, /0x/);
});

test('in a Discord server the answer is ephemeral (seen by the asker alone), in Vietnamese for a Vietnamese user', async () => {
  const server = invocation('discord', '123456789012345678', { id: '223456789012345678', kind: 'group', guildId: '323456789012345678' }, 'vi');
  const added = await say(`/watch add hyperliquid ${ADDRESS} chính`, server);
  assert.equal(added.reply.ephemeral, true);
  assert.match(added.text, /Đang theo dõi “chính” trên Hyperliquid/);
  assert.match(added.text, /Giá thanh lý 3\.600,00 USD \(của Hyperliquid\)/);
  assert.match(added.text, /Giá trị tài khoản 30\.350,00 USD/, 'cross 24,000 + the isolated ETH margin with its PnL');
  assert.doesNotMatch(added.text, /chưa nhắn riêng được/, 'the DM channel opened');
  const list = await say('/watch list', server);
  assert.equal(list.reply.ephemeral, true);
  const check = await say('/watch check chính', server);
  assert.match(check.reply.footer ?? '', /Bảng ký quỹ: https:\/\/\S+, đọc lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} UTC/, 'when the table was read, as Vietnamese write dates');
  assert.doesNotMatch(check.reply.footer ?? '', /\bread\b|\d{4}-\d{2}-\d{2}/);
});

test('the CLI checks any address (JSON: exactly the contract), refuses a bad one, and cannot keep a watch list', async () => {
  const cli = invocation('cli', 'cli');
  const check = await say(`watch check --venue hyperliquid --address ${ADDRESS}`, cli);
  assert.equal(check.failure, undefined, check.text);
  const data = check.reply.data as any;
  assert.deepEqual(Object.keys(data), ['venue', 'address', 'accountValue', 'positions', 'events']);
  assert.equal(data.venue, 'hyperliquid');
  assert.equal(data.address, ADDRESS);
  const eth = data.positions.find((p: any) => p.coin === 'ETH');
  assert.deepEqual(Object.keys(eth), ['coin', 'side', 'size', 'entryPrice', 'markPrice', 'liquidationPrice', 'ourLiquidationPrice', 'distanceFromMarkPct', 'leverage', 'unrealizedPnl', 'adl']);
  assert.deepEqual(Object.keys(eth.adl), ['score', 'lights', 'percentile']);
  assert.equal(eth.liquidationPrice, '3600');
  assert.equal(eth.distanceFromMarkPct, '0.14994097', 'a fraction, as in liq');
  const btc = data.positions.find((p: any) => p.coin === 'BTC');
  assert.equal(btc.side, 'short');
  assert.ok(btc.adl.lights >= 4 && typeof btc.adl.score === 'string' && btc.adl.percentile > 0.6);
  assert.deepEqual({ ...eth.adl, score: typeof eth.adl.score }, { score: 'string', lights: 4, percentile: eth.adl.percentile });
  assert.ok(eth.adl.percentile >= 0.6 && eth.adl.percentile < 0.8);
  assert.deepEqual(data.events, [{ type: 'adl', coin: 'BTC', size: '0.4', price: '99100', markPrice: '99000', closedPnl: '9160', time: data.events[0].time }]);
  const bad = await say('watch check --venue hyperliquid --address 0x12', cli);
  assert.equal(bad.failure, 'user');
  const add = await say(`watch add --venue hyperliquid --address ${ADDRESS}`, cli);
  assert.match(add.text, /Watching needs a chat where I can message you privately/);
});
