import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { mulberry32, populationParameters, referenceMembers, regimeFor } from '../../src/core/adl-population.ts';
import {
  adlQueueKey,
  adlScore,
  BEHIND_EVERY_WINNER,
  compareQueueKeys,
  binanceLeveragePnl,
  bitmexPnlLeverage,
  computeAdlRank,
  fillFromQueue,
  hyperliquidDocumentedIndex,
  hyperliquidIndex,
  hyperliquidShortIndex,
  lightsFromPercentile,
  okxLeveragePnl,
  type AdlInput,
  type ScoreState,
} from '../../src/core/adl.ts';
import { getVenue, RANKED_VENUES, shippedTable, type VenueId } from '../../src/core/venues.ts';

const d = (value: Decimal.Value) => new Decimal(value);

// Binance LeveragePnL (https://www.binance.com/en/support/faq/360033525471). The numbers are a forum
// user's calculation, not an official vector (https://dev.binance.vision/t/how-to-caculating-leverage-pnl-quantile/17801):
// unrealised profit 40.2, wallet 4.27 → PnL% 9.41; margin ratio 13.42% → LeveragePnL 1.26.
test('Binance LeveragePnL reproduces the forum example: 9.41 × 13.42% ≈ 1.26', () => {
  const walletBalance = 4.27;
  const upnl = 40.2;
  const maintenanceMargin = 0.1342 * (walletBalance + upnl);
  // 1 unit bought at 100, mark 140.2 → uPnL 40.2
  const score = binanceLeveragePnl({ sign: 1, quantity: 1, entryPrice: 100, markPrice: 140.2, collateral: walletBalance, maintenanceMargin });
  assert.equal(score.toFixed(2), '1.26');
  assert.equal(binanceLeveragePnl({ sign: 1, quantity: 1, entryPrice: 100, markPrice: 90, collateral: 50, maintenanceMargin: 1 }), 0, 'losses score 0');
});

// Hyperliquid, https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging
test('H5: the documented index for a short at entry 100, mark 80, value 8,000, account 2,000 is 0.8 × 4 = 3.2', () => {
  assert.equal(hyperliquidDocumentedIndex(80, 100, 8000, 2000).toFixed(6), '3.200000');
  // The short form ranks it by effective leverage × profit ratio: (8,000/2,000) × (2,000/10,000) = 0.8.
  const state: ScoreState = { sign: -1, quantity: 100, entryPrice: 100, markPrice: 80, collateral: 0, maintenanceMargin: 0 };
  assert.equal(hyperliquidShortIndex(state).toFixed(6), '0.800000');
});

test('H5: the literal Hyperliquid index ranks a more profitable short lower; the short form ranks it higher', () => {
  const small: ScoreState = { sign: -1, quantity: 100, entryPrice: 100, markPrice: 95, collateral: 1000, maintenanceMargin: 0 };
  const large: ScoreState = { ...small, markPrice: 80 };
  const literal = (s: ScoreState) => hyperliquidDocumentedIndex(s.markPrice, s.entryPrice, s.quantity * s.markPrice, s.collateral - s.quantity * (s.markPrice - s.entryPrice));
  assert.ok(literal(large) < literal(small), 'literal index falls with a short\'s profit');
  assert.ok(hyperliquidShortIndex(large) > hyperliquidShortIndex(small), 'short form rises with profit');
  assert.equal(hyperliquidIndex(large), hyperliquidShortIndex(large));
});

test('the documented Hyperliquid index is not monotone in a long\'s profit above 2x: profit also raises account value', () => {
  // Long 100 at 100 with 1,000 margin (10x): mark 105 → 1.05 × 10,500/1,500 = 7.35; mark 120 → 1.2 × 12,000/3,000 = 4.8.
  const at = (markPrice: number): ScoreState => ({ sign: 1, quantity: 100, entryPrice: 100, markPrice, collateral: 1000, maintenanceMargin: 0 });
  assert.equal(hyperliquidIndex(at(105)).toFixed(2), '7.35');
  assert.equal(hyperliquidIndex(at(120)).toFixed(2), '4.80');
});

// BitMEX ADL example (copy: github bradkyle/Qenv logic/bitmex.md): six longs by PnL rank; a 20-contract short
// liquidated at 650 closes account 2 fully (10) and account 5 by 10, both at 650.
test('A1 (BitMEX): the queue closes account 2 fully and account 5 by 10 for a 20-contract liquidation', () => {
  // (account, qty, PnL-rank) with rank 6 = front of the queue in the doc's table.
  const accounts = [
    { id: 1, qty: 10, rank: 3 }, { id: 2, qty: 10, rank: 6 }, { id: 3, qty: 20, rank: 1 },
    { id: 4, qty: 30, rank: 4 }, { id: 5, qty: 20, rank: 5 }, { id: 6, qty: 10, rank: 2 },
  ];
  // Give each account a position whose BitMEX score orders like its rank: same 10x margin, higher rank = higher mark.
  const candidates = accounts.map((a) => ({
    id: a.id,
    quantity: d(a.qty),
    score: bitmexPnlLeverage({ sign: 1, quantity: a.qty, entryPrice: 600, markPrice: 600 + 10 * a.rank, collateral: (a.qty * 600) / 10, maintenanceMargin: 0 }),
  }));
  const fills = fillFromQueue(candidates, d(20));
  assert.deepEqual(fills.map((f) => [f.id, f.quantity.toNumber()]), [[2, 10], [5, 10]]);
});
// Not applied from A1: the doc's percentile column (two accounts share 80%) matches no rank/N rule, so it is not asserted.

test('BitMEX score: PnL% × effective leverage in profit, PnL% ÷ effective leverage in loss', () => {
  // Long 1 at 100, margin 10; mark 110 → PnL% 10%, equity 20, effective leverage 110/20 = 5.5 → 0.55.
  assert.equal(bitmexPnlLeverage({ sign: 1, quantity: 1, entryPrice: 100, markPrice: 110, collateral: 10, maintenanceMargin: 0 }).toFixed(6), '0.550000');
  // mark 95 → PnL% −5%, equity 5, effective leverage 19 → −0.05/19
  assert.equal(bitmexPnlLeverage({ sign: 1, quantity: 1, entryPrice: 100, markPrice: 95, collateral: 10, maintenanceMargin: 0 }).toFixed(8), (-0.05 / 19).toFixed(8));
});

test('OKX score is PnL% × effective leverage as written, in loss too (no BitMEX-style division)', () => {
  // Long 1 at 100, margin 10; mark 110 → 10% × 110/20 = 0.55, the same as BitMEX in profit.
  const profit: ScoreState = { sign: 1, quantity: 1, entryPrice: 100, markPrice: 110, collateral: 10, maintenanceMargin: 0 };
  assert.equal(okxLeveragePnl(profit).toFixed(6), '0.550000');
  // mark 95 → −5% × 95/5 = −0.95 (BitMEX would divide: −5%/19).
  const loss: ScoreState = { ...profit, markPrice: 95 };
  assert.equal(okxLeveragePnl(loss).toFixed(6), '-0.950000');
  assert.equal(adlScore('okx-leverage-pnl', loss), okxLeveragePnl(loss));
  // In loss, more leverage ranks further back.
  assert.ok(okxLeveragePnl({ ...loss, collateral: 8 }) < okxLeveragePnl(loss));
});

test('lights are 20% buckets: 0 → 1, 0.2 → 2, 0.79 → 4, 0.8 → 5, 1 → 5', () => {
  assert.deepEqual([0, 0.19, 0.2, 0.79, 0.8, 1].map(lightsFromPercentile), [1, 1, 2, 4, 5, 5]);
});

test('the reference population is deterministic and follows its parameters', () => {
  const params = populationParameters();
  const a = mulberry32(params.seed);
  const b = mulberry32(params.seed);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  const members = referenceMembers('cex');
  assert.equal(members.length, params.size);
  const equities = members.map((m) => m.equity).sort((x, y) => x - y);
  const median = equities[Math.floor(equities.length / 2)];
  assert.ok(Math.abs(Math.log(median) - params.equity.meanLn) < 0.2, `median equity ${median}`);
  const profitable = members.filter((m) => m.profitToValue !== null).length / members.length;
  assert.ok(Math.abs(profitable - params.profit.profitableShare) < 0.03, `profitable share ${profitable}`);
  const buckets = params.leverageRegimes.cex.buckets;
  for (const bucket of buckets) {
    const share = members.filter((m) => m.leverage >= bucket.min && m.leverage < bucket.max).length / members.length;
    assert.ok(Math.abs(share - bucket.share) < 0.03, `leverage ${bucket.min}–${bucket.max}: ${share}`);
  }
  assert.equal(regimeFor('hyperliquid'), 'dex');
});

const profitableShort: AdlInput = {
  venue: 'binance', side: 'short', entryPrice: d(122_000), markPrice: d(102_000), quantity: d(1), leverage: d(20),
};
/** OKX, BitMEX and dYdX ship no BTCUSDT table: positions there carry the maintenance rate a user would type. */
const withTable = (venue: VenueId): Partial<AdlInput> => (shippedTable(venue, 'BTCUSDT') ? {} : { mmrOverride: d('0.005') });

test('every ranked venue gives lights 1–5, a percentile, an estimate flag and its close-out rule', () => {
  const closeouts: Record<string, string> = {
    binance: 'counterparty-bankruptcy', bybit: 'counterparty-bankruptcy', bitmex: 'counterparty-bankruptcy', okx: 'mark', hyperliquid: 'previous-mark',
  };
  for (const venue of RANKED_VENUES) {
    const r = computeAdlRank({ ...profitableShort, venue, leverage: d(10), ...withTable(venue) });
    assert.equal(r.ranked, true);
    assert.equal(r.estimate, true);
    assert.ok(r.lights! >= 1 && r.lights! <= 5, 'r.lights! >= 1 && r.lights! <= 5');
    assert.ok(r.percentile! >= 0 && r.percentile! <= 1, 'r.percentile! >= 0 && r.percentile! <= 1');
    assert.equal(r.closeoutRule, closeouts[venue]);
    assert.equal(r.closeoutPrice === null, closeouts[venue] === 'counterparty-bankruptcy', venue);
    assert.ok(r.assumptions.includes('percentile-estimate'), 'r.assumptions.includes("percentile-estimate")');
    // Own bankruptcy price for context: short at 10x → 122,000 × 1.1
    assert.equal(r.ownBankruptcyPrice!.toString(), '134200');
  }
  assert.ok(computeAdlRank({ ...profitableShort, venue: 'hyperliquid' }).assumptions.includes('hyperliquid-short-side-adjusted'), 'computeAdlRank({ ...profitableShort, venue: "hyperliquid" }).assumptions.includes("hyperliquid-short-side-adjusted")');
  assert.ok(computeAdlRank({ ...profitableShort, venue: 'bybit' }).assumptions.includes('bybit-adl-formula-stand-in'), 'computeAdlRank({ ...profitableShort, venue: "bybit" }).assumptions.includes("bybit-adl-formula-stand-in")');
  assert.ok(computeAdlRank({ ...profitableShort, venue: 'okx', ...withTable('okx') }).assumptions.includes('okx-adl-definitions'), 'okx-adl-definitions');
});

test('dYdX is not ranked: random selection at the bankruptcy price', () => {
  const r = computeAdlRank({ ...profitableShort, venue: 'dydx', leverage: d(10), ...withTable('dydx') });
  assert.equal(r.ranked, false);
  assert.equal(r.score, null);
  assert.equal(r.lights, null);
  assert.equal(r.closeoutRule, 'counterparty-bankruptcy');
  assert.deepEqual(r.advice, [{ kind: 'not-ranked' }]);
  assert.ok(r.assumptions.includes('dydx-random'), 'r.assumptions.includes("dydx-random")');
});

test('a losing position is told it is at the back of the queue', () => {
  const r = computeAdlRank({ ...profitableShort, markPrice: d(125_000) });
  assert.ok(r.pnl.lt(0), 'r.pnl.lt(0)');
  assert.equal(r.advice[0].kind, 'back-of-queue');
  assert.equal(r.lights, 1);
});

test('the advice, taken literally, drops at least one light', () => {
  for (const venue of RANKED_VENUES) {
    const input: AdlInput = { ...profitableShort, venue, leverage: d(20), ...withTable(venue) };
    const before = computeAdlRank(input);
    for (const advice of before.advice) {
      if (advice.kind === 'add-margin') {
        const after = computeAdlRank({ ...input, leverage: undefined, margin: before.leverage.pow(-1).times(input.quantity!).times(input.entryPrice).plus(advice.addMargin) });
        assert.ok(after.lights! < before.lights!, `${venue} add-margin: ${before.lights} → ${after.lights}`);
        assert.equal(after.lights, advice.lightsAfter);
      }
      if (advice.kind === 'take-profit') {
        // Close part of the position and leave the margin in place.
        const margin = input.quantity!.times(input.entryPrice).div(input.leverage!);
        const after = computeAdlRank({ ...input, leverage: undefined, margin, quantity: input.quantity!.minus(advice.closeQuantity) });
        assert.ok(after.lights! < before.lights!, `${venue} take-profit: ${before.lights} → ${after.lights}`);
      }
    }
    assert.ok(before.advice.length > 0, 'before.advice.length > 0');
  }
});

const stateArbitrary = fc.record({
  sign: fc.constantFrom<1 | -1>(1, -1),
  quantity: fc.double({ min: 0.01, max: 100, noNaN: true }),
  leverage: fc.double({ min: 1, max: 100, noNaN: true }),
  move: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
});

test('property: every ranked score grows with profit', () => {
  fc.assert(
    fc.property(stateArbitrary, fc.constantFrom<VenueId>(...RANKED_VENUES), fc.double({ min: 0.001, max: 0.3, noNaN: true }), (s, venue, extra) => {
      const formula = getVenue(venue).adl.formula;
      const entryPrice = 100;
      const collateral = (s.quantity * entryPrice) / s.leverage;
      const at = (move: number): ScoreState => {
        const markPrice = entryPrice * (1 + s.sign * Math.min(move, 0.9));
        return { sign: s.sign, quantity: s.quantity, entryPrice, markPrice, collateral, maintenanceMargin: 0.005 * s.quantity * markPrice };
      };
      // Hyperliquid longs use the documented index, which is not monotone in profit (test above).
      if (s.move + extra > 0.9 || (formula === 'hyperliquid-index' && s.sign === 1)) return;
      // A short's position value shrinks as it wins: every formula here is x(1 − x)/(1/L + x) times a constant
      // in the price move x, which peaks at x* = −1/L + √(1/L² + 1/L) (e.g. 23% at 10x). Check below the peak.
      const a0 = 1 / s.leverage;
      if (s.sign === -1 && s.move + extra >= -a0 + Math.sqrt(a0 * a0 + a0)) return;
      const a = adlScore(formula, at(s.move))!;
      const b = adlScore(formula, at(s.move + extra))!;
      assert.ok(b > a, `${formula}: ${a} → ${b}`);
    }),
    { numRuns: 300 },
  );
});

test('property: every ranked score of a profitable position grows with leverage (less margin)', () => {
  fc.assert(
    fc.property(stateArbitrary, fc.constantFrom<VenueId>(...RANKED_VENUES), fc.double({ min: 0.5, max: 50, noNaN: true }), (s, venue, extra) => {
      const formula = getVenue(venue).adl.formula;
      const entryPrice = 100;
      const markPrice = entryPrice * (1 + s.sign * Math.min(s.move, 0.9));
      const at = (leverage: number): ScoreState => ({
        sign: s.sign, quantity: s.quantity, entryPrice, markPrice, collateral: (s.quantity * entryPrice) / leverage, maintenanceMargin: 0.005 * s.quantity * markPrice,
      });
      assert.ok(adlScore(formula, at(s.leverage + extra))! > adlScore(formula, at(s.leverage))!, 'adlScore(formula, at(s.leverage + extra))! > adlScore(formula, at(s.leverage))!');
    }),
    { numRuns: 300 },
  );
});

test('property: more profit never lowers the estimated lights of a short', () => {
  fc.assert(
    // Up to 10x and a 20% fall: below the x(1 − x)/(1/L + x) peak for shorts (see the score property above).
    fc.property(fc.constantFrom<VenueId>(...RANKED_VENUES), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 15 }), (venue, leverage, dropPct) => {
      const base: AdlInput = { ...profitableShort, venue, leverage: d(leverage), ...withTable(venue) };
      const a = computeAdlRank({ ...base, markPrice: d(122_000).times(1 - dropPct / 100) });
      const b = computeAdlRank({ ...base, markPrice: d(122_000).times(1 - (dropPct + 5) / 100) });
      assert.ok(b.lights! >= a.lights!, `${venue} ${leverage}x −${dropPct}%: ${a.lights} → ${b.lights}`);
    }),
    { numRuns: 60 },
  );
});

// Hyperliquid: "the users on the opposite side of the position are ranked by unrealized pnl and leverage used"
// and only "the affected users in profit" are ranked (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/auto-deleveraging).
test('the Hyperliquid loser: a losing position is behind every winner, long or short, however high its leverage', () => {
  const state = (sign: 1 | -1, leverage: number, move: number): ScoreState => {
    const entryPrice = 100;
    const quantity = 10;
    const markPrice = entryPrice * (1 + sign * move);
    return { sign, quantity, entryPrice, markPrice, collateral: (quantity * entryPrice) / leverage, maintenanceMargin: 0.0125 * quantity * markPrice };
  };
  for (const sign of [1, -1] as const) {
    const loser = state(sign, 40, -0.01);
    const smallWinner = state(sign, 1.01, 0.0001);
    // The documented long index alone would put the 40x loser (≈ 0.99 × 40) ahead of the 1x winner.
    if (sign === 1) assert.ok(adlScore('hyperliquid-index', loser)! > adlScore('hyperliquid-index', smallWinner)!);
    assert.equal(adlQueueKey('hyperliquid-index', loser), BEHIND_EVERY_WINNER);
    assert.ok(compareQueueKeys(adlQueueKey('hyperliquid-index', smallWinner)!, adlQueueKey('hyperliquid-index', loser)!) < 0, `sign ${sign}: winner first`);
  }
  const loserRank = computeAdlRank({ venue: 'hyperliquid', side: 'long', entryPrice: d(100_000), markPrice: d(99_000), quantity: d(1), leverage: d(40) });
  assert.equal(loserRank.lights, 1);
  assert.equal(loserRank.percentile, 0);
  assert.equal(loserRank.score?.toNumber(), BEHIND_EVERY_WINNER);
  assert.equal(loserRank.advice[0].kind, 'back-of-queue');
});

test('property: computeAdlRank orders positions as the number-level queue key does, and puts every loser behind every winner', () => {
  const position = fc.record({
    venue: fc.constantFrom<VenueId>(...RANKED_VENUES),
    side: fc.constantFrom<'long' | 'short'>('long', 'short'),
    leverage: fc.integer({ min: 1, max: 20 }),
    movePct: fc.integer({ min: -4, max: 30 }),
    quantityTenths: fc.integer({ min: 1, max: 50 }),
  });
  fc.assert(
    fc.property(position, position, (a, b) => {
      if (a.movePct === 0 || b.movePct === 0) return;
      const venue = a.venue;
      const sign = a.side === 'long' ? 1 : -1;
      const entryPrice = 100_000;
      const run = (p: typeof a) => {
        const quantity = p.quantityTenths / 10;
        const markPrice = entryPrice * (1 + (sign * p.movePct) / 100);
        const result = computeAdlRank({
          venue, side: a.side, entryPrice: d(entryPrice), quantity: d(quantity), leverage: d(p.leverage), markPrice: d(markPrice), ...withTable(venue),
        });
        const mm = venue === 'binance' ? NaN : 0; // Binance's score needs the tier's maintenance margin: checked by order only.
        const key = adlQueueKey(result.formula, { sign, quantity, entryPrice, markPrice, collateral: (quantity * entryPrice) / p.leverage, maintenanceMargin: mm })!;
        return { result, key };
      };
      const [ra, rb] = [run(a), run(b)];
      if (venue !== 'binance') {
        for (const r of [ra, rb]) assert.ok(Math.abs(r.result.score!.toNumber() - r.key) <= 1e-9 * Math.max(1, Math.abs(r.key)), `${venue}: score ${r.result.score} vs key ${r.key}`);
        if (ra.key !== rb.key) assert.equal(Math.sign(ra.result.score!.minus(rb.result.score!).toNumber()), Math.sign(ra.key - rb.key), 'same order');
      }
      const [winA, winB] = [ra.result.pnl.gt(0), rb.result.pnl.gt(0)];
      if (winA && !winB) assert.ok(ra.result.score!.gt(rb.result.score!), `${venue}: winner ${ra.result.score} ahead of loser ${rb.result.score}`);
      if (winB && !winA) assert.ok(rb.result.score!.gt(ra.result.score!), `${venue}: winner ${rb.result.score} ahead of loser ${ra.result.score}`);
      if (ra.result.score!.gt(rb.result.score!)) assert.ok(ra.result.percentile! >= rb.result.percentile!, 'a higher key never sits further back');
    }),
    { numRuns: 200 },
  );
});

test('the population unit: reference profit is uPnL ÷ position value, so a position is placed by that share, not by its ROE', () => {
  const params = populationParameters();
  assert.ok(params.profit.profitToValueQuantiles.some((q) => q.q === 0.5 && q.value === 0.469), 'median 46.9% of position value (the source)');
  // Same price move, same leverage, ten times the size and margin: the same share of position value, the same lights.
  const small = computeAdlRank({ ...profitableShort, quantity: d('0.1') });
  const large = computeAdlRank({ ...profitableShort, quantity: d(1) });
  assert.equal(small.pnlToValue.toString(), large.pnlToValue.toString());
  assert.equal(small.lights, large.lights);
  // 122,000 → 102,000 short: uPnL 20,000 on a 102,000 position value = 19.6%; ROE stays uPnL ÷ margin = 20,000 ÷ 6,100.
  assert.equal(large.pnlToValue.toDecimalPlaces(4).toString(), '0.1961');
  assert.equal(large.pnlPct.toDecimalPlaces(4).toString(), '3.2787');
});
