import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adlQueueKey, compareQueueKeys, type ScoreState } from '../../src/core/adl.ts';
import type { AdlFormula } from '../../src/core/venues.ts';
import { QueueCursor, QueueScorer } from '../../src/simulator/queue.ts';

const FORMULAS: AdlFormula[] = ['hyperliquid-index', 'binance-leverage-pnl', 'bitmex-pnl-leverage', 'okx-leverage-pnl'];

const position = fc.record({
  sign: fc.constantFrom(1 as const, -1 as const),
  quantity: fc.double({ min: 0.001, max: 1_000, noNaN: true }),
  entryPrice: fc.double({ min: 50, max: 200, noNaN: true }),
  markPrice: fc.double({ min: 40, max: 250, noNaN: true }),
  collateral: fc.double({ min: 10, max: 1e6, noNaN: true }),
  maintenanceMargin: fc.double({ min: 0, max: 1e4, noNaN: true }),
});

/**
 * The reference order, straight from src/core: positions in profit before any at a loss (the core key
 * does this for Hyperliquid; the simulator keeps it for every venue, where it only breaks ties), then
 * the queue key shared with /adl-rank in the core's order, then the lower index.
 */
function coreOrder(formula: AdlFormula, states: ScoreState[]): number[] {
  const key = (s: ScoreState) => {
    const score = adlQueueKey(formula, s);
    return { inProfit: s.sign * (s.markPrice - s.entryPrice) > 0 ? 1 : 0, score: score === null || Number.isNaN(score) ? -Infinity : score };
  };
  const keys = states.map(key);
  const byKey = (a: number, b: number) => (keys[a].score === keys[b].score ? 0 : Math.sign(compareQueueKeys(keys[a].score, keys[b].score)) || (keys[b].score > keys[a].score ? 1 : -1));
  return states
    .map((_, i) => i)
    .sort((a, b) => keys[b].inProfit - keys[a].inProfit || byKey(a, b) || a - b);
}

function simulatorOrder(formula: AdlFormula, states: ScoreState[], top: number): number[] {
  const scorer = new QueueScorer(formula);
  const cursor = new QueueCursor(states.length, top);
  const key = { tier: 0, score: 0 };
  states.forEach((s, i) => {
    Object.assign(scorer.state, s);
    scorer.key(key);
    cursor.add(i, key.tier, key.score);
  });
  const order: number[] = [];
  for (let i = cursor.next(); i >= 0; i = cursor.next()) order.push(i);
  return order;
}

test("the simulator's queue order equals the core ranking for the same positions, for every venue's formula", () => {
  fc.assert(
    fc.property(fc.constantFrom(...FORMULAS), fc.array(position, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (formula, states, top) => {
      const expected = coreOrder(formula, states);
      // A small `top` sends most of the walk through the deep ranking, a large one keeps all in the first scan.
      assert.deepEqual(simulatorOrder(formula, states, top), expected);
      assert.deepEqual(simulatorOrder(formula, states, 256), expected);
    }),
    { numRuns: 300, seed: 1110 },
  );
});

test('a position at a loss is behind every position in profit, whatever its score', () => {
  const winner: ScoreState = { sign: -1, quantity: 1, entryPrice: 100, markPrice: 99, collateral: 1_000, maintenanceMargin: 1 };
  // A short at a loss with enormous leverage: the documented long-side index would rank it high.
  const loser: ScoreState = { sign: -1, quantity: 100, entryPrice: 100, markPrice: 101, collateral: 150, maintenanceMargin: 50 };
  for (const formula of FORMULAS) assert.deepEqual(simulatorOrder(formula, [loser, winner], 1), [1, 0], formula);
});
