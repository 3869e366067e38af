import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Command } from '../../src/chat/command.ts';
import { Dispatcher, type Invocation } from '../../src/chat/dispatcher.ts';
import { UserError } from '../../src/chat/errors.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { COMMANDS } from '../../commands/index.ts';
import { makeTestServices, profile } from '../support/context.ts';

const text = (reply: Reply) => reply.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n');
const person = (over: Partial<Invocation> = {}): Invocation => ({
  face: profile('telegram'),
  user: { id: 'u1' },
  chat: { id: 'c1', kind: 'private' },
  ...over,
});

function dispatcher(options: { commands?: readonly Command[]; logs?: unknown[]; now?: () => Date; rate?: boolean; secrets?: string[] } = {}) {
  const logs = options.logs ?? [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const services = makeTestServices();
  return Object.assign(new Dispatcher({
    commands: options.commands ?? COMMANDS,
    services,
    logger,
    rateLimits: options.rate === false ? undefined : { perMinute: 3, heavyPerMinute: 1 },
    now: options.now,
    secrets: options.secrets,
  }), { storedLanguages: services.preferences });
}

test('finds commands by hyphen, underscore, joined name and alias, with or without the slash', () => {
  const d = dispatcher();
  for (const name of ['adl-rank', 'adl_rank', 'adlrank', '/ADL_RANK']) assert.equal(d.find(name)?.name, 'adl-rank', name);
  assert.equal(d.find('start')?.name, 'help');
  assert.equal(d.find('sim')?.name, 'simulate');
  assert.equal(d.find('nope'), undefined);
});

test('a chat line runs the command; the language comes from the stored choice, else the locale', async () => {
  const d = dispatcher({ rate: false });
  const en = await d.runLine(person(), '/liq binance long 30000 1 10x');
  assert.equal(en.kind, 'reply');
  assert.match(en.reply.title ?? '', /Liquidation price/);
  const vi = await d.runLine(person({ user: { id: 'u2' }, locale: 'vi-VN' }), '/liq binance long 30000 1 10x');
  assert.equal(vi.lang, 'vi');
  assert.match(vi.reply.title ?? '', /Giá thanh lý/);
  await d.runLine(person({ user: { id: 'u2' }, locale: 'vi-VN' }), '/lang en');
  const back = await d.runLine(person({ user: { id: 'u2' }, locale: 'vi-VN' }), '/liq binance long 30000 1 10x');
  assert.equal(back.lang, 'en', 'the stored choice beats the locale');
});

test('a UserError is translated and followed by an example in the face syntax', async () => {
  const d = dispatcher({ rate: false });
  const telegram = await d.runLine(person(), '/adl_rank binance long');
  assert.equal(telegram.kind === 'reply' && telegram.failure, 'user');
  assert.equal(telegram.reply.tone, 'error');
  assert.equal(telegram.reply.ephemeral, true);
  assert.match(text(telegram.reply), /“entry” is missing/);
  assert.match(text(telegram.reply), /Try: \/adl_rank binance short 122000 102000 1 20x/);
  const discord = await d.runNamed(person({ face: profile('discord') }), d.find('liq')!, { venue: 'binance', side: 'long', entry: '-1' });
  assert.match(text(discord.reply), /entry must be above zero/);
  assert.match(text(discord.reply), /\/liq venue:binance side:long entry:122000/);
  const vi = await d.runLine(person({ locale: 'vi' , user: { id: 'vi-user' } }), '/liq binance long 1,500 1');
  assert.match(text(vi.reply), /có thể hiểu theo hai cách, 1500 hoặc 1,5/);
  assert.match(text(vi.reply), /Thử: \/liq binance long/);
});

test('an unexpected failure is logged with an id (secrets scrubbed) and answered with an apology quoting it', async () => {
  const logs: Array<Record<string, unknown>> = [];
  const broken: Command = {
    name: 'boom',
    description: { en: 'x', vi: 'x' },
    options: [],
    examples: [],
    run() {
      throw new Error('request to https://api.telegram.org/bot123456:SECRETSECRETSECRET/sendMessage failed');
    },
  };
  const d = dispatcher({ commands: [broken], logs, rate: false, secrets: ['123456:SECRETSECRETSECRET'] });
  const result = await d.runLine(person(), '/boom');
  assert.equal(result.kind === 'reply' && result.failure, 'internal');
  const id = /error ([0-9a-f]{8})/.exec(text(result.reply))?.[1];
  assert.ok(id, text(result.reply));
  assert.equal(logs.length, 1);
  assert.equal(logs[0].errorId, id);
  const logged = JSON.stringify(logs[0]);
  assert.ok(!logged.includes('SECRETSECRET'), logged);
  assert.match(logged, /\[redacted\]/);
  assert.ok(!text(result.reply).includes('telegram.org'), 'no internals in the reply');
});

test('unknown commands suggest the nearest one', async () => {
  const d = dispatcher({ rate: false });
  const result = await d.runLine(person(), '/lqi binance');
  assert.equal(result.kind, 'unknown');
  assert.match(text(result.reply), /Did you mean \/liq\?/);
});

test('rate limit: light commands share the minute, heavy ones have their own smaller allowance', async () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const d = dispatcher({ now: () => now });
  for (let i = 0; i < 3; i++) assert.equal((await d.runLine(person(), '/help')).kind, 'reply');
  const limited = await d.runLine(person(), '/help');
  assert.equal(limited.kind === 'reply' && limited.failure, 'rate-limited');
  assert.match(text(limited.reply), /Try again in 60 s/);
  assert.equal((await d.runLine(person({ user: { id: 'other' } }), '/help')).kind === 'reply', true, 'another user is not limited');
  now = new Date(now.getTime() + 61_000);
  const heavy = await d.runLine(person(), '/simulate mild positions=1000');
  assert.equal(heavy.kind === 'reply' && heavy.failure, undefined, text(heavy.reply));
  const second = await d.runLine(person(), '/simulate mild positions=1000');
  assert.equal(second.kind === 'reply' && second.failure, 'rate-limited');
});

test('rate limit: one notice per user per window, then quiet refusals; a new window brings a new notice', async () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const d = dispatcher({ now: () => now });
  for (let i = 0; i < 3; i++) await d.runLine(person(), '/help');
  const first = await d.runLine(person(), '/help');
  assert.equal(first.kind === 'reply' && first.failure, 'rate-limited');
  assert.equal(first.kind === 'reply' && first.quiet, false, 'the first refusal is told');
  for (let i = 0; i < 5; i++) {
    const again = await d.runLine(person(), '/help');
    assert.equal(again.kind === 'reply' && again.quiet, true, 'later refusals in the window are quiet');
  }
  assert.equal(d.wouldRefuse(person(), d.find('help')!), true);
  now = new Date(now.getTime() + 61_000);
  assert.equal(d.wouldRefuse(person(), d.find('help')!), false);
  for (let i = 0; i < 3; i++) await d.runLine(person(), '/help');
  const next = await d.runLine(person(), '/help');
  assert.equal(next.kind === 'reply' && next.quiet, false, 'a new window, a new notice');
});

test('the permission guard asks the face only for commands that need it', async () => {
  const d = dispatcher({ rate: false });
  let asked = 0;
  const group = (allowed: boolean) => person({ chat: { id: 'g1', kind: 'group' }, canManageChat: () => (asked++, allowed) });
  await d.runLine(group(false), '/liq binance long 30000 1 10x');
  assert.equal(asked, 0, 'liq does not ask');
  const refused = await d.runLine(group(false), '/lang vi chat');
  assert.equal(asked, 1);
  assert.match(text(refused.reply), /Only people who manage this chat/);
  const allowed = await d.runLine(group(true), '/lang vi chat');
  assert.match(text(allowed.reply), /cảnh báo trong nhóm\/kênh này sẽ bằng tiếng Việt/);
  assert.equal(d.storedLanguages.chatLang('telegram', 'g1'), 'vi');
  assert.equal(d.storedLanguages.userLang('telegram', 'u1'), undefined, 'the chat scope leaves the user choice alone');
});

test('buttons: a reply carries command-qualified payloads, and a press is routed back', async () => {
  const d = dispatcher({ rate: false });
  const first = await d.runLine(person(), '/explain adl');
  const next = first.reply.actions?.find((a) => /Next/.test(a.label));
  assert.ok(next, 'a Next button');
  assert.match(next.payload, /^explain:adl:2/);
  assert.ok(Buffer.byteLength(next.payload) <= 64);
  const pressed = await d.runAction(person(), next.payload);
  assert.equal(pressed.outcome.kind, 'edit');
  assert.equal(pressed.outcome.kind === 'edit' && pressed.outcome.reply.page?.index, 2);
  const close = first.reply.actions?.find((a) => /Close/.test(a.label));
  assert.equal((await d.runAction(person(), close!.payload)).outcome.kind, 'close');
  const stale = await d.runAction(person(), 'nothing:here');
  assert.equal(stale.outcome.kind, 'new');
  assert.match(stale.outcome.kind === 'new' ? text(stale.outcome.reply) : '', /no longer works/);
});

test('a command reaching the user error path through run() keeps its own hint', async () => {
  const withHint: Command = {
    name: 'hinted',
    description: { en: 'x', vi: 'x' },
    options: [],
    examples: [{ args: {} }],
    run() {
      throw new UserError('chat.error.missing', { option: 'x' }, { key: 'chat.hint.commands', params: { help: '/hinted now' } });
    },
  };
  const d = dispatcher({ commands: [withHint], rate: false });
  const reply = (await d.runLine(person(), '/hinted')).reply;
  assert.match(text(reply), /Every command: \/hinted now/);
  assert.ok(!/Try:/.test(text(reply)), 'no generic example when the command gave a hint');
});

test('an alert button (`explain:funding`, no command asked) opens the walkthrough in a new message', async () => {
  const d = dispatcher({ rate: false });
  for (const topic of ['funding', 'adl']) {
    const { outcome } = await d.runAction(person(), `explain:${topic}`);
    assert.equal(outcome.kind, 'new', topic);
    assert.equal(outcome.kind === 'new' && outcome.reply.page?.index, 1);
    assert.match(outcome.kind === 'new' ? (outcome.reply.actions?.[0]?.payload ?? '') : '', new RegExp(`^explain:${topic}:2`), 'its own buttons are routable');
  }
});

test('option names in error messages follow the face: leverage=100x, leverage:100x, --leverage 100x', async () => {
  const d = dispatcher({ rate: false });
  const liq = d.find('liq')!;
  const args = { venue: 'binance', side: 'long', entry: '122000', qty: '1', leverage: '500' };
  const telegram = await d.runLine(person(), '/liq binance long 122000 1 500x');
  assert.match(text(telegram.reply), /`leverage=100x`/);
  const discord = await d.runNamed(person({ face: profile('discord') }), liq, args);
  assert.match(text(discord.reply), /`leverage:100x`/);
  assert.ok(!/leverage=/.test(text(discord.reply)));
  const cli = await d.runWords(person({ face: profile('cli') }), liq, Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]));
  assert.match(text(cli.reply), /`--leverage 100x`/);
  assert.match(text(cli.reply), /npm run -s cli -- liq --venue binance/);
});
