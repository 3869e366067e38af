import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { CLI_PROFILE } from '../../src/platforms/terminal/profile.ts';
import { FakeDiscord, snowflake, type RecordedRequest, type SentInteraction } from './fake-discord.ts';

/**
 * The real discord.js client, started through the composition root (`startApp`, as `npm start`
 * does), against a local Discord: REST under DISCORD_API_ROOT and the gateway URL that GET
 * /gateway/bot names there. Each test sends INTERACTION_CREATE over the gateway and reads what
 * the bot called back.
 */
const TOKEN = 'aaaa.bbbb.cccc';
const APPLICATION_ID = '1400000000000000001';
const MANAGE_CHANNELS = 1n << 4n;
/** View, send, embed, attach, read history — no Manage Channels. */
const MEMBER_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n));
const MODERATOR_PERMISSIONS = String(BigInt(MEMBER_PERMISSIONS) | MANAGE_CHANNELS);

let fake: FakeDiscord;
let app: App;
let config: Config;
const logLines: string[] = [];

function testConfig(): Config {
  return loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    // Many round trips from few users; the limiter itself is tested with the dispatcher.
    RATE_LIMIT_PER_MINUTE: '1000',
    RATE_LIMIT_HEAVY_PER_MINUTE: '100',
    // Nothing here may reach an exchange: a closed local port.
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  });
}

function capturingLogger() {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  return pino({ level: 'debug' }, stream);
}

async function start(withConfig: Config = config): Promise<App> {
  return startApp(withConfig, { terminal: false, scheduleAlerts: false, logger: capturingLogger() });
}

const puts = () => fake.requests.filter((r) => r.method === 'PUT' && r.path === `/applications/${APPLICATION_ID}/commands`);
const embedsOf = (r: RecordedRequest): any[] => r.json?.data?.embeds ?? r.json?.embeds ?? [];
const embedText = (embeds: any[]) =>
  embeds.map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f: any) => [f.name, f.value]), e.footer?.text].filter(Boolean).join('\n')).join('\n');

async function roundTrip(interaction: SentInteraction): Promise<RecordedRequest> {
  return fake.callbackOf(interaction);
}

before(async () => {
  fake = new FakeDiscord({ token: TOKEN, applicationId: APPLICATION_ID, heartbeatIntervalMs: 250 });
  await fake.start();
  config = testConfig();
  app = await start();
});

after(async () => {
  await app?.stop();
  await fake?.stop();
});

test('discord: logs in through GET /gateway/bot on DISCORD_API_ROOT, identifies with the Guilds intent only, heartbeats', async () => {
  assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot' && r.headers.authorization === `Bot ${TOKEN}`));
  assert.equal(fake.identifies.length, 1);
  assert.equal(fake.identifies[0].intents, 1, 'GatewayIntentBits.Guilds only');
  await fake.waitForHeartbeat();
  assert.ok(fake.heartbeats >= 1);
});

test('discord: slash commands registered once on start, hyphenated, with Vietnamese localizations', () => {
  const get = fake.requests.find((r) => r.method === 'GET' && r.path === `/applications/${APPLICATION_ID}/commands`);
  assert.ok(get, 'asked Discord what it has');
  assert.equal(get.query.get('with_localizations'), 'true');
  assert.equal(puts().length, 1);
  const body: any[] = puts()[0].json;
  const names = body.map((c) => c.name);
  assert.ok(names.includes('adl-rank'), names.join(','));
  for (const command of body) {
    assert.ok(command.description_localizations?.vi, `${command.name} has a vi description`);
    for (const option of command.options ?? []) assert.ok(option.description_localizations?.vi, `${command.name}.${option.name} has a vi description`);
  }
  const alerts = body.find((c) => c.name === 'alerts');
  assert.equal(alerts.default_member_permissions, String(MANAGE_CHANNELS));
  const liq = body.find((c) => c.name === 'liq');
  assert.equal(liq.options.find((o: any) => o.name === 'entry').type, 3, 'prices are STRING options (122k)');
  assert.deepEqual(liq.contexts, [0, 1], 'servers and DMs');
});

test('discord: /liq round trip answers with an embed holding the liquidation price', async () => {
  const args = { venue: 'binance', side: 'long', entry: '122000', qty: '0.5', leverage: '20x' };
  const callback = await roundTrip(fake.slash('liq', args));
  assert.equal(callback.json.type, 4);
  assert.equal(callback.json.data.flags ?? 0, 0, 'public');
  // What every face computes for the same input (the CLI's reply through the same dispatcher).
  const cli = await app.dispatcher.runNamed({ face: CLI_PROFILE, user: { id: 'cli' }, chat: { id: 'cli', kind: 'private' } }, app.dispatcher.find('liq')!, args);
  const expected = (cli.reply.blocks.find((b) => b.kind === 'fields') as any).fields[0].value as string;
  const [embed] = embedsOf(callback);
  const field = embed.fields.find((f: any) => f.name === 'Liquidation price');
  assert.ok(field, JSON.stringify(embed.fields));
  assert.equal(field.value, expected);
  assert.match(expected, /^\$\d{2,3},\d{3}/);
  assert.match(embed.title, /Binance/);
  assert.ok(embed.footer.text.length > 0);
  assert.equal(typeof embed.color, 'number');
});

test('discord: /adl-rank round trip', async () => {
  const callback = await roundTrip(fake.slash('adl-rank', { venue: 'binance', side: 'short', entry: '122k', mark: '102k', qty: '1', leverage: '20x' }));
  assert.equal(callback.json.type, 4);
  const text = embedText(embedsOf(callback));
  assert.match(text, /ADL/);
  assert.match(text, /[●○]{5}/, 'the five-light bar');
});

test('discord: /explain topic:adl, then Next edits the same message to step 2 (UPDATE_MESSAGE)', async () => {
  const ask = fake.slash('explain', { topic: 'adl' });
  const deferred = await fake.callbackOf(ask);
  assert.equal(deferred.json.type, 5, 'slow command: deferred first');
  const edit = await fake.webhookOf(ask, 'PATCH');
  const [first] = embedsOf(edit);
  assert.match(first.footer.text, /^Step 1\//);
  const message = fake.originalOf(ask)!;
  const buttons = message.components.flatMap((row: any) => row.components);
  const next = buttons.find((b: any) => b.label.startsWith('Next'));
  assert.ok(next, JSON.stringify(buttons));
  assert.equal(next.custom_id, 'explain:adl:2');
  assert.equal(next.style, 1, 'primary');
  if (edit.files.length) assert.match(first.image.url, /^attachment:\/\//);

  const press = fake.press(message, next.custom_id);
  const update = await fake.callbackOf(press);
  assert.equal(update.json.type, 7);
  const [step2] = update.json.data.embeds;
  assert.match(step2.footer.text, /^Step 2\//);
  assert.deepEqual(update.json.data.attachments, [], 'the step-1 picture is replaced (none on step 2)');
  const back = update.json.data.components.flatMap((row: any) => row.components).find((b: any) => b.custom_id === 'explain:adl:1');
  assert.ok(back, 'Back to step 1');

  // Close removes the buttons and keeps the text.
  const close = update.json.data.components.flatMap((row: any) => row.components).find((b: any) => b.label === 'Close');
  const closing = await fake.callbackOf(fake.press(fake.messages.get(message.id)!, close.custom_id));
  assert.equal(closing.json.type, 7);
  assert.deepEqual(closing.json.data.components, []);
  assert.equal(fake.messages.get(message.id)!.embeds[0].footer.text, step2.footer.text);
});

test('discord: a user error is ephemeral, translated, with a Discord-style example', async () => {
  const callback = await roundTrip(fake.slash('liq', { venue: 'binance', side: 'long', entry: 'abc' }));
  assert.equal(callback.json.type, 4);
  assert.equal(callback.json.data.flags & 64, 64, 'ephemeral');
  const [embed] = callback.json.data.embeds;
  assert.equal(embed.title, "That didn't work");
  assert.equal(embed.color, 0xed4245);
  assert.match(embed.description, /entry/);
  assert.match(embed.description, /Try: \/liq venue\\:binance|Try: \/liq venue:binance/);
  assert.doesNotMatch(embed.description, /\b(chat|liq)\.(error|hint)\./, 'no raw i18n keys');

  const vi = await roundTrip(fake.slash('liq', { venue: 'binance', side: 'long', entry: 'abc' }, { locale: 'vi' }));
  assert.equal(vi.json.data.flags & 64, 64);
  assert.equal(vi.json.data.embeds[0].title, 'Lệnh chưa chạy được');
  assert.match(vi.json.data.embeds[0].description, /Thử: \/liq venue/);
});

test('discord: /lang lang:vi, then /liq answers in Vietnamese', async () => {
  const user = fake.user(snowflake(), 'lan');
  const set = await roundTrip(fake.slash('lang', { lang: 'vi' }, { user }));
  assert.equal(set.json.type, 4);
  assert.equal(set.json.data.flags ?? 0, 0);
  const liq = await roundTrip(fake.slash('liq', { venue: 'binance', side: 'long', entry: '122000', qty: '0.5', leverage: '20x' }, { user }));
  assert.match(embedText(embedsOf(liq)), /Giá thanh lý/);
});

test('discord: a new user whose Discord is in Vietnamese (interaction locale vi) gets Vietnamese', async () => {
  const callback = await roundTrip(fake.slash('liq', { venue: 'hyperliquid', side: 'short', entry: '4300', qty: '10', leverage: '10x', symbol: 'ETHUSDT' }, { locale: 'vi' }));
  assert.ok(callback.json.data.embeds[0].fields.some((f: any) => f.name === 'Giá thanh lý'));
});

test('discord: a slow /simulate is deferred, then edited through the webhook with the chart attached', async () => {
  const ask = fake.slash('simulate', { scenario: 'mild', positions: 2000 });
  const deferred = await fake.callbackOf(ask);
  assert.equal(deferred.json.type, 5);
  const edit = await fake.webhookOf(ask, 'PATCH');
  assert.ok(edit.multipart, 'multipart with the file');
  assert.equal(edit.files.length, 1);
  assert.deepEqual([...edit.files[0].data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  const [embed] = edit.json.embeds;
  assert.equal(embed.image.url, `attachment://${edit.files[0].name}`);
  assert.equal(edit.json.attachments.length, 1);
  assert.ok(edit.json.attachments[0].description, 'alt text');
  assert.equal(fake.originalOf(ask)!.attachments.length, 1);
});

test('discord: /alerts subscribe by a member without Manage Channels is refused, privately; a moderator may', async () => {
  const member = fake.user(snowflake(), 'member');
  const ask = fake.slash('alerts', { action: 'subscribe' }, { user: member, permissions: MEMBER_PERMISSIONS });
  assert.equal((await fake.callbackOf(ask)).json.type, 5);
  const followUp = await fake.webhookOf(ask, 'POST', false);
  assert.equal(followUp.json.flags & 64, 64, 'ephemeral');
  assert.match(embedText(followUp.json.embeds), /Only people who can manage this channel/);
  await fake.webhookOf(ask, 'DELETE');
  assert.equal(app.alerts.subscription('discord', fake.channelId), undefined);

  const moderator = fake.user(snowflake(), 'mod');
  const allowed = fake.slash('alerts', { action: 'subscribe', symbols: 'BTC,ETH' }, { user: moderator, permissions: MODERATOR_PERMISSIONS });
  await fake.callbackOf(allowed);
  const edit = await fake.webhookOf(allowed, 'PATCH');
  assert.equal(edit.json.embeds[0].color, 0x57f287, 'success');
  assert.ok(app.alerts.subscription('discord', fake.channelId));
});

test('discord: works in a DM (no guild, anyone manages their own DM)', async () => {
  const callback = await roundTrip(fake.slash('lang', { lang: 'en', scope: 'chat' }, { dm: true }));
  assert.equal(callback.json.type, 4);
  assert.equal(callback.json.data.embeds[0].color, 0x57f287);
});

test('discord: symbol autocomplete answers with defaults when no market data is stored', async () => {
  const callback = await roundTrip(fake.autocomplete('market', 'symbol', 'b'));
  assert.equal(callback.json.type, 8);
  assert.deepEqual(callback.json.data.choices, [{ name: 'BTC', value: 'BTC' }]);
  const all = await roundTrip(fake.autocomplete('liq', 'symbol', ''));
  assert.deepEqual(all.json.data.choices.map((c: any) => c.value), ['BTC', 'ETH', 'SOL']);
});

test('discord: the alert sender posts to the channel and maps Discord errors', async () => {
  const sender = app.faces[0].sender!;
  const reply = {
    title: 'BTC: crowded longs',
    tone: 'warn' as const,
    blocks: [{ kind: 'text' as const, text: 'Funding **0.05%** per 8 h on 3 venues.' }],
    actions: [{ label: 'What is funding?', payload: 'explain:funding' }],
    image: { png: Buffer.from('89504e470d0a1a0a0000', 'hex'), alt: 'Funding chart', filename: 'btc funding.png' },
  };
  const ok = await sender.send(fake.channelId, reply, 'en');
  assert.equal(ok.ok, true);
  const post = await fake.waitFor((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages` && r.status === 200);
  assert.equal(post.headers.authorization, `Bot ${TOKEN}`);
  assert.equal(post.json.components[0].components[0].custom_id, 'explain:funding', 'alert payloads are sent as they are');
  assert.equal(post.files[0].name, 'btc-funding.png');
  assert.equal(post.json.embeds[0].image.url, 'attachment://btc-funding.png');
  assert.deepEqual(post.json.allowed_mentions, { parse: [] });

  const cases: Array<[string, { status: number; code?: number; retryAfter?: number }, string]> = [
    [snowflake(), { status: 403, code: 50001 }, 'forbidden'],
    [snowflake(), { status: 403, code: 50013 }, 'forbidden'],
    [snowflake(), { status: 404, code: 10003 }, 'gone'],
    [snowflake(), { status: 500 }, 'uncertain'],
    [snowflake(), { status: 429, retryAfter: 2.5 }, 'retry'],
  ];
  for (const [channel, failure, reason] of cases) {
    fake.channelFailures.set(channel, { ...failure, message: `failure ${failure.code ?? failure.status} ${TOKEN}` });
    const result = await sender.send(channel, reply, 'en');
    assert.equal(result.ok, false);
    if (result.ok) continue;
    assert.equal(result.reason, reason, `${failure.status}/${failure.code}`);
    assert.ok(!result.detail.includes(TOKEN), 'no token in the detail');
    // Retry-After in ms, plus discord.js's small safety offset.
    if (failure.status === 429) {
      const wait = result.reason === 'retry' ? result.retryAfterMs : undefined;
      assert.ok(wait !== undefined && wait >= 2500 && wait < 3500, String(wait));
    }
  }
});

test('discord: the sender edits a message it posted (PATCH), and reaches a user in a DM channel', async () => {
  const sender = app.faces[0].sender!;
  assert.equal(app.faces[0].profile.push?.canEdit, true);
  const sent = await sender.send(fake.channelId, { title: 'Digest', blocks: [{ kind: 'text', text: 'BTC 104,800' }] }, 'en');
  assert.ok(sent.ok && sent.messageId);
  const edited = await sender.edit!(fake.channelId, sent.messageId, { title: 'Digest', blocks: [{ kind: 'text', text: 'BTC **105,200**' }] }, 'en');
  assert.deepEqual(edited, { ok: true, messageId: sent.messageId });
  assert.match(fake.messages.get(sent.messageId)!.embeds[0].description, /105,200/);
  const missing = await sender.edit!(fake.channelId, snowflake(), { blocks: [{ kind: 'text', text: 'x' }] }, 'en');
  assert.equal(missing.ok === false && missing.reason, 'missing', 'a deleted message, not a gone channel');

  const member = snowflake();
  const dm = await sender.privateChatOf!(member);
  assert.ok(dm.ok);
  assert.equal(dm.chatId, fake.dmChannels.get(member));
  assert.equal((await sender.privateChatOf!(member)).ok && dm.chatId, fake.dmChannels.get(member), 'the same DM channel again');
  assert.equal((await sender.send(dm.chatId, { blocks: [{ kind: 'text', text: 'your position' }] }, 'en')).ok, true);
  const shy = snowflake();
  fake.closedDms.add(shy);
  const closed = await sender.privateChatOf!(shy);
  assert.ok(closed.ok);
  const refused = await sender.send(closed.chatId, { blocks: [{ kind: 'text', text: 'x' }] }, 'en');
  assert.equal(refused.ok === false && refused.reason, 'forbidden', 'DMs closed: 50007');
});

test('discord: a failed callback is logged without tokens and answered with an apology', async () => {
  const ask = fake.slash('liq', { venue: 'binance', side: 'long', entry: '100000', qty: '1', leverage: '10x' });
  fake.failCallback(ask.id, { status: 400, code: 50035, message: `Invalid Form Body (${TOKEN})` });
  const apology = await fake.callbackOf(ask);
  assert.equal(apology.json.data.flags & 64, 64);
  assert.match(apology.json.data.embeds[0].description, /error [0-9a-f]{8}/);
  const logs = logLines.join('');
  const id = /error ([0-9a-f]{8})/.exec(apology.json.data.embeds[0].description)![1];
  assert.match(logs, new RegExp(`"errorId":"${id}"`), 'the id the user sees is in the log');
  assert.match(logs, /\/liq: Invalid Form Body/);
  assert.ok(!logs.includes(TOKEN), 'bot token never logged');
  assert.ok(!logs.includes(ask.token), 'interaction token never logged');
});

test('discord: latency of /liq on the local server (INTERACTION_CREATE → callback), printed not asserted', async (t) => {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const sent = fake.slash('liq', { venue: 'binance', side: 'long', entry: String(100_000 + i * 500), qty: '0.5', leverage: '20x' });
    const callback = await fake.callbackOf(sent);
    samples.push(callback.at - sent.sentAt);
  }
  samples.sort((a, b) => a - b);
  const median = (samples[9] + samples[10]) / 2;
  t.diagnostic(`/liq reply latency over ${samples.length} round trips: median ${median.toFixed(1)} ms, min ${samples[0].toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms`);
  assert.equal(samples.length, 20);
});

test('discord: a dropped gateway connection is resumed, and the interaction sent meanwhile is answered', async () => {
  const identifies = fake.identifies.length;
  const resumes = fake.resumes;
  fake.dropGateway();
  const callback = await roundTrip(fake.slash('liq', { venue: 'binance', side: 'long', entry: '122000', qty: '0.5', leverage: '20x' }));
  assert.equal(callback.json.type, 4);
  assert.equal(fake.resumes, resumes + 1, 'RESUME, not a new session');
  assert.equal(fake.identifies.length, identifies);
});

test('discord: a second start with unchanged commands does not register again; stop is safe twice', async () => {
  await app.stop();
  const face = app.faces[0];
  await face.stop();
  const before = puts().length;
  const gets = fake.requests.filter((r) => r.method === 'GET' && r.path === `/applications/${APPLICATION_ID}/commands`).length;
  app = await start();
  assert.equal(fake.identifies.length, 2);
  assert.equal(fake.requests.filter((r) => r.method === 'GET' && r.path === `/applications/${APPLICATION_ID}/commands`).length, gets + 1);
  assert.equal(puts().length, before, 'no PUT: definitions unchanged');
  // Still serving.
  const callback = await roundTrip(fake.slash('help'));
  assert.equal(callback.json.type, 4);
});

test('discord: without DISCORD_APPLICATION_ID the id comes from READY; DISCORD_GUILD_ID registers to that server once', async () => {
  await app.stop();
  const globalPuts = puts().length;
  const learned = { ...config, discord: { ...config.discord!, applicationId: undefined } };
  app = await start(learned);
  assert.equal(puts().length, globalPuts, 'same application, same commands: nothing to register');

  await app.stop();
  const guildRoute = `/applications/${APPLICATION_ID}/guilds/${fake.guildId}/commands`;
  const inGuild = { ...config, discord: { ...config.discord!, guildId: fake.guildId } };
  app = await start(inGuild);
  const guildPuts = () => fake.requests.filter((r) => r.method === 'PUT' && r.path === guildRoute);
  assert.equal(guildPuts().length, 1);
  assert.equal(guildPuts()[0].json.find((c: any) => c.name === 'liq').contexts, undefined, 'guild commands carry no contexts');
  await app.stop();
  app = await start(inGuild);
  assert.equal(guildPuts().length, 1, 'unchanged on the next start');
  assert.equal(puts().length, globalPuts);
  const callback = await roundTrip(fake.slash('liq', { venue: 'okx', side: 'short', entry: '3000', qty: '2', leverage: '5x', symbol: 'ETH' }));
  assert.equal(callback.json.type, 4);
});
