import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { Lang, ParsedArgs } from '../../src/chat/command.ts';
import { UserError } from '../../src/chat/errors.ts';
import { loadCatalog } from '../../src/chat/i18n.ts';
import { CALCULATION_INPUT_ERROR_CODES } from '../../src/core/errors.ts';
import { formatNumber, parseHumanNumber } from '../../src/core/numbers.ts';
import fc from 'fast-check';
import { liqCommand } from '../../commands/liq.ts';
import { makeTestContext } from '../support/context.ts';

const d = (value: Decimal.Value) => new Decimal(value);
const valid: ParsedArgs = { venue: 'binance', side: 'long', entry: d(122_000), qty: d('0.5'), leverage: d(20) };

async function userError(args: ParsedArgs, lang: Lang = 'en'): Promise<{ error: UserError; message: string; hint: string }> {
  const ctx = makeTestContext({ lang });
  try {
    await liqCommand.run(args, ctx);
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    return { error, message: ctx.t(error.key, error.params), hint: error.hintKey ? ctx.t(error.hintKey, error.hintParams) : '' };
  }
  assert.fail(`no error for ${JSON.stringify(args)}`);
}

test('liq declares the CLI contract: positional venue, side, entry, qty, leverage; aliases; every named option', () => {
  assert.deepEqual(liqCommand.options.filter((o) => o.positional).map((o) => o.name), ['venue', 'side', 'entry', 'qty', 'leverage']);
  const names = liqCommand.options.map((o) => o.name);
  for (const name of ['symbol', 'notional', 'margin', 'mode', 'wallet', 'other-mm', 'other-upnl', 'mmr', 'cum', 'mark']) assert.ok(names.includes(name), name);
  const qty = liqCommand.options.find((o) => o.name === 'qty');
  assert.deepEqual(qty?.aliases, ['q', 'size']);
  assert.deepEqual(liqCommand.options.find((o) => o.name === 'leverage')?.aliases, ['lev']);
  assert.equal(liqCommand.options.find((o) => o.name === 'symbol')?.default, 'BTCUSDT');
  assert.equal(liqCommand.options.find((o) => o.name === 'mmr')?.kind, 'rate');
});

test('liq replies with the prices, margins and tier, and the JSON contract in reply.data', async () => {
  const reply = await liqCommand.run({ ...valid, mark: d(120_000) }, makeTestContext({ lang: 'en' }));
  const data = reply.data!;
  for (const key of ['liquidationPrice', 'bankruptcyPrice', 'initialMargin', 'maintenanceMargin', 'mmr', 'maintenanceAmount', 'tier', 'notional', 'leverage', 'distanceFromMarkPct', 'assumptions', 'source', 'venue', 'symbol', 'side', 'mode']) {
    assert.ok(key in data, `reply.data.${key}`);
  }
  // 61,000 USDT sits in Binance's bracket 2 (0.5%, cum 50): (3,050 − 61,000 + 50)/(0.0025 − 0.5).
  assert.equal(data.liquidationPrice, '116381.90954774');
  assert.deepEqual(Object.keys(data.table as object), ['symbol', 'source', 'instrument', 'url', 'publishedAt', 'fetchedAt', 'fallbacks']);
  assert.deepEqual([(data.table as any).symbol, (data.table as any).source, (data.table as any).publishedAt], ['BTCUSDT', 'shipped', '2021-06-22']);
  assert.match(reply.footer ?? '', /Tiers: Binance USDⓈ-M's BTCUSDT table as published on 2021-06-22, shipped with the bot/);
  assert.equal(data.bankruptcyPrice, '115900');
  assert.equal(data.mode, 'isolated');
  const fields = reply.blocks.find((b) => b.kind === 'fields');
  assert.ok(fields && fields.kind === 'fields', 'fields block');
  assert.equal(fields.fields[0].value, '$116,381.91');
  assert.match(reply.footer ?? '', /binance\.com/);
});

test('liq speaks Vietnamese with Vietnamese numbers', async () => {
  const reply = await liqCommand.run(valid, makeTestContext({ lang: 'vi' }));
  assert.match(reply.title ?? '', /Giá thanh lý/);
  const fields = reply.blocks.find((b) => b.kind === 'fields');
  assert.ok(fields && fields.kind === 'fields', 'fields block');
  assert.equal(fields.fields[0].label, 'Giá thanh lý');
  assert.equal(fields.fields[0].value, '116.381,91 USD');
  assert.match(reply.footer ?? '', /công bố ngày 22\/06\/2021/);
  assert.equal(fields.fields[1].label, 'Giá phá sản');
  assert.match(reply.footer ?? '', /không phải lời khuyên đầu tư/);
});

test('a 1x long answers "none" with the reason instead of a negative price', async () => {
  const reply = await liqCommand.run({ ...valid, leverage: d(1) }, makeTestContext({ lang: 'en' }));
  assert.equal(reply.data!.liquidationPrice, null);
  assert.equal(reply.data!.noLiquidationReason, 'at-or-below-zero');
  const text = reply.blocks.find((b) => b.kind === 'text');
  assert.ok(text && text.kind === 'text' && /No liquidation price/.test(text.text), 'explains why there is none');
});

test('results do not depend on how a number was typed: 122k, 122000, $122,000, 122_000', async () => {
  const results = [];
  for (const entry of ['122k', '122000', '$122,000', '122_000', '122,000.00']) {
    const reply = await liqCommand.run({ venue: 'bybit', side: 'short', entry, qty: '0.5', leverage: '20x' }, makeTestContext({ lang: 'en' }));
    results.push(JSON.stringify(reply.data));
  }
  const vi = await liqCommand.run({ venue: 'bybit', side: 'short', entry: '122000', qty: '0,5', leverage: 'x20' }, makeTestContext({ lang: 'vi' }));
  results.push(JSON.stringify(vi.data));
  assert.equal(new Set(results).size, 1, results.join('\n'));
});

test('cross margin uses the wallet and the other positions', async () => {
  const reply = await liqCommand.run(
    { venue: 'binance', side: 'long', entry: d(122_000), qty: d(1), mode: 'cross', wallet: d(10_000), 'other-mm': d(500), 'other-upnl': d(-1000) },
    makeTestContext(),
  );
  assert.equal(reply.data!.mode, 'cross');
  assert.equal(new Decimal(reply.data!.liquidationPrice as string).toFixed(2), '114020.10');
});

const badInputs: Array<[string, ParsedArgs, string]> = [
  ['negative entry', { ...valid, entry: d(-122_000) }, 'liq.error.not-positive'],
  ['zero quantity', { ...valid, qty: d(0) }, 'liq.error.not-positive'],
  ['NaN quantity', { ...valid, qty: d(NaN) }, 'liq.error.not-finite'],
  ['unreadable number', { ...valid, entry: 'abc' }, 'liq.error.number'],
  ['entry above 1e12', { ...valid, entry: '5000b' }, 'liq.error.too-large'],
  ['quantity above 1e12', { ...valid, qty: d('2e12') }, 'liq.error.too-large'],
  ['leverage above the tier max', { ...valid, leverage: d(200) }, 'liq.error.leverage-above-max'],
  ['unknown venue', { ...valid, venue: 'ftx' }, 'liq.error.unknown-venue'],
  ['unreadable symbol', { ...valid, symbol: '!!!' }, 'liq.error.unknown-symbol'],
  ['missing entry', { venue: 'binance', side: 'long', qty: d(1), leverage: d(10) }, 'liq.error.missing'],
  ['missing venue', { side: 'long', entry: d(1), qty: d(1), leverage: d(10) }, 'liq.error.missing'],
  ['missing size', { ...valid, qty: undefined }, 'liq.error.size-missing'],
  ['both qty and notional', { ...valid, notional: d(50_000) }, 'liq.error.size-both'],
  ['bad side', { ...valid, side: 'up' }, 'liq.error.bad-side'],
  ['cross without wallet', { ...valid, mode: 'cross' }, 'liq.error.wallet-missing'],
  ['leverage and margin', { ...valid, margin: d(1000) }, 'liq.error.margin-conflict'],
  ['position above the table', { ...valid, venue: 'bybit', qty: d(100) }, 'liq.error.notional-above-table'],
  ['a percent as a price', { ...valid, entry: '5%' }, 'liq.error.number'],
  ['a multiplier as a size', { ...valid, qty: '10x' }, 'liq.error.number'],
  ['a percent as leverage', { ...valid, leverage: '20%' }, 'liq.error.number'],
  ['negative leverage', { ...valid, leverage: '-5x' }, 'liq.error.not-positive'],
  ['zero maintenance rate', { ...valid, mmr: '0%' }, 'liq.error.not-positive'],
  ['maintenance rate of 100%', { ...valid, mmr: '100%' }, 'liq.error.mmr-out-of-range'],
];

for (const [name, args, key] of badInputs) {
  test(`bad input (${name}) is a UserError that says what to type, in English and Vietnamese`, async () => {
    const en = await userError(args, 'en');
    const vi = await userError(args, 'vi');
    assert.equal(en.error.key, key);
    for (const { message, hint } of [en, vi]) {
      assert.notEqual(message, key, 'message is translated');
      assert.doesNotMatch(message, /\{\w+\}/, `no unfilled placeholder: ${message}`);
      // What to type instead: a `code` suggestion in the message or the hint.
      assert.match(`${message} ${hint}`, /`[^`]+`/, message);
    }
    assert.notEqual(en.message, vi.message);
  });
}

test('both qty and notional: the message names both forms', async () => {
  const { message, hint } = await userError({ ...valid, notional: d(50_000) }, 'vi');
  assert.match(message, /`qty`/);
  assert.match(message, /`notional`/);
  assert.match(hint, /\/liq binance long/);
});

test('every core error code and every key the commands use has English and Vietnamese text', () => {
  const catalog = loadCatalog();
  const commandCodes = ['number', 'ambiguous', 'missing', 'bad-side', 'bad-mode'];
  for (const code of [...CALCULATION_INPUT_ERROR_CODES, ...commandCodes]) {
    const entry = catalog.get(`liq.error.${code}`);
    assert.ok(entry, `liq.error.${code}`);
    assert.notEqual(entry.en, entry.vi, code);
  }
  assert.ok(catalog.get('liq.hint.example'), 'liq.hint.example');
});

test('every venue and mode answers with no untranslated key or empty placeholder', async () => {
  for (const lang of ['en', 'vi'] as const) {
    for (const venue of ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx']) {
      // Venues that ship no BTCUSDT table answer with the maintenance rate a user types from their screen.
      const typed = ['okx', 'bitmex', 'dydx'].includes(venue) ? { mmr: d('0.005') } : {};
      for (const extra of [{ leverage: d(10) }, { leverage: undefined, mode: 'cross', wallet: d(20_000) }, { leverage: d(1), side: 'long' }]) {
        const reply = await liqCommand.run({ ...valid, venue, ...typed, ...extra }, makeTestContext({ lang }));
        const shown = JSON.stringify({ title: reply.title, blocks: reply.blocks, footer: reply.footer });
        assert.doesNotMatch(shown, /\b(liq|venues)\.[a-z-]+/, `${lang} ${venue}: ${shown.slice(0, 200)}`);
        assert.doesNotMatch(shown, /\{\w+\}|NaN|undefined/, `${lang} ${venue}`);
      }
    }
  }
});

test('a long with no bankruptcy price explains it instead of printing "at none"', async () => {
  for (const lang of ['en', 'vi'] as const) {
    const reply = await liqCommand.run(
      { venue: 'binance', side: 'long', entry: d(122_000), qty: d(1), mode: 'cross', wallet: d(130_000), 'other-mm': d(20_000) },
      makeTestContext({ lang }),
    );
    assert.equal(reply.data!.bankruptcyPrice, null);
    assert.equal(reply.data!.noBankruptcyReason, 'at-or-below-zero');
    const text = reply.blocks.find((b) => b.kind === 'text');
    assert.ok(text && text.kind === 'text', 'text block');
    assert.doesNotMatch(text.text, /\*\*(none|không có)\*\*/, text.text);
    assert.match(text.text, lang === 'en' ? /no bankruptcy price/ : /không có giá phá sản/);
  }
});

test('every number an error message suggests parses in the language it is shown in', () => {
  const catalog = loadCatalog();
  let checked = 0;
  for (const [key, entry] of catalog) {
    if (!key.startsWith('liq.')) continue;
    for (const lang of ['en', 'vi'] as const) {
      for (const [, code] of entry[lang].matchAll(/`([^`]+)`/g)) {
        const value = code.includes('=') ? code.slice(code.indexOf('=') + 1) : code;
        if (value.includes('{') || !/^[-+$x]?[0-9][0-9.,_]*(k|m|x|%)?$/i.test(value)) continue;
        assert.doesNotThrow(() => parseHumanNumber(value, lang), `${key} (${lang}) suggests \`${code}\`, which does not parse in ${lang}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10, `checked ${checked} suggestions`);
});

test('an ambiguous number is refused with both readings, and each reading parses back as the value it names', async () => {
  const ctx = makeTestContext({ lang: 'vi' });
  const { error, message } = await userError({ ...valid, qty: undefined, notional: '1.500' }, 'vi');
  assert.equal(error.key, 'liq.error.ambiguous');
  assert.equal(error.params.first, '1500');
  assert.equal(error.params.second, '1,5');
  assert.match(message, /`1500`/);
  assert.match(message, /`1,5`/);
  assert.equal(parseHumanNumber(String(error.params.first), ctx.lang).value.toString(), '1500');
  assert.equal(parseHumanNumber(String(error.params.second), ctx.lang).value.toString(), '1.5');
});

test('--mmr and --cum override the tier table, typed as a percent or a fraction', async () => {
  const ctx = makeTestContext();
  const asPercent = await liqCommand.run({ ...valid, mmr: '1%', cum: '300' }, ctx);
  const asFraction = await liqCommand.run({ ...valid, mmr: '0.01', cum: '300' }, ctx);
  assert.equal(asPercent.data!.mmr, '0.01');
  assert.equal(asPercent.data!.maintenanceAmount, '300');
  // (3,050 + 300 − 61,000)/(0.5 × 0.01 − 0.5) = 116,464.65
  assert.equal(new Decimal(asPercent.data!.liquidationPrice as string).toFixed(2), '116464.65');
  assert.deepEqual(asPercent.data, asFraction.data);
  assert.ok((asPercent.data!.assumptions as string[]).includes('overrides-used'));
});

test('property: /liq answers the same whether numbers come typed in English, in Vietnamese, with a suffix or as Decimals', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx'),
      fc.constantFrom('long', 'short'),
      fc.integer({ min: 1_000, max: 200_000 }),
      fc.integer({ min: 1, max: 2_000 }),
      fc.integer({ min: 2, max: 20 }),
      async (venue, side, entryThousands, qtyThousandths, leverage) => {
        const entry = entryThousands * 1000;
        const qty = new Decimal(qtyThousandths).div(1000);
        const typings: Array<[ParsedArgs, Lang]> = [
          [{ venue, side, entry: d(entry), qty, leverage: d(leverage) }, 'en'],
          [{ venue, side, entry: `${entryThousands}k`, qty: qty.toString(), leverage: `${leverage}x` }, 'en'],
          [{ venue, side, entry: `$${formatNumber(entry, 'en', { decimals: 2, keepZeros: true })}`, qty: qty.toString(), leverage: `x${leverage}` }, 'en'],
          [{ venue, side, entry: formatNumber(entry, 'vi', { decimals: 2, keepZeros: true }), qty: formatNumber(qty, 'vi', { decimals: 4, keepZeros: true }), leverage: String(leverage) }, 'vi'],
        ];
        const answers = new Set<string>();
        for (const [args, lang] of typings) {
          try {
            answers.add(JSON.stringify((await liqCommand.run(args, makeTestContext({ lang }))).data));
          } catch (error) {
            assert.ok(error instanceof UserError, String(error));
            answers.add(`${error.key} ${JSON.stringify(error.params.field ?? '')}`);
          }
        }
        assert.equal(answers.size, 1, [...answers].join('\n'));
      },
    ),
    { numRuns: 60 },
  );
});

test('a maintenance rate out of range is shown as the percent the user typed', async () => {
  const en = await userError({ ...valid, mmr: '150%' }, 'en');
  assert.equal(en.error.key, 'liq.error.mmr-out-of-range');
  assert.match(en.message, /you typed 150%/);
  const vi = await userError({ ...valid, mmr: '150%' }, 'vi');
  assert.match(vi.message, /bạn nhập 150%/);
});
