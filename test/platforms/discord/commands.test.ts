import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../../commands/index.ts';
import type { Command, OptionSpec } from '../../../src/chat/command.ts';
import {
  autocompleteChoices,
  commandDefinition,
  commandDefinitions,
  definitionsHash,
  namedValues,
  optionDefinition,
  truncate,
} from '../../../src/platforms/discord/commands.ts';
import { commandProblem } from '../../e2e/fake-discord.ts';

const SUBCOMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const NAME = /^[a-z0-9-]{1,32}$/;

test('discord commands: every registered command maps to a valid Discord definition', () => {
  const definitions = commandDefinitions(COMMANDS);
  assert.equal(definitions.length, COMMANDS.length);
  for (const [i, def] of definitions.entries()) {
    const command = COMMANDS[i];
    assert.match(def.name, NAME);
    assert.equal(def.name, command.name, 'canonical names, hyphens kept (adl-rank)');
    assert.ok(def.description.length >= 1 && def.description.length <= 100, `${def.name} description ${def.description.length}`);
    assert.ok(def.description_localizations?.vi, `${def.name} has a vi description`);
    assert.ok(def.description_localizations.vi.length <= 100);
    assert.ok((def.options ?? []).length <= 25);
    const checkOptions = (options: readonly any[], where: string) => {
      let optionalSeen = false;
      for (const o of options) {
        assert.match(o.name, NAME);
        assert.ok(o.description.length >= 1 && o.description.length <= 100, `${where}.${o.name}`);
        assert.ok(o.description_localizations?.vi && o.description_localizations.vi.length <= 100, `${where}.${o.name} vi`);
        if (o.type === SUBCOMMAND) {
          checkOptions(o.options ?? [], `${where}.${o.name}`);
          continue;
        }
        if (o.required) assert.ok(!optionalSeen, `${where}: required ${o.name} after an optional option`);
        else optionalSeen = true;
        if (o.choices) assert.ok(o.choices.length <= 25);
        assert.ok(!(o.choices && o.autocomplete), 'choices and autocomplete exclude each other');
      }
    };
    checkOptions(def.options ?? [], def.name);
    assert.equal(commandProblem(def), undefined, `${def.name}: the fake Discord's checks`);
    // A subcommand option is offered as its choices, each holding the options that go with it.
    const sub = command.options.find((o) => o.subcommand);
    const offered = (def.options ?? []).flatMap((o: any) => (o.type === SUBCOMMAND ? [sub!.name, ...(o.options ?? []).map((n: any) => n.name)] : [o.name]));
    assert.deepEqual(new Set(offered), new Set(command.options.map((o) => o.name)), 'every option is offered');
    if (sub) assert.deepEqual((def.options ?? []).map((o) => o.name), sub.choices, 'one subcommand per choice');
  }
  assert.ok(definitions.some((d) => d.name === 'adl-rank'));
});

test('discord commands: numeric kinds are strings (122k, 10x, 0.4%), integers keep min/max, enums list choices', () => {
  for (const kind of ['number', 'price', 'percent', 'rate', 'leverage'] as const) {
    const def = optionDefinition({ name: 'x', kind, description: { en: 'X', vi: 'X' } }) as any;
    assert.equal(def.type, STRING, kind);
    assert.equal(def.choices, undefined);
  }
  const integer = optionDefinition({ name: 'step', kind: 'integer', min: 1, max: 9, description: { en: 'Step', vi: 'Bước' } }) as any;
  assert.equal(integer.type, INTEGER);
  assert.equal(integer.min_value, 1);
  assert.equal(integer.max_value, 9);
  const side = optionDefinition({ name: 'side', kind: 'enum', choices: ['long', 'short'], required: true, description: { en: 'Side', vi: 'Phía' } }) as any;
  assert.deepEqual(side.choices, [{ name: 'long', value: 'long' }, { name: 'short', value: 'short' }]);
  assert.equal(side.required, true);
  const many = optionDefinition({ name: 'coin', kind: 'enum', choices: Array.from({ length: 30 }, (_, i) => `c${i}`), description: { en: 'Coin', vi: 'Coin' } }) as any;
  assert.equal(many.choices, undefined, 'over 25 choices');
  assert.equal(many.autocomplete, true);
  const symbol = optionDefinition({ name: 'symbol', kind: 'string', autocomplete: 'symbol', description: { en: 'Coin', vi: 'Coin' } }) as any;
  assert.equal(symbol.autocomplete, true);
  const liq = commandDefinition(COMMANDS.find((c) => c.name === 'liq')!) as any;
  assert.equal(liq.options.find((o: any) => o.name === 'entry').type, STRING);
  assert.equal(COMMANDS.find((c) => c.name === 'simulate') && (commandDefinition(COMMANDS.find((c) => c.name === 'simulate')!) as any).options.find((o: any) => o.name === 'positions').type, INTEGER);
});

test('discord commands: required options first, declaration order kept within each group', () => {
  const command: Command = {
    name: 'order-test',
    description: { en: 'Order', vi: 'Thứ tự' },
    options: [
      { name: 'a', kind: 'string', description: { en: 'a', vi: 'a' } },
      { name: 'b', kind: 'string', required: true, description: { en: 'b', vi: 'b' } },
      { name: 'c', kind: 'string', description: { en: 'c', vi: 'c' } },
      { name: 'd', kind: 'number', required: true, description: { en: 'd', vi: 'd' } },
    ],
    examples: [],
    run: () => ({ blocks: [] }),
  };
  assert.deepEqual(commandDefinition(command).options!.map((o) => o.name), ['b', 'd', 'a', 'c']);
});

test('discord commands: Manage Channels by default for commands that manage the chat; servers and DMs', () => {
  const alerts = commandDefinition(COMMANDS.find((c) => c.name === 'alerts')!);
  assert.equal(alerts.default_member_permissions, '16');
  const liq = commandDefinition(COMMANDS.find((c) => c.name === 'liq')!);
  assert.equal(liq.default_member_permissions, null);
  assert.deepEqual(liq.contexts, [0, 1]);
  assert.deepEqual(liq.integration_types, [0]);
  const guild = commandDefinition(COMMANDS.find((c) => c.name === 'liq')!, 'guild');
  assert.equal(guild.contexts, undefined, 'contexts are for global commands only');
});

test('discord commands: descriptions are cut to 100 characters, defaults noted only when they fit', () => {
  const long: OptionSpec = { name: 'x', kind: 'string', default: 'binance', description: { en: 'e'.repeat(150), vi: 'v'.repeat(150) } };
  const def = optionDefinition(long);
  assert.equal(def.description.length, 100);
  assert.ok(def.description.endsWith('…'));
  assert.equal(def.description_localizations!.vi!.length, 100);
  const short = optionDefinition({ name: 'venue', kind: 'enum', choices: ['binance'], default: 'binance', description: { en: 'Exchange', vi: 'Sàn' } });
  assert.equal(short.description, 'Exchange (default binance)');
  assert.equal(short.description_localizations!.vi, 'Sàn (mặc định binance)');
  const stated = optionDefinition({ name: 'venue', kind: 'enum', choices: ['binance'], default: 'binance', description: { en: 'Venue (default binance)', vi: 'Sàn (mặc định binance)' } });
  assert.equal(stated.description, 'Venue (default binance)', 'no second note');
  assert.equal(truncate('😀😀😀', 3).length <= 3, true);
  assert.throws(() => optionDefinition({ name: 'Bad_Name', kind: 'string', description: { en: 'x', vi: 'x' } }), /must match/);
});

test('discord commands: the hash ignores what Discord adds and the order, and sees real changes', () => {
  const ours = commandDefinitions(COMMANDS);
  // What GET …/commands?with_localizations=true returns: ids, versions, defaults, `required` only when true.
  const theirs = [...ours].reverse().map((c, i) => ({
    ...c,
    id: String(1e17 + i),
    application_id: '1',
    version: '2',
    dm_permission: true,
    name_localizations: null,
    options: (c.options ?? []).map((o: any) => {
      const { required, ...rest } = o;
      return { ...rest, ...(required ? { required } : {}), name_localizations: null };
    }),
  }));
  assert.equal(definitionsHash(theirs, 'global'), definitionsHash(ours, 'global'));
  const changed = theirs.map((c) => (c.name === 'liq' ? { ...c, description_localizations: { vi: 'khác' } } : c));
  assert.notEqual(definitionsHash(changed, 'global'), definitionsHash(ours, 'global'));
  const fewer = theirs.slice(1);
  assert.notEqual(definitionsHash(fewer, 'global'), definitionsHash(ours, 'global'));
  const withoutLocalizations = theirs.map(({ description_localizations: _d, ...c }) => c);
  assert.notEqual(definitionsHash(withoutLocalizations, 'global'), definitionsHash(ours, 'global'));
});

test('discord commands: interaction options become named values for the dispatcher', () => {
  assert.deepEqual(
    namedValues([
      { name: 'entry', value: '122k' },
      { name: 'step', value: 2 },
      { name: 'empty', value: null },
      { name: 'absent' },
    ]),
    { entry: '122k', step: 2 },
  );
});

test('discord commands: symbol autocomplete by prefix, then contains, ≤25, defaults without market data', () => {
  const spec: OptionSpec = { name: 'symbol', kind: 'string', autocomplete: 'symbol', description: { en: 'x', vi: 'x' } };
  assert.deepEqual(autocompleteChoices(spec, '', {}).map((c) => c.value), ['BTC', 'ETH', 'SOL']);
  assert.deepEqual(autocompleteChoices(spec, 'e', { knownSymbols: () => [] }).map((c) => c.value), ['ETH']);
  const known = ['AAVE', 'BTC', 'ETH', 'ETHFI', 'WBETH', ...Array.from({ length: 40 }, (_, i) => `E${i}`)];
  const eth = autocompleteChoices(spec, 'eth', { knownSymbols: () => known }).map((c) => c.value);
  assert.deepEqual(eth, ['ETH', 'ETHFI', 'WBETH']);
  assert.equal(autocompleteChoices(spec, 'e', { knownSymbols: () => known }).length, 25);
  assert.deepEqual(autocompleteChoices(spec, 'x', { knownSymbols: () => { throw new Error('db closed'); } }), []);
  const venue: OptionSpec = { name: 'venue', kind: 'enum', choices: ['binance', 'bybit', 'okx'], description: { en: 'x', vi: 'x' } };
  assert.deepEqual(autocompleteChoices(venue, 'B', {}).map((c) => c.value), ['binance', 'bybit']);
  assert.deepEqual(autocompleteChoices(undefined, 'b', {}), []);
});

test('discord commands: a subcommand option becomes one SUB_COMMAND per choice with its own options, required per subcommand', () => {
  const watch = COMMANDS.find((c) => c.name === 'watch')!;
  const def = commandDefinition(watch) as any;
  const byName = Object.fromEntries(def.options.map((o: any) => [o.name, o]));
  assert.deepEqual(Object.keys(byName), ['add', 'list', 'remove', 'check', 'forget-me']);
  for (const o of def.options) assert.equal(o.type, SUBCOMMAND);
  // The address is Hyperliquid's only: a keyed venue takes a read-only key in a modal instead.
  assert.deepEqual(byName.add.options.map((o: any) => [o.name, o.required]), [['venue', true], ['address', false], ['label', false]], 'required first');
  assert.deepEqual(byName['forget-me'].options, []);
  assert.deepEqual(byName.list.options, []);
  assert.deepEqual(byName.remove.options.map((o: any) => [o.name, o.required]), [['watch', true]]);
  assert.deepEqual(byName.check.options.map((o: any) => [o.name, o.required]), [['watch', false], ['venue', false], ['address', false]]);
  assert.match(byName.add.description, /private chat/);
  assert.ok(byName.add.description_localizations.vi);
  assert.equal(commandProblem(def), undefined);
});

test('discord commands: the options of an interaction with a subcommand reach the dispatcher as named values', () => {
  const watch = COMMANDS.find((c) => c.name === 'watch')!;
  const data = [{ name: 'add', type: SUBCOMMAND, options: [{ name: 'address', type: STRING, value: '0xabc' }, { name: 'label', type: STRING, value: 'main' }] }];
  assert.deepEqual(namedValues(data, watch), { action: 'add', address: '0xabc', label: 'main' });
  assert.deepEqual(namedValues([{ name: 'list', type: SUBCOMMAND }], watch), { action: 'list' });
  // Commands without subcommands are read as before.
  assert.deepEqual(namedValues([{ name: 'topic', type: STRING, value: 'adl' }]), { topic: 'adl' });
});
