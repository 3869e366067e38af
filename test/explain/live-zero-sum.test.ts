import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { EXAMPLE_LEDGER, live, settleLedger } from '../../src/explain/live/zero-sum.ts';

test('dYdX v4 deleveraging example: short bankrupt at $1.2, long closed there for +$100', () => {
  // dYdX v4 docs, "Contract Loss Mechanism" (public copy at dydx-documentation-six.vercel.app):
  // A long 500 @ $1 with $100, B short 500 @ $1 with $100, price → $2. B's equity is −$400,
  // B's bankruptcy price is $1.2, A is deleveraged at $1.2 and ends +$100.
  const outcome = settleLedger({
    entry: new Decimal(1),
    size: new Decimal(500),
    longMargin: new Decimal(100),
    shortMargin: new Decimal(100),
    calmPrice: new Decimal(1),
    gapPrice: new Decimal(2),
  });
  assert.equal(outcome.bankruptSide, 'short');
  assert.equal(outcome.gap.shortEquity.toNumber(), -400);
  assert.equal(outcome.bankruptcyPrice?.toNumber(), 1.2);
  assert.equal(outcome.adl?.winnerPnl.toNumber(), 100);
  assert.equal(outcome.deficit.toNumber(), 400);
});

test('PnL always sums to zero and the pool never changes size', () => {
  const outcome = settleLedger(EXAMPLE_LEDGER);
  for (const moment of [outcome.calm, outcome.gap]) {
    assert.ok(moment.pnlSum.isZero());
    assert.ok(moment.longEquity.plus(moment.shortEquity).eq(outcome.pool));
  }
});

test('past the bankruptcy price the winner is owed more than the pool holds, by exactly the deficit', () => {
  const outcome = settleLedger(EXAMPLE_LEDGER);
  assert.equal(outcome.bankruptSide, 'long');
  assert.ok(outcome.deficit.gt(0));
  assert.ok(outcome.gap.shortEquity.minus(outcome.pool).eq(outcome.deficit));
  // ADL at the bankruptcy price leaves the winner exactly the pool; the haircut is the deficit.
  assert.ok(outcome.adl?.winnerEquity.eq(outcome.pool));
  assert.ok(outcome.adl?.haircut.eq(outcome.deficit));
});

test('no gap past the bankruptcy price, no deficit', () => {
  const outcome = settleLedger({ ...EXAMPLE_LEDGER, gapPrice: new Decimal(95_000) });
  assert.equal(outcome.bankruptSide, undefined);
  assert.ok(outcome.deficit.isZero());
});

test('the walkthrough numbers are formatted per language', () => {
  const en = live('en', {});
  assert.equal(en.calmPnlSum, '$0');
  assert.equal(en.longBankruptcyPrice, '$90,000');
  assert.equal(en.deficit, '$500');
  assert.equal(en.gapLongEquity, '-$500');
  const vi = live('vi', {});
  assert.equal(vi.entry, '100.000 USD');
  assert.equal(vi.adlShortPnl, '+1.000 USD');
});
