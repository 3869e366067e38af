import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fundingApr, fundingPayment, FundingInputError, ratePerIntervalFromApr, settlementsPerDay } from '../../src/core/funding.ts';

test('0.01% per 8 h is 10.95% a year (×3×365; reference adl-mechanics.md §12)', () => {
  assert.equal(fundingApr('0.0001', 8).toString(), '0.1095');
});

test('the same rate per 4 h and per 1 h costs two and eight times as much', () => {
  assert.equal(fundingApr('0.0001', 4).toString(), '0.219');
  assert.equal(fundingApr('0.0001', 1).toString(), '0.876');
  // Hyperliquid pays 1/8 of the 8 h rate every hour: the same yearly rate
  assert.ok(fundingApr('0.0000125', 1).eq(fundingApr('0.0001', 8)));
});

test('annualising and back returns the rate; payments are notional × rate', () => {
  assert.equal(ratePerIntervalFromApr(fundingApr('0.00037', 8), 8).toString(), '0.00037');
  assert.equal(fundingPayment(100_000, '0.0001').toString(), '10');
  assert.equal(settlementsPerDay(8).toString(), '3');
});

test('an interval of zero hours is refused', () => {
  assert.throws(() => fundingApr('0.0001', 0), FundingInputError);
});
