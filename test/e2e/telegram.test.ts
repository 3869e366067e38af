import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import type { Command } from '../../src/chat/command.ts';
import { textReply, type ActionOutcome } from '../../src/chat/reply.ts';
import { loadConfig } from '../../src/config.ts';
import { REDACT_PATHS } from '../../src/logger.ts';
import type { TelegramFace } from '../../src/platforms/telegram/face.ts';
import { freePort } from '../support/net.ts';
import { BOT_USER, FakeTelegram, checkHtml, user, type Call, type Json } from './fake-telegram.ts';

/**
 * The real grammY bot, started the way `npm start` starts it (startApp with the Telegram face),
 * against a local fake Bot API server: updates go in through getUpdates (or the webhook), and the
 * tests read the calls the bot makes. Each test speaks from its own user and chat, so Telegram's
 * per-chat pacing and the per-user rate limit of one test never slow another.
 */
const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_test-token';

function captureLogs(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream), lines };
}

/** The next message the bot sends to `chatId` after the call index `since`. */
function nextMessage(fake: FakeTelegram, chatId: number, since: number, method = 'sendMessage'): Promise<Call> {
  return fake.waitFor((c) => c.method === method && Number(c.params.chat_id) === chatId && !c.error && fake.calls.indexOf(c) >= since, `${method} to ${chatId}`);
}

/** A user says `text` in a private chat; resolves with the bot's first successful sendMessage. */
async function ask(fake: FakeTelegram, text: string, from: Json, chat?: Json): Promise<Call> {
  const since = fake.calls.length;
  fake.sendText(text, { user: from, chat });
  return nextMessage(fake, chat?.id ?? from.id, since);
}

/** The keyboard a call carried (a JSON string in multipart bodies, an object in JSON ones). */
const keyboardOf = (call: Call): Json[][] => {
  const markup = typeof call.params.reply_markup === 'string' ? JSON.parse(call.params.reply_markup) : call.params.reply_markup;
  return markup?.inline_keyboard ?? [];
};
const visible = (call: Call) => checkHtml(String(call.params.text ?? call.params.caption ?? ''));

describe('Telegram face over long polling', () => {
  const fake = new FakeTelegram(TOKEN);
  const logs = captureLogs();
  let app: App;

  before(async () => {
    const apiRoot = await fake.start();
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent' });
    app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: logs.logger });
  });

  after(async () => {
    await app?.stop();
    await app?.stop(); // safe twice
    await fake.stop();
  });

  test('start: getMe, the command menu in English and Vietnamese, then long polling', async () => {
    const menus = fake.callsOf('setMyCommands');
    assert.equal(menus.length, 2);
    const en = menus.find((c) => c.params.language_code === undefined)!;
    const vi = menus.find((c) => c.params.language_code === 'vi')!;
    assert.ok(en && vi);
    const names = (call: Call) => (call.params.commands as Json[]).map((c) => c.command);
    assert.deepEqual(names(en), ['liq', 'adl_rank', 'explain', 'simulate', 'market', 'liquidations', 'alerts', 'watch', 'lang', 'help']);
    assert.deepEqual(names(vi), names(en));
    const lang = (call: Call) => (call.params.commands as Json[]).find((c) => c.command === 'lang')?.description;
    assert.equal(lang(en), 'Answer in English or Vietnamese');
    assert.equal(lang(vi), 'Chọn trả lời bằng tiếng Anh hay tiếng Việt');
    assert.equal(fake.callsOf('getMe').length, 1);
    assert.ok(fake.callsOf('deleteWebhook').length >= 1);
    const poll = await fake.waitFor((c) => c.method === 'getUpdates', 'getUpdates');
    assert.deepEqual(poll.params.allowed_updates, ['message', 'channel_post', 'callback_query', 'my_chat_member']);
  });

  test('/liq binance long 30000 1 10x: an HTML message with the liquidation price', async () => {
    const reply = await ask(fake, '/liq binance long 30000 1 10x', user(2001));
    assert.equal(reply.params.parse_mode, 'HTML');
    assert.match(String(reply.params.text), /<b>Liquidation price<\/b>: \$27,108\.43/);
    assert.match(visible(reply), /Liquidation price · Binance USDⓈ-M · BTCUSDT long 10x/);
    assert.equal(reply.params.link_preview_options?.is_disabled, true);
    assert.equal(reply.params.reply_parameters, undefined, 'no quoting in a private chat');
  });

  test('/adl_rank (Telegram spelling of adl-rank) and /adlrank', async () => {
    const reply = await ask(fake, '/adl_rank binance short 122000 102000 1 20x', user(2002));
    assert.match(visible(reply), /ADL queue estimate · Binance USDⓈ-M · BTCUSDT short/);
    assert.match(visible(reply), /Queue lights: ●●●●○ 4\/5/);
    const alias = await ask(fake, '/adlrank@AdlSentinelBot binance short 122000 102000 1 20x', user(2002));
    assert.match(visible(alias), /Queue lights: ●●●●○ 4\/5/);
  });

  test('/explain adl, then Next: the button press is answered and the same message shows step 2; Close deletes it', async () => {
    const from = user(2003);
    const since = fake.calls.length;
    fake.sendText('/explain adl', { user: from });
    const photo = await nextMessage(fake, from.id, since, 'sendPhoto');
    assert.ok(photo.files.photo.data.length > 1000, 'the walkthrough picture is uploaded as a PNG');
    assert.match(String(photo.params.caption), /^Diagram: /);
    const step1 = await nextMessage(fake, from.id, since);
    assert.ok(fake.calls.indexOf(photo) < fake.calls.indexOf(step1), 'the picture first, then the text');
    // explain is a slow command: "typing…" before the answer
    const typing = fake.calls.slice(since).find((c) => c.method === 'sendChatAction');
    assert.equal(typing?.params.action, 'typing');
    assert.match(visible(step1), /Step 1\/10/);
    const buttons = keyboardOf(step1).flat();
    const next = buttons.find((b) => b.callback_data === 'explain:adl:2');
    assert.ok(next, JSON.stringify(buttons));
    const messageId = (step1.result as Json).message_id;

    const beforePress = fake.calls.length;
    const { queryId } = fake.press(from.id, messageId, 'explain:adl:2', from);
    const answered = await fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId, 'answerCallbackQuery');
    const edit = await fake.waitFor((c) => c.method === 'editMessageText' && fake.calls.indexOf(c) >= beforePress, 'editMessageText');
    assert.equal(answered.params.show_alert, undefined);
    assert.equal(edit.params.message_id, messageId);
    assert.equal(Number(edit.params.chat_id), from.id);
    assert.match(visible(edit), /Step 2\/10/);
    assert.ok(keyboardOf(edit).flat().some((b) => b.callback_data === 'explain:adl:1'), 'Back on step 2');
    assert.equal(fake.calls.slice(beforePress).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id).length, 0, 'no new message');

    const close = keyboardOf(edit).flat().find((b) => /close/.test(b.callback_data));
    assert.ok(close, 'a Close button');
    const beforeClose = fake.calls.length;
    const pressed = fake.press(from.id, messageId, close.callback_data, from);
    await fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === pressed.queryId, 'answer to Close');
    const deleted = await fake.waitFor((c) => c.method === 'deleteMessage' && fake.calls.indexOf(c) >= beforeClose, 'deleteMessage');
    assert.equal(deleted.params.message_id, messageId);
    assert.equal(fake.message(from.id, messageId), undefined);
  });

  test('a stale button is answered with an alert, not left spinning', async () => {
    const from = user(2011);
    const step = await ask(fake, '/explain funding', from);
    const messageId = (step.result as Json).message_id;
    // A payload of a command that does not exist (e.g. a button from an older version of the bot).
    const stored = fake.message(from.id, messageId)!;
    stored.reply_markup = { inline_keyboard: [[{ text: 'Old', callback_data: 'gone-command:1' }]] };
    const { queryId } = fake.press(from.id, messageId, 'gone-command:1', from);
    const answer = await fake.waitFor((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId, 'answerCallbackQuery');
    assert.equal(answer.params.show_alert, true);
    assert.match(String(answer.params.text), /This button no longer works/);
  });

  test('a user error: the translated message with an example in Telegram syntax', async () => {
    const reply = await ask(fake, '/liq binanse long 1 1', user(2004));
    const text = visible(reply);
    assert.match(text, /That didn't work/);
    assert.match(text, /“binanse” is not one of .*Did you mean binance\?/);
    assert.match(text, /Try: \/liq binance long \S+ \S+ \S+/);
    assert.match(text, /Every option: \/help liq/);
  });

  test('/lang vi, then /liq is answered in Vietnamese', async () => {
    const from = user(2005);
    const set = await ask(fake, '/lang vi', from);
    assert.match(visible(set), /Từ giờ tôi sẽ trả lời bạn bằng tiếng Việt/);
    const reply = await ask(fake, '/liq binance long 30000 1 10x', from);
    assert.match(visible(reply), /Giá thanh lý/);
  });

  test("a new user whose Telegram is in Vietnamese (language_code vi) is answered in Vietnamese", async () => {
    const reply = await ask(fake, '/liq binance long 30000 1 10x', user(2006, { language_code: 'vi' }));
    assert.match(visible(reply), /Giá thanh lý/);
  });

  test('a 429 with retry_after on sendMessage is waited out and the message still delivered', async () => {
    const from = user(2007);
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { match: (p) => Number(p.chat_id) === from.id });
    const since = fake.calls.length;
    const reply = await ask(fake, '/liq binance long 30000 1 10x', from);
    const attempts = fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id);
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0].error?.error_code, 429);
    assert.equal(attempts[1], reply);
    assert.equal(attempts[1].params.text, attempts[0].params.text, 'the same message, sent again');
  });

  test('group: /alerts subscribe is refused to a member and accepted from an admin (getChatMember)', async () => {
    const group = { id: -1001000000001, type: 'supergroup', title: 'Traders' };
    const member = user(2008);
    const admin = user(2009);
    fake.setMember(group.id, admin.id, 'administrator');

    const since = fake.calls.length;
    const refused = await ask(fake, '/alerts subscribe', member, group);
    const asked = fake.calls.slice(since).find((c) => c.method === 'getChatMember');
    assert.equal(Number(asked?.params.user_id), member.id);
    assert.match(visible(refused), /Only people who can manage this channel or group can change its alerts/);
    assert.equal(refused.params.reply_parameters?.message_id !== undefined, true, 'in a group the reply quotes the command');
    assert.equal(app.alerts.subscription('telegram', String(group.id)), undefined);

    const accepted = await ask(fake, '/alerts@AdlSentinelBot subscribe crash', admin, group);
    assert.match(visible(accepted), /Alerts are on/);
    assert.deepEqual(app.alerts.subscription('telegram', String(group.id))?.kinds, ['crash']);
  });

  test('group: an anonymous admin (posting as the group) manages it without a getChatMember lookup', async () => {
    const group = { id: -1001000000003, type: 'supergroup', title: 'Anon' };
    const anonymousBot = user(1087968824, { first_name: 'Group', username: 'GroupAnonymousBot', is_bot: true });
    const since = fake.calls.length;
    fake.sendText('/alerts subscribe', { user: anonymousBot, chat: group, senderChat: group });
    const reply = await nextMessage(fake, group.id, since);
    assert.match(visible(reply), /Alerts are on/);
    assert.equal(fake.calls.slice(since).filter((c) => c.method === 'getChatMember').length, 0);
  });

  test('the bot removed from a group: that chat\'s alerts are paused', async () => {
    const group = { id: -1001000000004, type: 'supergroup', title: 'Leaving' };
    const admin = user(2015);
    fake.setMember(group.id, admin.id, 'creator');
    await ask(fake, '/alerts subscribe', admin, group);
    assert.equal(app.alerts.subscription('telegram', String(group.id))?.pausedAt, null);
    const bot = { id: BOT_USER.id, is_bot: true, first_name: BOT_USER.first_name, username: BOT_USER.username };
    const updateId = fake.pushUpdate({
      my_chat_member: { chat: group, from: admin, date: 0, old_chat_member: { status: 'member', user: bot }, new_chat_member: { status: 'kicked', user: bot, until_date: 0 } },
    });
    // grammY asks for the updates after this one once it has handled it
    await fake.waitFor((c) => c.method === 'getUpdates' && Number(c.params.offset) > updateId, 'the next getUpdates');
    assert.match(String(app.alerts.subscription('telegram', String(group.id))?.pausedReason), /^forbidden: bot was removed/);
  });

  test("group: another bot's commands and unknown commands are left alone; ours are answered", async () => {
    const group = { id: -1001000000002, type: 'supergroup', title: 'Chat' };
    const from = user(2010);
    const since = fake.calls.length;
    fake.sendText('/liq@OtherBot binance long 30000 1 10x', { user: from, chat: group });
    fake.sendText('/weather', { user: from, chat: group });
    // Updates of one user in one chat are handled in order: once this is answered, the two above were read.
    const unknownToUs = await ask(fake, '/weather@AdlSentinelBot', from, group);
    assert.match(visible(unknownToUs), /There is no command \/weather/);
    const answers = fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === group.id);
    assert.deepEqual(answers, [unknownToUs]);
    // the same unknown command in a private chat is answered
    const privately = await ask(fake, '/weather', from);
    assert.match(visible(privately), /There is no command \/weather/);
  });

  test('a private message that is not a command gets a hint', async () => {
    const reply = await ask(fake, 'hello bot', user(2012));
    assert.match(visible(reply), /Commands start with a slash/);
  });

  test("the ReplySender (alerts): delivered, and Telegram's 403 → forbidden, chat not found → gone", async () => {
    const face = app.faces[0] as TelegramFace;
    const ok = await face.sender.send('2013', { ...textReply('**BTC** crash on 3 venues', 'warn', 'Crash'), actions: [{ label: 'What is ADL?', payload: 'explain:adl' }] }, 'en');
    assert.equal(ok.ok, true);
    const posted = fake.callsOf('sendMessage').find((c) => Number(c.params.chat_id) === 2013)!;
    assert.equal(keyboardOf(posted)[0][0].callback_data, 'explain:adl', 'alert payloads are sent as they are');

    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, { match: (p) => Number(p.chat_id) === 2014 });
    const blocked = await face.sender.send('2014', textReply('x'), 'en');
    assert.deepEqual(blocked, { ok: false, reason: 'forbidden', detail: '403: Forbidden: bot was blocked by the user' });

    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' }, { match: (p) => Number(p.chat_id) === -1001000000099 });
    const gone = await face.sender.send('-1001000000099', textReply('x'), 'vi');
    assert.equal(gone.ok === false && gone.reason, 'gone');
  });

  test('the ReplySender edits a text message it sent, and reaches a user privately by their id', async () => {
    const face = app.faces[0] as TelegramFace;
    assert.equal(face.profile.push?.canEdit, true);
    const sent = await face.sender.send('2016', textReply('BTC 104,800', 'info', 'Digest'), 'en');
    assert.ok(sent.ok && sent.messageId);
    const edited = await face.sender.edit('2016', sent.messageId, textReply('BTC **105,200**', 'info', 'Digest'), 'en');
    assert.deepEqual(edited, { ok: true, messageId: sent.messageId });
    const call = fake.callsOf('editMessageText').at(-1)!;
    assert.equal(Number(call.params.message_id), Number(sent.messageId));
    assert.match(String(call.params.text), /<b>105,200<\/b>/);
    assert.deepEqual(await face.sender.edit('2016', sent.messageId, textReply('BTC **105,200**', 'info', 'Digest'), 'en'), edited, 'the same text again is not a failure');
    const gone = await face.sender.edit('2016', '999999', textReply('x'), 'en');
    assert.equal(gone.ok === false && gone.reason, 'missing');
    assert.deepEqual(await face.sender.privateChatOf('2017'), { ok: true, chatId: '2017' });
  });

  test('no log line carries the bot token', () => {
    assert.ok(logs.lines.length > 0);
    for (const line of logs.lines) assert.ok(!line.includes(TOKEN) && !line.includes('ABCDEFGHIJKLMNOPQRSTUVWXYZ_test'), line);
    assert.deepEqual(fake.unknownMethods, []);
  });
});

describe('Telegram face over a webhook', () => {
  const fake = new FakeTelegram(TOKEN);
  const SECRET = 'webhook-secret_0123456789';
  let app: App;
  let face: TelegramFace;

  before(async () => {
    const apiRoot = await fake.start();
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://example.invalid/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: String(await freePort()),
      DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }) });
    face = app.faces[0] as TelegramFace;
  });

  after(async () => {
    await app?.stop();
    await fake.stop();
  });

  const post = (update: Json, secret?: string) =>
    fetch(`http://127.0.0.1:${face.webhookPort}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });

  test('setWebhook with the URL and the secret; no long polling', () => {
    assert.deepEqual(fake.webhook, { url: 'https://example.invalid/hook', secret_token: SECRET });
    assert.equal(fake.callsOf('getUpdates').length, 0);
    assert.ok(face.webhookPort && face.webhookPort > 0);
  });

  test('an update with the right secret is answered; a wrong or missing secret gets 401 and no answer', async () => {
    const intruder = user(3002);
    const wrong = await post(fake.webhookUpdate('/liq binance long 30000 1 10x', { user: intruder }), 'not-the-secret');
    assert.equal(wrong.status, 401);
    const missing = await post(fake.webhookUpdate('/liq binance long 30000 1 10x', { user: intruder }));
    assert.equal(missing.status, 401);

    const since = fake.calls.length;
    const good = await post(fake.webhookUpdate('/liq binance long 30000 1 10x', { user: user(3001) }), SECRET);
    assert.equal(good.status, 200);
    const reply = await nextMessage(fake, 3001, since);
    assert.match(visible(reply), /Liquidation price: \$27,108\.43/);
    assert.equal(fake.calls.filter((c) => Number(c.params.chat_id) === intruder.id).length, 0);

    const elsewhere = await fetch(`http://127.0.0.1:${face.webhookPort}/other`, { method: 'POST', body: '{}' });
    assert.equal(elsewhere.status, 404);
  });
});

describe('Telegram face: pictures, edits of a photo, long replies (test commands)', () => {
  const fake = new FakeTelegram(TOKEN);
  let app: App;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
  const described = { en: 'test', vi: 'thử' };
  const picture: Command = {
    name: 'picture',
    description: described,
    options: [],
    examples: [],
    run: () => ({
      title: 'Chart',
      tone: 'info',
      blocks: [{ kind: 'text', text: 'A **short** caption.' }],
      image: { png, alt: 'a chart', filename: 'chart.png' },
      actions: [{ label: 'Zoom', payload: 'zoom' }, { label: 'Essay', payload: 'essay' }],
    }),
    onAction: (payload): ActionOutcome =>
      payload === 'zoom'
        ? { kind: 'edit', reply: { title: 'Zoomed', blocks: [{ kind: 'text', text: 'Zoomed in.' }], actions: [{ label: 'Close', payload: 'close' }] } }
        : payload === 'essay'
          ? { kind: 'edit', reply: { title: 'Essay', blocks: [{ kind: 'text', text: 'word '.repeat(400) }] } }
          : { kind: 'close' },
  };
  const essay: Command = {
    name: 'essay',
    description: described,
    options: [],
    examples: [],
    run: () => ({
      title: 'Essay',
      blocks: [{ kind: 'text', text: Array.from({ length: 60 }, (_, i) => `**Line ${i}** ${'word & <more> '.repeat(12)}`).join('\n') }],
      actions: [{ label: 'Again', payload: 'again' }],
    }),
  };

  before(async () => {
    const apiRoot = await fake.start();
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent' });
    app = await startApp(config, { terminal: false, scheduleAlerts: false, commands: [picture, essay], logger: pino({ level: 'silent' }) });
  });

  after(async () => {
    await app?.stop();
    await fake.stop();
  });

  test('a reply that fits a caption is one photo message carrying the buttons; edit → editMessageCaption', async () => {
    const from = user(4001);
    const since = fake.calls.length;
    fake.sendText('/picture', { user: from });
    const photo = await nextMessage(fake, from.id, since, 'sendPhoto');
    assert.equal(String(photo.params.caption), 'ℹ️ <b>Chart</b>\n\nA <b>short</b> caption.');
    assert.equal(photo.params.parse_mode, 'HTML');
    assert.deepEqual(keyboardOf(photo).flat().map((b) => b.callback_data), ['picture:zoom', 'picture:essay']);
    assert.ok(photo.files.photo.data.equals(png));
    const messageId = (photo.result as Json).message_id;

    const beforeZoom = fake.calls.length;
    fake.press(from.id, messageId, 'picture:zoom', from);
    const edit = await fake.waitFor((c) => c.method === 'editMessageCaption' && fake.calls.indexOf(c) >= beforeZoom, 'editMessageCaption');
    assert.equal(edit.params.message_id, messageId);
    assert.match(String(edit.params.caption), /Zoomed in\./);
    assert.deepEqual(keyboardOf(edit).flat().map((b) => b.callback_data), ['picture:close']);
    assert.equal(fake.calls.slice(beforeZoom).filter((c) => c.method === 'sendMessage').length, 0);

    // Close: Telegram refuses to delete (e.g. older than 48 h) → the buttons are removed instead
    fake.failNext('deleteMessage', { error_code: 400, description: "Bad Request: message can't be deleted for everyone" });
    const beforeClose = fake.calls.length;
    fake.press(from.id, messageId, 'picture:close', from);
    const removed = await fake.waitFor((c) => c.method === 'editMessageReplyMarkup' && fake.calls.indexOf(c) >= beforeClose, 'editMessageReplyMarkup');
    assert.deepEqual(removed.params.reply_markup, { inline_keyboard: [] });
    assert.ok(fake.message(from.id, messageId), 'the message stays');
  });

  test('an edit of a photo that no caption can hold is sent as a new message', async () => {
    const from = user(4002);
    const since = fake.calls.length;
    fake.sendText('/picture', { user: from });
    const photo = await nextMessage(fake, from.id, since, 'sendPhoto');
    const beforePress = fake.calls.length;
    const { queryId } = fake.press(from.id, (photo.result as Json).message_id, 'picture:essay', from);
    const fresh = await nextMessage(fake, from.id, beforePress);
    assert.match(visible(fresh), /^ℹ️ Essay/);
    assert.ok(fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId));
    assert.equal(fake.calls.slice(beforePress).filter((c) => c.method === 'editMessageCaption').length, 0);
  });

  test('a reply longer than 4,096 characters arrives as several messages, the buttons on the last', async () => {
    const from = user(4003);
    const since = fake.calls.length;
    fake.sendText('/essay', { user: from });
    await fake.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id && !!c.params.reply_markup, 'the message with the keyboard');
    const parts = fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id);
    assert.ok(parts.length >= 3, `${parts.length} messages`);
    for (const part of parts) assert.ok(String(part.params.text).length <= 4096);
    assert.deepEqual(parts.map((p) => keyboardOf(p).length > 0), [...parts.slice(1).map(() => false), true]);
    const text = parts.map(visible).join('\n');
    for (let i = 0; i < 60; i++) assert.ok(text.includes(`Line ${i} word & <more>`), `line ${i}`);
  });
});
