import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { COMMANDS } from '../../../commands/index.ts';
import { Dispatcher } from '../../../src/chat/dispatcher.ts';
import { addressedToMe, menuCommands, parseCommandLine } from '../../../src/platforms/telegram/commands.ts';
import { makeTestServices } from '../../support/context.ts';

const dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices(), logger: pino({ level: 'silent' }) });

test('/liq@MyBot args: the mention is removed from the line the dispatcher reads', () => {
  const parsed = parseCommandLine('/liq@MyBot binance long 30000 1 10x');
  assert.deepEqual(parsed, { name: 'liq', mention: 'MyBot', line: '/liq binance long 30000 1 10x' });
  assert.equal(addressedToMe(parsed, 'MyBot'), true);
  assert.equal(addressedToMe(parsed, 'mybot'), true, 'usernames compare case-insensitively');
  assert.equal(dispatcher.find(parsed.name)?.name, 'liq');
});

test("a command addressed to another bot is not ours; one addressed to nobody is", () => {
  const other = parseCommandLine('/liq@OtherBot binance long 30000 1 10x')!;
  assert.equal(other.mention, 'OtherBot');
  assert.equal(addressedToMe(other, 'MyBot'), false);
  assert.equal(addressedToMe(parseCommandLine('/liq binance')!, 'MyBot'), true);
});

test('/adl_rank and /adlrank both find adl-rank; names are read case-insensitively', () => {
  for (const text of ['/adl_rank binance short 122000 102000 1 20x', '/adlrank', '/ADL_RANK@MyBot', '/adl-rank']) {
    const parsed = parseCommandLine(text);
    if (text === '/adl-rank') {
      // Telegram commands have no hyphen: `/adl` is the command and `-rank` is not part of it.
      assert.equal(parsed, undefined);
      continue;
    }
    assert.ok(parsed, text);
    assert.equal(dispatcher.find(parsed.name)?.name, 'adl-rank', text);
  }
  assert.equal(parseCommandLine('/adl_rank binance short')!.line, '/adl_rank binance short');
});

test('other lines are not commands; arguments keep their quotes and line breaks', () => {
  for (const text of ['hello', '', '/', '/ liq', 'see /liq', '/liq,binance', `/${'x'.repeat(33)}`]) assert.equal(parseCommandLine(text), undefined, text);
  assert.deepEqual(parseCommandLine('  /help'), { name: 'help', mention: undefined, line: '/help' });
  assert.equal(parseCommandLine('/liq\nbinance long  30000 1 10x mode="cross"')!.line, '/liq binance long  30000 1 10x mode="cross"');
});

test('the command menu: Telegram names, descriptions in each language within 256 characters', () => {
  const en = menuCommands(COMMANDS, 'en');
  const vi = menuCommands(COMMANDS, 'vi');
  assert.deepEqual(en.map((c) => c.command), ['liq', 'adl_rank', 'explain', 'simulate', 'market', 'liquidations', 'alerts', 'watch', 'lang', 'help']);
  assert.deepEqual(vi.map((c) => c.command), en.map((c) => c.command));
  for (const c of [...en, ...vi]) {
    assert.match(c.command, /^[a-z0-9_]{1,32}$/);
    assert.ok(c.description.length >= 1 && c.description.length <= 256);
  }
  assert.notEqual(en.find((c) => c.command === 'lang')!.description, vi.find((c) => c.command === 'lang')!.description);
  const long = menuCommands([{ ...COMMANDS[0], description: { en: 'x'.repeat(300), vi: 'y' } }], 'en')[0];
  assert.equal(long.description.length, 256);
  assert.ok(long.description.endsWith('…'));
});
