import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import {
  PAPER_TOY_VECTOR,
  comparePolicies,
  formatVector,
  live,
  queueHaircuts,
  type AdlToyVector,
} from '../../src/explain/live/adl-policies.ts';

/**
 * Expected values are the ones documented for the toy vector of T. Chitra, "Autodeleveraging:
 * Impossibilities and Optimization" (arXiv:2512.01112), eq. pl-ranking and eq. pro-rata, as
 * summarised in the project's reference notes (adl-research-notes.md §5.3):
 * e = (10, 5, 1, −3, −12), w = (8, 4, 0.5, 0, 0), D = 15, θ = ½, B = 7.5, σ = (2, 1, 3)
 * → queue h = (0.4375, 1, 0, 0, 0), e′ = (6.5, 1, 1, −3, −12);
 * → pro-rata h = 7.5 / 12.5 = 0.6, e′ = (5.2, 2.6, 0.7, −3, −12).
 */
const asNumbers = (values: readonly Decimal[]) => values.map((value) => value.toNumber());

test('the toy deficit is D = 15 and the budget at θ = ½ is B = 7.5', () => {
  const result = comparePolicies(PAPER_TOY_VECTOR);
  assert.equal(result.deficit.toNumber(), 15);
  assert.equal(result.budget.toNumber(), 7.5);
  assert.equal(result.pnlTotal.toNumber(), 12.5);
});

test('queue in the paper’s order σ = (2, 1, 3): winner 2 in full, winner 1 for the rest', () => {
  const { queue } = comparePolicies(PAPER_TOY_VECTOR);
  assert.deepEqual(asNumbers(queue.haircuts), [0.4375, 1, 0, 0, 0]);
  assert.deepEqual(asNumbers(queue.equitiesAfter), [6.5, 1, 1, -3, -12]);
  assert.equal(queue.winnersTouched, 2);
  // Winner 2 gives up 4 of its 5 of equity.
  assert.equal(queue.largestEquityShare.toNumber(), 0.8);
});

test('wealth pro-rata: the same h = 0.6 for every winner', () => {
  const { proRata } = comparePolicies(PAPER_TOY_VECTOR);
  assert.equal(proRata.rate.toNumber(), 0.6);
  assert.deepEqual(asNumbers(proRata.haircuts), [0.6, 0.6, 0.6, 0, 0]);
  assert.deepEqual(asNumbers(proRata.equitiesAfter), [5.2, 2.6, 0.7, -3, -12]);
  assert.equal(proRata.winnersTouched, 3);
});

test('both policies raise exactly the budget', () => {
  const result = comparePolicies(PAPER_TOY_VECTOR);
  const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), new Decimal(0));
  assert.equal(sum(result.queue.taken).toNumber(), 7.5);
  assert.equal(sum(result.proRata.taken).toNumber(), 7.5);
});

test('the order matters: ranking by profit alone would take 7.5 from winner 1 only', () => {
  const byProfit: AdlToyVector = { ...PAPER_TOY_VECTOR, queueOrder: [0, 1, 2] };
  const queue = queueHaircuts(byProfit, new Decimal('7.5'));
  assert.deepEqual(asNumbers(queue.haircuts), [0.9375, 0, 0, 0, 0]);
});

test('vectors read naturally in each language (semicolons where the comma is the decimal mark)', () => {
  const values = [new Decimal('6.5'), new Decimal(1), new Decimal(-3)];
  assert.equal(formatVector(values, 'en'), '(6.5, 1, -3)');
  assert.equal(formatVector(values, 'vi'), '(6,5; 1; -3)');
});

test('the walkthrough shows the computed results', () => {
  const en = live('en', {});
  assert.equal(en.queueHaircuts, '(0.4375, 1, 0, 0, 0)');
  assert.equal(en.proRataEquitiesAfter, '(5.2, 2.6, 0.7, -3, -12)');
  assert.equal(en.proRataRate, '60%');
  // $60,108,335.33 taken vs $15,079,669.61 needed in the paper's replay.
  assert.equal(en.replayRatio, '4');
  const vi = live('vi', {});
  assert.equal(vi.queueEquitiesAfter, '(6,5; 1; 1; -3; -12)');
  assert.equal(vi.budget, '7,5');
});
