import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { FakeExchange, sampleMarket } from './fake-exchange.ts';
import { embedText, FakeDiscord, snowflake, type RecordedRequest, type SentInteraction } from './fake-discord.ts';

/**
 * Keyed /watch through the real discord.js client: `/watch add` answers only the trader with a
 * button; the button opens a modal (interaction response type 9) with the key's text inputs; its
 * submission (interaction type 5) is answered ephemerally once OKX has checked the key. A key that
 * can withdraw is refused; a key typed into a slash option in a server is never used, and the
 * trader is told to revoke it. The venue's ADL alert reaches the trader's DM.
 */
const TOKEN = 'aaaa.bbbb.keys';
const APPLICATION_ID = '1400000000000000003';

let fake: FakeDiscord;
const exchange = new FakeExchange(sampleMarket());
let app: App;
const logs: string[] = [];

before(async () => {
  fake = new FakeDiscord({ token: TOKEN, applicationId: APPLICATION_ID, heartbeatIntervalMs: 250 });
  await fake.start();
  await exchange.start();
  const config = loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'debug',
    RATE_LIMIT_PER_MINUTE: '1000',
    ...exchange.venueEnv,
    WATCH_RISKY_SECONDS: '2',
    WATCH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  app = await startApp(config, { terminal: false, scheduleAlerts: false, streams: false, logger: pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }), watchTickMs: 100 });
});

after(async () => {
  await app?.stop();
  await fake?.stop();
  await exchange.stop();
});

/** The first message the interaction's answer carried (a follow-up or the edited original). */
async function answerOf(interaction: SentInteraction, method: 'POST' | 'PATCH' = 'POST'): Promise<RecordedRequest> {
  return fake.webhookOf(interaction, method, method === 'PATCH');
}

test('/watch add okx in a server: a button only the trader sees opens a modal; the key checked by OKX is stored sealed and answered ephemerally', async () => {
  const key = exchange.keyed.addKey('okx');
  key.account = {
    equity: 12_000,
    positions: [{ coin: 'ETH', side: 'long', size: 2, entry: 3_000, mark: 4_100, liq: 1_900, leverage: 25, mode: 'cross', adl: 5 }],
    forced: [],
  };
  const trader = fake.user(snowflake(), 'okx-trader');
  const ask = fake.slash('watch', { venue: 'okx', address: 'swing' }, { user: trader }, 'add');
  await fake.callbackOf(ask);
  const prompt = await answerOf(ask);
  assert.equal(prompt.json.flags & 64, 64, 'ephemeral');
  assert.match(embedText(prompt.json.embeds), /A read-only OKX key for “swing”/);
  assert.match(embedText(prompt.json.embeds), /Permission: Read only/);
  const [button] = prompt.json.components.flatMap((row: any) => row.components);
  assert.equal(button.custom_id, 'form:watch:key:okx:swing');

  const message = fake.messages.get([...fake.messages.values()].find((m) => m.components.some((r: any) => r.components.some((b: any) => b.custom_id === button.custom_id)))!.id)!;
  const press = fake.press(message, button.custom_id, { user: trader });
  const opened = await fake.callbackOf(press);
  assert.equal(opened.json.type, 9, 'the press is answered with a modal');
  const modal = fake.modals.get(press.id);
  assert.equal(modal.title, 'Read-only OKX API key');
  assert.deepEqual(modal.components.map((c: any) => [c.type, c.component.custom_id, c.component.style]), [[18, 'apiKey', 1], [18, 'secret', 1], [18, 'passphrase', 1]]);

  const submit = fake.submitModal(press, { apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase! }, { user: trader });
  const deferred = await fake.callbackOf(submit);
  assert.equal(deferred.json.type, 5);
  assert.equal(deferred.json.data.flags & 64, 64, 'deferred ephemerally');
  const added = await answerOf(submit, 'PATCH');
  const text = embedText(added.json.embeds);
  assert.match(text, /Watching “swing” on OKX/);
  assert.match(text, /OKX ADL indicator: ●●●●● 5\/5 \(level 5 of 0–5\)/);
  assert.ok(!JSON.stringify(fake.requests.map((r) => r.json)).includes(key.secret), 'the secret is never sent back to Discord');
  const [row] = app.db.prepare('SELECT * FROM watch_keys WHERE user_id = ?').all(trader.id) as any[];
  assert.equal(row.venue, 'okx');
  assert.ok(row.passphrase && !Buffer.from(row.passphrase).toString('latin1').includes(key.passphrase!));

  // OKX's indicator at 5: the alert comes to the trader's DM.
  const dm = await waitForDm(trader.id);
  const alert = await fake.postTo(dm, /ETH long at the front of OKX's ADL queue \(5\/5\)/);
  assert.match(embedText(alert.json.embeds), /is 5 on its 0–5 scale/);
});

test('a key that can withdraw is refused and not stored; a key typed into a slash option is never used and its owner told to revoke it', async () => {
  const key = exchange.keyed.addKey('okx', { okx: { perm: 'read_only,withdraw', ip: '' } });
  const trader = fake.user(snowflake(), 'withdraw-trader');
  const ask = fake.slash('watch', { venue: 'okx' }, { user: trader, dm: true }, 'add');
  await fake.callbackOf(ask);
  const prompt = await answerOf(ask);
  const message = [...fake.messages.values()].find((m) => m.components.some((r: any) => r.components.some((b: any) => b.custom_id === 'form:watch:key:okx:okx1')))!;
  const press = fake.press(message, 'form:watch:key:okx:okx1', { user: trader, dm: true });
  await fake.callbackOf(press);
  const submit = fake.submitModal(press, { apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase! }, { user: trader, dm: true });
  await fake.callbackOf(submit);
  const refused = embedText((await answerOf(submit, 'PATCH')).json.embeds);
  assert.ok(prompt);
  assert.match(refused, /OKX key refused/);
  assert.match(refused, /This key can do more than read \(withdraw\)/);
  assert.match(refused, /• Withdraw/);
  assert.deepEqual(app.db.prepare('SELECT id FROM watch_keys WHERE user_id = ?').all(trader.id), []);

  const exposed = exchange.keyed.addKey('bybit');
  const typed = fake.slash('watch', { venue: 'bybit', address: exposed.apiKey, label: exposed.secret }, { user: trader }, 'add');
  await fake.callbackOf(typed);
  const warning = embedText((await answerOf(typed)).json.embeds);
  assert.match(warning, /You posted what looks like a Bybit API key in a shared chat/);
  assert.match(warning, /delete that key on Bybit now/);
  assert.ok(!warning.includes(exposed.apiKey) && !warning.includes(exposed.secret));
  assert.equal(exchange.keyed.requests.filter((r) => r.apiKey === exposed.apiKey).length, 0, 'the typed key was never sent to Bybit');
  for (const secret of [key.secret, key.passphrase!, exposed.secret, exposed.apiKey]) assert.deepEqual(logs.filter((line) => line.includes(secret)), []);
});

async function waitForDm(userId: string): Promise<string> {
  const start = Date.now();
  while (!fake.dmChannels.get(userId)) {
    if (Date.now() - start > 20_000) throw new Error('no DM channel opened');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return fake.dmChannels.get(userId)!;
}
