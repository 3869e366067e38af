import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { EXAMPLE_TRADES, live, openInterestAfterEachTrade } from '../../src/explain/live/open-interest.ts';

test('OI rises when both sides open, holds when a position changes hands, falls when both close', () => {
  const oi = openInterestAfterEachTrade(EXAMPLE_TRADES).map((value) => value.toNumber());
  assert.deepEqual(oi, [2, 2, 1]);
});

test('a trader flipping from long to short counts on the short side afterwards', () => {
  const oi = openInterestAfterEachTrade([
    { buyer: 'An', seller: 'Binh', size: new Decimal(1) },
    { buyer: 'Chi', seller: 'An', size: new Decimal(3) },
  ]).map((value) => value.toNumber());
  // After trade 2: An short 2, Binh short 1, Chi long 3 → 3 open on each side.
  assert.deepEqual(oi, [1, 3]);
});

test('a both-sided figure (Bybit openInterest) is twice the one-sided OI', () => {
  const en = live('en', {});
  assert.equal(en.oiAfterOpen, '2 BTC');
  assert.equal(en.bothSidedAfterOpen, '4 BTC');
});

test('the 10 Oct 2025 OI drop reads smaller in coins than in dollars, as the price fell too', () => {
  // Glassnode via CoinDesk: ~$70B → ~$58B, ~560,000 → ~481,000 BTC.
  assert.equal(live('en', {}).crashOiDropUsd, '17%');
  assert.equal(live('vi', {}).crashOiDropBtc, '14%');
});
