import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { fundingBasis, fundingBasisMarkPrice, MarkPriceInputError, medianPrice } from '../../src/core/mark-price.ts';

test('B5 (Binance FAQ, older method): funding 0.03%, 4 h of 8 to go, index 10,000 → basis 0.015%, mark 10,001.5', () => {
  // https://www.binance.com/en/support/faq/360033525071 (historical text; adl-mechanics.md §1.6, B5)
  const input = { index: 10_000, fundingRate: '0.0003', hoursToFunding: 4, intervalHours: 8 };
  assert.equal(fundingBasis(input).toString(), '0.00015');
  assert.equal(fundingBasisMarkPrice(input).toString(), '10001.5');
});

test('the basis shrinks to nothing at the funding time and has the sign of the rate', () => {
  assert.equal(fundingBasisMarkPrice({ index: 10_000, fundingRate: '0.0003', hoursToFunding: 0, intervalHours: 8 }).toString(), '10000');
  assert.equal(fundingBasisMarkPrice({ index: 10_000, fundingRate: '-0.0003', hoursToFunding: 8, intervalHours: 8 }).toString(), '9997');
});

test('impossible mark-price inputs are refused', () => {
  assert.throws(() => fundingBasisMarkPrice({ index: 0, fundingRate: '0.0001', hoursToFunding: 1, intervalHours: 8 }), MarkPriceInputError);
  assert.throws(() => fundingBasis({ fundingRate: '0.0001', hoursToFunding: 9, intervalHours: 8 }), MarkPriceInputError);
  assert.throws(() => fundingBasis({ fundingRate: '0.0001', hoursToFunding: 1, intervalHours: 0 }), MarkPriceInputError);
  assert.throws(() => medianPrice([1, 2]), MarkPriceInputError);
  assert.throws(() => medianPrice([]), MarkPriceInputError);
});

test('the median of three ignores one wild input: a wick in the contract price alone does not move it past the other two', () => {
  assert.equal(medianPrice([99_800, 99_820, 88_000]).toString(), '99800');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (a, b, wild) => {
      const median = medianPrice([a, b, wild]);
      return median.gte(Decimal.min(a, b)) && median.lte(Decimal.max(a, b));
    }),
  );
});
