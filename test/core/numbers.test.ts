import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import {
  formatLeverage,
  formatNumber,
  formatPercent,
  formatUsd,
  NumberInputError,
  parseHumanNumber,
  type NumberLang,
} from '../../src/core/numbers.ts';

const value = (text: string, lang: NumberLang = 'en') => parseHumanNumber(text, lang).value.toString();
const refusal = (text: string, lang: NumberLang) => {
  try {
    parseHumanNumber(text, lang);
  } catch (error) {
    assert.ok(error instanceof NumberInputError, `NumberInputError for ${text}`);
    return error;
  }
  return assert.fail(`${JSON.stringify(text)} (${lang}) was accepted`);
};

test('the inputs of the issue read as a trader means them: 122k, 1.5m, $102,000, 102_000, 10x, 0.4%, -3%', () => {
  assert.equal(value('122k'), '122000');
  assert.equal(value('1.5m'), '1500000');
  assert.equal(value('$102,000'), '102000');
  assert.equal(value('102_000'), '102000');
  assert.equal(value('102 000'), '102000');
  assert.equal(value('1.5b'), '1500000000');
  assert.equal(value('3tr', 'vi'), '3000000');
  const leverage = parseHumanNumber('10x', 'en');
  assert.equal(leverage.value.toString(), '10');
  assert.equal(leverage.multiplier, true);
  assert.equal(value('x20'), '20');
  const rate = parseHumanNumber('0.4%', 'en');
  assert.equal(rate.value.toString(), '0.004');
  assert.equal(rate.percent, true);
  assert.equal(value('-3%'), '-0.03');
  assert.equal(value('0,4%', 'vi'), '0.004');
  assert.equal(value('102,000.50'), '102000.5');
  assert.equal(value('102.000,50', 'vi'), '102000.5');
  assert.equal(value('1.234.567', 'vi'), '1234567');
});

test('numbers are written per language: en 102,000.50, vi 102.000,50', () => {
  assert.equal(formatNumber('102000.5', 'en', { decimals: 2, keepZeros: true }), '102,000.50');
  assert.equal(formatNumber('102000.5', 'vi', { decimals: 2, keepZeros: true }), '102.000,50');
  assert.equal(formatUsd('102000.5', 'en'), '$102,000.50');
  assert.equal(formatUsd('102000.5', 'vi'), '102.000,50 USD');
  assert.equal(formatUsd('-1234.5', 'en'), '-$1,234.50');
  assert.equal(formatPercent('0.085', 'vi'), '8,5%');
  assert.equal(formatPercent('0.004', 'en'), '0.4%');
  assert.equal(formatLeverage('12.5', 'vi'), '12,5x');
  assert.equal(formatNumber('-0.0001', 'en', { decimals: 2 }), '0', 'no negative zero');
  assert.equal(formatNumber('0.00041234', 'en'), '0.0004123');
});

test('a number the two conventions read differently is refused from a Vietnamese user, with both readings', () => {
  for (const [typed, readings] of [
    ['1.500', ['1500', '1,5']],
    ['1,500', ['1500', '1,5']],
    ['$102,000', ['102000', '102']],
    // The decimal reading is shown so that it parses back: `12,345` would be ambiguous again.
    ['12,345', ['12345', '12,3450']],
    ['1.500k', ['1500', '1,5']],
  ] as const) {
    const error = refusal(typed, 'vi');
    assert.equal(error.code, 'ambiguous', typed);
    assert.deepEqual(error.readings, readings, typed);
  }
  // Not ambiguous: two separators, a fraction that is not three digits, or a leading zero.
  assert.equal(value('1.500,5', 'vi'), '1500.5');
  assert.equal(value('1,50', 'vi'), '1.5');
  assert.equal(value('0,500', 'vi'), '0.5');
  assert.equal(value('1.500.000', 'vi'), '1500000');
  // An English user reads them the English way.
  assert.equal(value('1,500', 'en'), '1500');
  assert.equal(value('1.500', 'en'), '1.5');
});

test('bad numbers are refused with a code, never read as NaN', () => {
  for (const [typed, code] of [
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'invalid'],
    ['NaN', 'not-finite'],
    ['-Infinity', 'not-finite'],
    ['1,2,3', 'invalid'],
    ['12.34.5', 'invalid'],
    ['5.', 'invalid'],
    ['--5', 'invalid'],
    ['1e5', 'invalid'],
    ['5000b', 'too-large'],
    ['2000000000000', 'too-large'],
  ] as const) {
    assert.equal(refusal(typed, 'en').code, code, typed);
  }
});

// ---- properties ----------------------------------------------------------------------

const cents = fc.bigInt({ min: 0n, max: 99_999_999_999_99n });

test('property: a number written in either language with cents parses back to itself, whichever language reads it', () => {
  fc.assert(
    fc.property(cents, fc.boolean(), (c, negative) => {
      const v = new Decimal(c.toString()).div(100).times(negative ? -1 : 1);
      for (const writer of ['en', 'vi'] as const) {
        const written = formatNumber(v, writer, { decimals: 2, keepZeros: true });
        for (const reader of ['en', 'vi'] as const) {
          assert.equal(parseHumanNumber(written, reader).value.toString(), v.toString(), `${written} (${writer} → ${reader})`);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('property: results do not depend on how a number was typed (plain, grouped, underscores, $, k/m suffix)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom('', 'k', 'm'), (n, suffix) => {
      const scale = suffix === 'k' ? 1_000 : suffix === 'm' ? 1_000_000 : 1;
      const expected = new Decimal(n).times(scale).toString();
      const typings: Array<[string, NumberLang]> = [
        [`${n}${suffix}`, 'en'],
        [`${n}${suffix}`, 'vi'],
        [`$${n}${suffix}`, 'en'],
        [`${formatNumber(n, 'en')}${suffix}`, 'en'],
        [`${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_')}${suffix}`, 'vi'],
        [`${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}${suffix}`, 'en'],
        [` ${n}${suffix.toUpperCase()} `, 'en'],
      ];
      if (suffix === '') typings.push([formatNumber(n * scale, 'en', { decimals: 2, keepZeros: true }), 'vi'], [formatNumber(n * scale, 'vi', { decimals: 2, keepZeros: true }), 'en']);
      for (const [typed, lang] of typings) assert.equal(parseHumanNumber(typed, lang).value.toString(), expected, `${JSON.stringify(typed)} (${lang})`);
    }),
    { numRuns: 300 },
  );
});

test('property: a Vietnamese user typing one separator before exactly three digits is never guessed', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom('.', ','), (head, tail, sep) => {
      const typed = `${head}${sep}${String(tail).padStart(3, '0')}`;
      const error = refusal(typed, 'vi');
      assert.equal(error.code, 'ambiguous', typed);
      const [group, decimal] = error.readings!;
      assert.equal(parseHumanNumber(group, 'vi').value.toString(), new Decimal(`${head}${String(tail).padStart(3, '0')}`).toString());
      assert.equal(parseHumanNumber(decimal, 'vi').value.toString(), new Decimal(`${head}.${String(tail).padStart(3, '0')}`).toString());
    }),
    { numRuns: 300 },
  );
});
