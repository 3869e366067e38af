import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Lang } from '../../src/chat/command.ts';
import type { DeliveryResult, EditResult, ReplySender, SendOptions } from '../../src/chat/delivery.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { LiveDigest, digestCoins, type DigestSource } from '../../src/alerts/digest.ts';
import { buildDigestReply, type DigestView } from '../../src/alerts/digest-message.ts';
import { openDatabase } from '../../src/store/database.ts';
import { AlertsRepository, type Subscription } from '../../src/store/alerts-repository.ts';
import { DigestRepository, type CrashEpisode } from '../../src/store/digest-repository.ts';
import { ManualClock } from '../support/market.ts';

/** The live digest's delivery rules, with a sender that records and answers as told. */
class EditingSender implements ReplySender {
  readonly log: Array<{ at: number; op: 'send' | 'edit'; chatId: string; messageId?: string; title: string }> = [];
  readonly answers: Array<EditResult & { ok: false }> = [];
  private next = 100;

  constructor(
    readonly platform: string,
    private readonly clock: ManualClock,
    readonly pacing = { globalMs: 40, perChatMs: 3_000 },
  ) {}

  async send(chatId: string, reply: Reply, _lang: Lang): Promise<DeliveryResult> {
    const answer = this.answers.shift();
    this.log.push({ at: this.clock.now(), op: 'send', chatId, title: reply.title ?? '' });
    if (answer && answer.reason !== 'missing') return answer;
    return { ok: true, messageId: String(this.next++) };
  }

  async edit(chatId: string, messageId: string, reply: Reply, _lang: Lang): Promise<EditResult> {
    this.log.push({ at: this.clock.now(), op: 'edit', chatId, messageId, title: reply.title ?? '' });
    return this.answers.shift() ?? { ok: true, messageId };
  }
}

const T0 = Date.UTC(2025, 9, 10, 20, 50, 52);
const logger = pino({ level: 'silent' });

function setup(options: { sender?: (clock: ManualClock) => ReplySender; subs?: Array<Partial<Subscription>> } = {}) {
  const db = openDatabase(':memory:');
  const clock = new ManualClock(T0);
  const alerts = new AlertsRepository(db);
  const digests = new DigestRepository(db);
  for (const sub of options.subs ?? [{}]) {
    alerts.subscribe({ platform: 'chat', chatId: 'c1', kinds: ['crash'], symbols: ['BTC'], venues: ['*'], minSeverity: 'warning', createdBy: 'u', createdAt: '2025-10-10T00:00:00Z', ...sub });
  }
  const sender = options.sender?.(clock) ?? new EditingSender('chat', clock);
  let episode: CrashEpisode | undefined = digests.startEpisode(T0, {
    BTC: { since: T0, lastTriggeredAt: T0, severity: 'warning', high: 122_574, low: 121_800, last: 121_900, venues: ['binance', 'bybit'] },
  });
  const numbers = { long: 4_000_000 };
  const source: DigestSource = {
    view: (e, symbols, now): DigestView => ({
      startedAt: e.startedAt,
      lastActiveAt: e.lastActiveAt,
      endedAt: e.endedAt,
      now,
      coins: symbols.map((symbol) => ({ ...e.coins[symbol], symbol, long: { count: 10, usd: numbers.long }, short: { count: 1, usd: 10_000 } })),
      venues: [{ venue: 'binance', liquidations: true, long: { count: 10, usd: numbers.long }, short: { count: 1, usd: 10_000 }, adl: null, partial: false }],
      editIntervalSeconds: 10,
    }),
  };
  const make = () =>
    new LiveDigest({
      episode: () => episode,
      digests,
      alerts,
      senders: new Map([['chat', sender]]),
      langOf: () => 'en',
      source,
      editIntervalMs: 10_000,
      logger,
      now: clock.now,
      sleep: clock.sleep,
    });
  return {
    db,
    clock,
    alerts,
    digests,
    sender,
    numbers,
    digest: make(),
    restart: make,
    get episode() {
      return episode!;
    },
    end(at: number) {
      episode = { ...episode!, endedAt: at, lastActiveAt: at - 600_000 };
      digests.saveEpisode(episode);
      const ended = episode;
      episode = undefined;
      return ended;
    },
  };
}

test('the crash alert is the first version; then at most one edit per 10 s, and only when the numbers changed', async () => {
  const s = setup();
  const sender = s.sender as EditingSender;
  assert.deepEqual(await s.digest.tick(), { sent: 1, edited: 0, finals: 0, retried: 0, paused: 0, uncertain: 0 });
  assert.match(sender.log[0].title, /^⚠️ Crash in progress: BTC$/);
  for (let second = 1; second <= 60; second++) {
    s.clock.time = T0 + second * 1000;
    s.numbers.long += 100_000;
    await s.digest.tick();
  }
  const edits = sender.log.filter((l) => l.op === 'edit');
  assert.equal(edits.length, 6, 'one edit per 10 s over a minute of changes');
  assert.ok(edits.every((e) => e.messageId === '100'));
  const times = sender.log.map((l) => l.at);
  assert.ok(times.slice(1).every((t, i) => t - times[i] >= 10_000));
  s.clock.time += 60_000;
  await s.digest.tick();
  assert.equal(sender.log.filter((l) => l.op === 'edit').length, 6, 'nothing changed: no edit');
});

test('the final summary edits the same message; a restart continues the same message', async () => {
  const s = setup();
  const sender = s.sender as EditingSender;
  await s.digest.tick();
  s.clock.time += 15_000;
  s.numbers.long += 1_000_000;
  const restarted = s.restart();
  assert.equal((await restarted.tick()).edited, 1, 'the new process edits, it does not post');
  assert.equal(sender.log.filter((l) => l.op === 'send').length, 1);
  s.clock.time += 600_000;
  s.end(s.clock.time);
  assert.equal((await s.restart().tick()).finals, 1);
  const last = sender.log.at(-1)!;
  assert.equal(last.op, 'edit');
  assert.equal(last.messageId, '100');
  assert.match(last.title, /^✅ Crash over: BTC$/);
  assert.deepEqual(await s.restart().tick(), { sent: 0, edited: 0, finals: 0, retried: 0, paused: 0, uncertain: 0 }, 'done');
});

test("a platform's retry-after is waited out; a deleted message is posted again; a chat that kicked the bot is paused", async () => {
  const s = setup();
  const sender = s.sender as EditingSender;
  sender.answers.push({ ok: false, reason: 'retry', retryAfterMs: 30_000, detail: '429: Too Many Requests: retry after 30' });
  assert.equal((await s.digest.tick()).retried, 1);
  s.clock.time += 20_000;
  await s.digest.tick();
  assert.equal(sender.log.length, 1, 'not before the 30 s');
  s.clock.time += 11_000;
  assert.equal((await s.digest.tick()).sent, 1);

  s.clock.time += 11_000;
  s.numbers.long += 1;
  s.numbers.long += 5_000_000;
  sender.answers.push({ ok: false, reason: 'missing', detail: '400: Bad Request: message to edit not found' });
  await s.digest.tick();
  await s.digest.tick();
  assert.deepEqual(sender.log.slice(-2).map((l) => l.op), ['edit', 'send'], 'the deleted digest is posted anew');

  s.clock.time += 11_000;
  s.numbers.long += 5_000_000;
  sender.answers.push({ ok: false, reason: 'forbidden', detail: '403: Forbidden: bot was kicked from the group chat' });
  assert.equal((await s.digest.tick()).paused, 1);
  assert.match(s.alerts.get('chat', 'c1')!.pausedReason ?? '', /kicked/);
  s.clock.time += 11_000;
  s.numbers.long += 5_000_000;
  await s.digest.tick();
  assert.equal(sender.log.at(-1)!.op, 'edit', 'nothing more after the pause');
});

test('a face that cannot edit gets the first version and the final summary only', async () => {
  let posts = 0;
  const s = setup({
    sender: () => ({ platform: 'chat', pacing: { globalMs: 0, perChatMs: 1_000 }, send: async () => ({ ok: true, messageId: String(++posts) }) }),
  });
  await s.digest.tick();
  for (let i = 0; i < 5; i++) {
    s.clock.time += 15_000;
    s.numbers.long += 1_000_000;
    await s.digest.tick();
  }
  assert.equal(posts, 1);
  s.end(s.clock.time);
  await s.digest.tick();
  assert.equal(posts, 2);
});

/**
 * A platform that may post a message and never answer (the bot killed meanwhile, a time-out),
 * optionally de-duplicating by idempotency key as Discord's nonce does.
 */
class UnansweringSender implements ReplySender {
  readonly posts: Array<{ chatId: string; key?: string; messageId: string }> = [];
  readonly edits: string[] = [];
  /** The next sends post the message and then: hang (the process is killed), or answer as given. */
  readonly plan: Array<'hang' | (DeliveryResult & { ok: false })> = [];
  deduplicates?: { windowMs: number };
  readonly pacing = { globalMs: 0, perChatMs: 1_000 };

  constructor(readonly platform: string) {}

  send(chatId: string, _reply: Reply, _lang: Lang, options: SendOptions = {}): Promise<DeliveryResult> {
    const next = this.plan.shift();
    // A refused connection posts nothing; anything else got as far as the platform.
    if (next && next !== 'hang' && next.reason === 'retry') return Promise.resolve(next);
    const seen = this.deduplicates && this.posts.find((p) => p.key === options.idempotencyKey && p.chatId === chatId);
    const messageId = seen ? seen.messageId : String(100 + this.posts.length);
    if (!seen) this.posts.push({ chatId, key: options.idempotencyKey, messageId });
    if (next === 'hang') return new Promise(() => {});
    return Promise.resolve(next ?? { ok: true, messageId });
  }

  async edit(_chatId: string, messageId: string): Promise<EditResult> {
    this.edits.push(messageId);
    return { ok: true, messageId };
  }
}

const crashKey = { platform: 'chat', chatId: 'c1', venueGroup: '*', symbol: 'BTC', kind: 'crash' as const };

test('Telegram (no idempotency key): a first version of unknown fate is never posted again; the chat gets nothing more this episode', async () => {
  const s = setup({ sender: () => new UnansweringSender('chat') });
  const sender = s.sender as UnansweringSender;
  sender.plan.push({ ok: false, reason: 'uncertain', detail: 'Network request for sendMessage failed: socket hang up' });
  assert.equal((await s.digest.tick()).uncertain, 1);
  assert.equal(s.digests.digests(s.episode.id)[0].status, 'uncertain');
  assert.ok(s.alerts.isDuplicate(crashKey, 'warning', s.clock.now(), 3_600_000), 'the crash alert counts as sent for the minute poll');
  for (let i = 0; i < 3; i++) {
    s.clock.time += 15_000;
    s.numbers.long += 1_000_000;
    await s.digest.tick();
  }
  assert.equal(sender.posts.length, 1, 'posted at most once');
  assert.deepEqual(sender.edits, [], 'no id, nothing to edit');
});

/** The first version is posted and the process dies before Telegram or Discord answers. */
async function killedDuringFirstVersion(deduplicates?: { windowMs: number }) {
  const s = setup({ sender: () => Object.assign(new UnansweringSender('chat'), { deduplicates }) });
  const sender = s.sender as UnansweringSender;
  sender.plan.push('hang');
  void s.digest.tick(); // never answered: this process is gone
  await new Promise((resolve) => setImmediate(resolve));
  return { s, sender };
}

test('killed between posting the first version and storing its id: Telegram does not post it again (at most once)', async () => {
  const { s, sender } = await killedDuringFirstVersion();
  assert.equal(sender.posts.length, 1);
  assert.notEqual(s.digests.digests(s.episode.id)[0].sendingSince, null, 'marked before the call');
  s.clock.time += 20_000;
  assert.equal((await s.restart().tick()).uncertain, 1);
  s.clock.time += 20_000;
  s.numbers.long += 1_000_000;
  await s.restart().tick();
  assert.equal(sender.posts.length, 1);
});

test('killed between posting the first version and storing its id: Discord gets the same nonce, answers with the message it has, and the digest goes on editing it', async () => {
  const { s, sender } = await killedDuringFirstVersion({ windowMs: 120_000 });
  s.clock.time += 30_000;
  const restarted = s.restart();
  assert.equal((await restarted.tick()).sent, 1, 'the repeat returns the message already posted');
  assert.equal(sender.posts.length, 1, 'one message in the channel');
  s.clock.time += 15_000;
  s.numbers.long += 1_000_000;
  assert.equal((await restarted.tick()).edited, 1);
  assert.deepEqual(sender.edits, ['100'], 'the edits go to that message');

  // Past Discord's window the nonce no longer protects: a repeat could post twice, so none is made.
  const late = await killedDuringFirstVersion({ windowMs: 120_000 });
  late.s.clock.time += 180_000;
  assert.equal((await late.s.restart().tick()).uncertain, 1);
  assert.equal(late.sender.posts.length, 1);
});

test('Discord: a first version of unknown fate is repeated with the same key within the window; each chat and version has its own key', async () => {
  const s = setup({
    sender: () => Object.assign(new UnansweringSender('chat'), { deduplicates: { windowMs: 120_000 } }),
    subs: [{}, { chatId: 'c2' }],
  });
  const sender = s.sender as UnansweringSender;
  sender.plan.push({ ok: false, reason: 'uncertain', detail: '503 Service Unavailable' }, { ok: false, reason: 'retry', detail: 'connect ECONNREFUSED' });
  const first = await s.digest.tick();
  assert.equal(first.retried, 2);
  for (let i = 0; i < 3; i++) {
    s.clock.time += 5_000;
    await s.digest.tick();
  }
  const keys = sender.posts.map((p) => `${p.chatId} ${p.key}`);
  assert.equal(sender.posts.length, 2, 'one message per chat, the repeats de-duplicated');
  assert.notEqual(sender.posts[0].key, sender.posts[1].key, keys.join(', '));
  assert.ok(sender.posts.every((p) => (p.key ?? '').length + 2 <= 25), 'fits Discord’s nonce with the part suffix');
  assert.deepEqual(
    s.digests.digests(s.episode.id).map((d) => [d.chatId, d.status, d.sendingSince]),
    [
      ['c1', 'live', null],
      ['c2', 'live', null],
    ],
  );
});

test('which chats get a digest: crash subscribers of the coin, at their severity and venues; one per chat', async () => {
  const s = setup({
    subs: [
      {},
      { chatId: 'eth-only', symbols: ['ETH'] },
      { chatId: 'critical-only', minSeverity: 'critical' },
      { chatId: 'okx-only', venues: ['okx'] },
      { chatId: 'binance-only', venues: ['binance'] },
      { chatId: 'crowding', kinds: ['crowding'] },
      { chatId: 'everything', symbols: ['*'] },
    ],
  });
  const episode = s.episode;
  const sub = (chatId: string) => s.alerts.get('chat', chatId)!;
  assert.deepEqual(
    ['c1', 'eth-only', 'critical-only', 'okx-only', 'binance-only', 'crowding', 'everything'].map((id) => digestCoins(sub(id), episode).length),
    [1, 0, 0, 0, 1, 0, 1],
  );
  await s.digest.tick();
  await s.digest.tick();
  assert.deepEqual((s.sender as EditingSender).log.map((l) => l.chatId).sort(), ['binance-only', 'c1', 'everything']);
});

test('the digest reply: tables, the caveats, Vietnamese numbers; the final summary says how long it lasted', () => {
  const view: DigestView = {
    startedAt: T0,
    lastActiveAt: T0 + 26 * 60_000,
    endedAt: null,
    now: T0 + 5 * 60_000,
    coins: [{ symbol: 'BTC', severity: 'critical', high: 122_574, last: 113_000, low: 104_782, long: { count: 26_655, usd: 389_000_000 }, short: { count: 2_995, usd: 46_400_000 } }],
    venues: [
      { venue: 'binance', liquidations: true, long: { count: 3_703, usd: 54_300_000 }, short: { count: 402, usd: 5_520_000 }, adl: 'high', partial: false },
      { venue: 'hyperliquid', liquidations: false, long: { count: 0, usd: 0 }, short: { count: 0, usd: 0 }, adl: null, partial: false },
    ],
    editIntervalSeconds: 10,
  };
  const en = buildDigestReply(view, 'en');
  assert.equal(en.title, '🚨 Crash in progress: BTC');
  const coins = en.blocks[1];
  assert.ok(coins.kind === 'table');
  assert.deepEqual(coins.rows[0], ['BTC', '$113,000.00', '-7.81%', '$104,782.00', '$389M (26,655)', '$46.4M (2,995)']);
  const venues = en.blocks[2];
  assert.ok(venues.kind === 'table');
  assert.deepEqual(venues.rows[1], ['Hyperliquid', 'no public liquidation stream', '–', '–'], 'no zeros where there is no stream');
  assert.equal(en.actions?.[0].payload, 'explain:adl');
  const vi = buildDigestReply({ ...view, endedAt: view.lastActiveAt + 600_000 }, 'vi');
  assert.equal(vi.title, '✅ Đợt sập giá đã dịu: BTC');
  assert.match(JSON.stringify(vi.blocks), /kéo dài 26 phút/);
  assert.match(JSON.stringify(vi.blocks), /389 triệu USD \(26\.655\)/);
  assert.match(JSON.stringify(vi.blocks), /Rủi ro ADL/, 'the settled term (vi-glossary), as in the alerts');
  assert.match(vi.footer ?? '', /không phải lời khuyên đầu tư/);
});
