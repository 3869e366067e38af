import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { Command } from '../../src/chat/command.ts';
import { UserError } from '../../src/chat/errors.ts';
import { parseArgs, parseChatText, parseValue, splitWords, tokenize } from '../../src/chat/options.ts';
import { COMMANDS } from '../../commands/index.ts';
import { liqCommand } from '../../commands/liq.ts';
import { alertsCommand } from '../../commands/alerts.ts';
import { explainCommand } from '../../commands/explain.ts';
import { simulateCommand } from '../../commands/simulate.ts';

const dec = (v: unknown) => (Decimal.isDecimal(v) ? v.toString() : v);
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UserError, `expected UserError, got ${String(error)}`);
    return error;
  }
  assert.fail('no error');
}

test('tokenize keeps quoted words together, straight or curly quotes', () => {
  assert.deepEqual(tokenize('  subscribe  symbols="BTC, ETH"  “two words” '), ['subscribe', 'symbols=BTC, ETH', 'two words']);
  assert.deepEqual(tokenize(''), []);
});

test('Telegram positional syntax: /liq binance long 30000 1 10x', () => {
  const args = parseChatText(liqCommand, 'binance long 30000 1 10x', 'en');
  assert.equal(args.venue, 'binance');
  assert.equal(args.side, 'long');
  assert.equal(dec(args.entry), '30000');
  assert.equal(dec(args.qty), '1');
  assert.equal(dec(args.leverage), '10');
  assert.equal(args.symbol, 'BTCUSDT', 'default applied');
  assert.equal(args.mode, 'isolated', 'default applied');
});

test('key=value syntax with aliases: /liq venue=bybit side=short entry=65k qty=2 lev=20', () => {
  const args = parseChatText(liqCommand, 'venue=bybit side=short entry=65k qty=2 lev=20', 'en');
  assert.deepEqual([args.venue, args.side, dec(args.entry), dec(args.qty), dec(args.leverage)], ['bybit', 'short', '65000', '2', '20']);
});

test('named values take their slot out of the positional order', () => {
  const args = parseChatText(liqCommand, 'binance long entry=30000 1 10x mode=cross wallet=$5,000', 'en');
  assert.equal(dec(args.qty), '1');
  assert.equal(dec(args.leverage), '10');
  assert.equal(args.mode, 'cross');
  assert.equal(dec(args.wallet), '5000');
});

test('CLI flags (--name value, --name=value) and Discord-style name:value read the same', () => {
  const a = parseArgs(liqCommand, splitWords(liqCommand, ['--venue', 'okx', '--side=short', '--entry', '122k', '--notional', '50000', '--other-upnl', '-500']), 'en');
  assert.deepEqual([a.venue, a.side, dec(a.entry), dec(a.notional), dec(a['other-upnl'])], ['okx', 'short', '122000', '50000', '-500']);
  const b = parseChatText(liqCommand, 'venue:okx side:short entry:122k notional:50000', 'en');
  assert.deepEqual([b.venue, b.side, dec(b.entry)], ['okx', 'short', '122000']);
  assert.equal(dec(parseChatText(liqCommand, 'binance long 1 1 other_mm=10', 'en')['other-mm']), '10', 'underscore spelling');
});

test('numbers are read in the user language; an ambiguous one is refused with both readings', () => {
  assert.equal(dec(parseChatText(liqCommand, 'binance long 102.000,50 0,5', 'vi').entry), '102000.5');
  const error = userError(() => parseChatText(liqCommand, 'binance long 1.500 1', 'vi'));
  assert.equal(error.key, 'chat.error.ambiguous');
  assert.deepEqual([error.params.first, error.params.second], ['1500', '1,5']);
});

test('kinds: percent (15 and 15% alike), rate, leverage, integer, price', () => {
  const drop = simulateCommand.options.find((o) => o.name === 'drop')!;
  assert.equal(dec(parseValue(drop, '15%', 'en')), '0.15');
  assert.equal(dec(parseValue(drop, '15', 'en')), '0.15');
  const mmr = liqCommand.options.find((o) => o.name === 'mmr')!;
  assert.equal(dec(parseValue(mmr, '0.004', 'en')), '0.004');
  assert.equal(dec(parseValue(mmr, '0.4%', 'en')), '0.004');
  const lev = liqCommand.options.find((o) => o.name === 'leverage')!;
  for (const typed of ['10x', 'x10', '10', '10×']) assert.equal(dec(parseValue(lev, typed, 'en')), '10', typed);
  assert.equal(userError(() => parseValue(lev, '10%', 'en')).key, 'chat.error.unit');
  assert.equal(userError(() => parseValue(lev, '0', 'en')).key, 'chat.error.positive');
  const positions = simulateCommand.options.find((o) => o.name === 'positions')!;
  assert.equal(parseValue(positions, '200k', 'en'), 200_000);
  assert.equal(userError(() => parseValue(positions, '1.5', 'en')).key, 'chat.error.integer');
  const entry = liqCommand.options.find((o) => o.name === 'entry')!;
  assert.equal(userError(() => parseValue(entry, '-5', 'en')).key, 'chat.error.positive');
  assert.equal(userError(() => parseValue(entry, 'abc', 'en')).key, 'chat.error.number');
  assert.equal(userError(() => parseValue(entry, 'NaN', 'en')).key, 'chat.error.number');
  assert.equal(userError(() => parseValue(entry, '5e13', 'en')).key, 'chat.error.number');
  assert.equal(userError(() => parseValue(entry, '2000000000000', 'en')).key, 'chat.error.too-large');
  assert.equal(userError(() => parseValue(entry, '12%', 'en')).key, 'chat.error.unit');
});

test('bounds are checked in the parsed unit and shown in the user language', () => {
  const lev = explainCommand.options.find((o) => o.name === 'leverage')!;
  const error = userError(() => parseValue(lev, '500x', 'vi'));
  assert.equal(error.key, 'chat.error.max');
  assert.equal(error.params.max, '200');
  const step = explainCommand.options.find((o) => o.name === 'step')!;
  assert.equal(userError(() => parseValue(step, '0', 'en')).key, 'chat.error.min');
});

test('enum choices are case-insensitive; a typo gets the nearest choice', () => {
  assert.equal(parseChatText(liqCommand, 'BINANCE LONG 1 1', 'en').venue, 'binance');
  const error = userError(() => parseChatText(liqCommand, 'binanse long 1 1', 'en'));
  assert.equal(error.key, 'chat.error.choice-suggest');
  assert.equal(error.params.suggestion, 'binance');
  assert.equal(userError(() => parseChatText(liqCommand, 'kraken long 1 1', 'en')).key, 'chat.error.choice');
});

test('missing, unknown, duplicate and extra input are each a clear UserError', () => {
  assert.equal(userError(() => parseChatText(liqCommand, 'binance long', 'en')).key, 'chat.error.missing-about');
  const unknown = userError(() => parseChatText(liqCommand, 'binance long 1 1 levrage=10', 'en'));
  assert.equal(unknown.key, 'chat.error.unknown-option-suggest');
  assert.equal(unknown.params.suggestion, 'leverage');
  assert.equal(userError(() => parseChatText(liqCommand, 'binance long 1 1 zzzzzzzz=1', 'en')).key, 'chat.error.unknown-option');
  assert.equal(userError(() => parseChatText(liqCommand, 'binance long entry=1 entry=2', 'en')).key, 'chat.error.duplicate');
  assert.equal(userError(() => parseChatText(liqCommand, 'binance long 1 1 10x extra words', 'en')).key, 'chat.error.extra-words');
  assert.equal(userError(() => splitWords(liqCommand, ['--venue'])).key, 'chat.error.missing-value');
  assert.equal(userError(() => splitWords(liqCommand, ['--nope', '1'])).key, 'chat.error.unknown-option');
});

test('a word with a colon that names no option stays a positional word', () => {
  const command: Command = { ...alertsCommand };
  const args = parseChatText(command, 'subscribe crash symbols=BTC,ETH', 'en');
  assert.deepEqual([args.action, args.kind, args.symbols], ['subscribe', 'crash', 'BTC,ETH']);
  const explain = parseChatText(explainCommand, 'adl 3', 'en');
  assert.deepEqual([explain.topic, explain.step], ['adl', 3]);
});

test('every command in the registry has valid, distinct option names and parseable defaults', () => {
  for (const command of COMMANDS) {
    const names = new Set<string>();
    for (const option of command.options) {
      assert.match(option.name, /^[a-z0-9-]{1,32}$/, `${command.name}.${option.name}`);
      for (const name of [option.name, ...(option.aliases ?? [])]) {
        assert.ok(!names.has(name), `${command.name}: ${name} used twice`);
        names.add(name);
      }
      if (option.kind === 'enum') assert.ok(option.choices?.length, `${command.name}.${option.name} has choices`);
      if (option.default !== undefined) assert.doesNotThrow(() => parseValue(option, String(option.default), 'en'), `${command.name}.${option.name} default`);
      assert.ok(option.description.en && option.description.vi, `${command.name}.${option.name} described in both languages`);
    }
    assert.ok(command.description.en && command.description.vi, command.name);
    for (const example of command.examples) {
      const words = Object.entries(example.args).flatMap(([k, v]) => [`--${k}`, v]);
      assert.doesNotThrow(() => parseArgs(command, splitWords(command, words), 'en'), `${command.name} example ${JSON.stringify(example.args)}`);
    }
  }
});

test('a symbol typed as a bare word fills symbol wherever it stands; choices, their typos and numbers with units do not', () => {
  const cases: Array<[string, string]> = [
    ['binance DOGEUSDT long 0.25 10000 50x', 'DOGEUSDT'],
    ['hyperliquid HYPE long 40 100 5x', 'HYPE'],
    ['okx long 60000 0.5 10x BTC-USDT-SWAP', 'BTC-USDT-SWAP'],
    ['binance long 0.01 1000 5x 1000PEPEUSDT', '1000PEPEUSDT'],
    ['bybit eth short 4000 1 20x', 'eth'],
  ];
  for (const [text, symbol] of cases) {
    const args = parseChatText(liqCommand, text, 'en');
    assert.equal(args.symbol, symbol, text);
    assert.ok(args.side === 'long' || args.side === 'short', text);
  }
  // Numbers with units stay in their slots; a typo of a choice is still corrected as one.
  const plain = parseChatText(liqCommand, 'binance long 122k 0.5 20x', 'en');
  assert.deepEqual([plain.symbol, dec(plain.entry), dec(plain.leverage)], ['BTCUSDT', '122000', '20']);
  assert.equal(parseChatText(liqCommand, 'binance long 150tr 0,5 20x', 'vi').symbol, 'BTCUSDT');
  assert.equal(userError(() => parseChatText(liqCommand, 'binance lomg 122000 0.5 20x', 'en')).key, 'chat.error.choice-suggest');
  // A named symbol is used as typed.
  assert.equal(parseChatText(liqCommand, 'binance long 122000 0.5 20x symbol=ETH', 'en').symbol, 'ETH');
});

test('a size or margin given by name frees its positional slot: /liq okx long 60000 contracts=5 10x', () => {
  const contracts = parseChatText(liqCommand, 'okx long 60000 contracts=5 10x ETH', 'en');
  assert.deepEqual([dec(contracts.contracts), contracts.qty, dec(contracts.leverage), contracts.symbol], ['5', undefined, '10', 'ETH']);
  const notional = parseChatText(liqCommand, 'binance short 122000 notional=61000 20x', 'en');
  assert.deepEqual([dec(notional.notional), notional.qty, dec(notional.leverage)], ['61000', undefined, '20']);
  const margin = parseChatText(liqCommand, 'bybit long 122000 0.5 margin=3050', 'en');
  assert.deepEqual([dec(margin.qty), dec(margin.margin), margin.leverage], ['0.5', '3050', undefined]);
});
