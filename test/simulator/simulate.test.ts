import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runCascade } from '../../src/simulator/cascade.ts';
import { ADL_POLICIES, REGIMES, resolveParams, SCENARIOS, SimulationInputError, VENUES } from '../../src/simulator/params.ts';
import { generatePopulation } from '../../src/simulator/population.ts';
import { SeededRandom } from '../../src/simulator/random.ts';
import { allocateScratch, LedgerError, settle } from '../../src/simulator/settlement.ts';
import { runSimulation, type PolicyResult, type SimulationResult } from '../../src/simulator/simulate.ts';

const policy = (result: SimulationResult, name: string): PolicyResult => {
  const found = result.policies.find((p) => p.policy === name);
  assert.ok(found, `policy ${name} in the result`);
  return found;
};

test('same seed and parameters give byte-identical JSON; another seed gives another result', () => {
  const params = resolveParams('2025-10-10', { positions: 5_000, seed: 99 });
  const first = JSON.stringify(runSimulation(params));
  const again = JSON.stringify(runSimulation(resolveParams('2025-10-10', { positions: 5_000, seed: 99 })));
  const other = JSON.stringify(runSimulation(resolveParams('2025-10-10', { positions: 5_000, seed: 100 })));
  assert.equal(first, again);
  assert.notEqual(first, other);
});

test('the JSON holds the contract fields, with USD figures as numbers', () => {
  const result = runSimulation(resolveParams('mild', { positions: 2_000 }));
  const json = JSON.parse(JSON.stringify(result));
  for (const key of ['scenario', 'seed', 'positions', 'liquidatedNotional', 'fund', 'deficit', 'policies']) assert.ok(key in json, key);
  assert.equal(typeof json.liquidatedNotional.long, 'number');
  assert.equal(typeof json.fund.min, 'number');
  for (const p of json.policies) {
    assert.deepEqual(
      ['policy', 'adlNotional', 'tradersHit', 'maxHaircutPct'].filter((k) => !(k in p)),
      [],
    );
  }
  assert.equal(json.model, 'reconstruction, not exchange data');
});

// The zero-sum ledger: traders' PnL (incl. the rest of the market) + fund change + vault change −
// uncovered deficit = 0 after every step. `verify` throws LedgerError past 1e-9 of gross amounts.
for (const [scenario, seed] of [
  ['2025-10-10', 1010],
  ['2025-10-10', 7],
  ['2025-10-10', 31337],
  ['mild', 1010],
  ['custom', 5],
] as const) {
  test(`zero-sum ledger holds on every step: ${scenario}, seed ${seed}`, () => {
    const overrides = scenario === 'custom' ? { drop: 0.25, minutes: 30, fundUsd: 1_000_000 } : {};
    const result = runSimulation(resolveParams(scenario, { positions: 3_000, seed, verify: true, ...overrides }));
    assert.equal(result.ledger.verified, true);
    assert.ok(result.ledger.maxResidual <= result.ledger.tolerance);
  });
}

test('zero-sum ledger on random seeds, presets, venues and policies', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_294_967_295 }),
      fc.constantFrom(...SCENARIOS),
      fc.constantFrom(...VENUES),
      fc.subarray([...ADL_POLICIES], { minLength: 1 }),
      fc.integer({ min: 500, max: 2_500 }),
      fc.double({ min: 0.05, max: 0.4, noNaN: true }),
      (seed, scenario, venue, policies, positions, drop) => {
        const custom = scenario === 'custom' ? { drop, fundUsd: 0, minutes: 20 } : {};
        const result = runSimulation(resolveParams(scenario, { seed, venue, policies, positions, steps: 300, verify: true, ...custom }));
        assert.equal(result.ledger.verified, true);
        assert.ok(result.ledger.maxResidual <= result.ledger.tolerance, `${scenario} seed ${seed}`);
      },
    ),
    { numRuns: 25, seed: 20251010 },
  );
});

test('the ledger check catches a leak: a book whose longs and shorts do not match is not zero-sum', () => {
  const params = resolveParams('2025-10-10', { positions: 3_000, seed: 1010, verify: true });
  const random = new SeededRandom(params.seed);
  const population = generatePopulation(params, random);
  const cascade = runCascade(params, population, random);
  // Balanced, the ledger holds ...
  assert.doesNotThrow(() => settle(params, population, cascade, 'pro-rata', allocateScratch(population)));
  // ... but one coin missing from the rest of the market leaks its PnL as soon as the price moves.
  const unmatched = { ...population, outsideQuantity: population.outsideQuantity + 1 };
  assert.throws(() => settle(params, unmatched, cascade, 'pro-rata', allocateScratch(unmatched)), LedgerError);
});

test('queue order: keeping the best few per scoring pass closes the same positions as ranking every winner', () => {
  for (const venue of ['binance', 'bitmex', 'hyperliquid'] as const) {
    const params = resolveParams('2025-10-10', { positions: 20_000, seed: 1010, regime: 'cex-typical', venue });
    const random = new SeededRandom(params.seed);
    const population = generatePopulation(params, random);
    const cascade = runCascade(params, population, random);
    for (const adl of ['queue', 'vault'] as const) {
      const usual = settle(params, population, cascade, adl, allocateScratch(population));
      // Keeping one winner per pass sends nearly every close through the full ranking.
      const deep = settle(params, population, cascade, adl, allocateScratch(population, 1));
      assert.ok(usual.tradersHit > 1, `${venue} ${adl}: several winners closed`);
      const { adlSteps: a, fundPath: b, ...usualFigures } = usual;
      const { adlSteps: c, fundPath: d, ...deepFigures } = deep;
      assert.deepEqual(deepFigures, usualFigures, `${venue} ${adl}`);
      assert.deepEqual([Array.from(c), Array.from(d)], [Array.from(a), Array.from(b)]);
    }
  }
});

test('a custom crash that empties the fund still balances the ledger under every policy', () => {
  const result = runSimulation(resolveParams('custom', { positions: 3_000, seed: 1010, drop: 0.3, fundUsd: 0, verify: true }));
  assert.ok(result.deficit > 0);
  assert.ok(result.ledger.maxResidual <= result.ledger.tolerance);
});

test('mild: the book and the fund absorb the dip, no ADL under any policy', () => {
  const result = runSimulation(resolveParams('mild', { positions: 20_000 }));
  assert.ok(result.price.lowPct > -0.1);
  assert.equal(result.deficit, 0);
  assert.ok(result.fund.end >= result.fund.start);
  for (const p of result.policies) {
    assert.equal(p.tradersHit, 0, p.policy);
    assert.equal(p.need, 0, p.policy);
  }
});

test('2025-10-10: the fund runs dry and the waterfall ends in ADL; queue hits few, pro-rata spreads the need', () => {
  const result = runSimulation(resolveParams('2025-10-10', { positions: 20_000, seed: 1010 }));
  const queue = policy(result, 'queue');
  const proRata = policy(result, 'pro-rata');
  const socialized = policy(result, 'socialized');
  assert.ok(result.liquidatedNotional.long > result.liquidatedNotional.short);
  assert.equal(result.fund.min, 0);
  assert.ok(result.deficit > 0);
  assert.ok(queue.need > 0 && queue.tradersHit > 0 && queue.adlNotional > 0);
  // Queue: few traders, large haircuts; pro-rata: many traders, small haircuts.
  assert.ok(proRata.tradersHit > 10 * queue.tradersHit);
  assert.ok(queue.maxHaircutPct > proRata.maxHaircutPct);
  assert.ok(queue.taken / queue.tradersHit > 100 * (proRata.taken / proRata.tradersHit), 'average loss per trader hit');
  assert.ok(queue.giniHaircut > proRata.giniHaircut);
  // Pro-rata and socialized take exactly the need (to the cent); the queue takes at least the need.
  assert.ok(Math.abs(proRata.collected - proRata.need) <= 0.02);
  assert.ok(Math.abs(socialized.collected - socialized.need) <= 0.02);
  assert.equal(proRata.takenToNeed, 1);
  assert.ok(queue.takenToNeed >= 1);
  assert.equal(queue.residualDeficit, 0);
  // Who the queue took first: more leverage than the typical winner (the /adl-rank connection).
  assert.ok(result.queueProfile);
  assert.ok(result.queueProfile.firstAdled.medianLeverage > result.queueProfile.eligibleWinners.medianLeverage);
});

// Chitra's replay (adl-research-notes.md §5.4): production queue took ~4× the need with a mean largest
// haircut per wave of ~75%; wealth pro-rata took exactly the need with ~1.3%. In kind, in both regimes.
for (const regime of REGIMES) {
  for (const seed of [7, 1010]) {
    test(`replay in kind, ${regime}, seed ${seed}: the queue takes more than the need from few winners, pro-rata exactly the need from all`, () => {
      const result = runSimulation(resolveParams('2025-10-10', { positions: 20_000, seed, regime, policies: ['queue', 'pro-rata'] }));
      assert.equal(result.regime, regime);
      const queue = policy(result, 'queue');
      const proRata = policy(result, 'pro-rata');
      assert.ok(result.deficit > 0, 'the waterfall ends in ADL');
      assert.ok(queue.takenToNeed > 1.2, `queue takes more than the need (${queue.takenToNeed})`);
      assert.equal(proRata.takenToNeed, 1);
      assert.ok(queue.tradersHit * 10 < proRata.tradersHit, 'pro-rata spreads the need over many more traders');
      assert.equal(proRata.shareOfWinnersHit, 1);
      assert.ok(queue.meanWaveMaxHaircutPct > 5 * proRata.meanWaveMaxHaircutPct, 'largest haircut per wave');
      assert.ok(queue.giniHaircut > proRata.giniHaircut);
    });
  }
}

test('vault policy: what liquidated positions leave at the fill feeds the vault, not the fund', () => {
  const result = runSimulation(resolveParams('mild', { positions: 20_000, seed: 1010, policies: ['queue', 'vault'], verify: true }));
  const queue = policy(result, 'queue');
  const vault = policy(result, 'vault');
  assert.ok(queue.fundEnd > result.fund.start, 'with the fund as backstop, the fund earns');
  assert.equal(vault.fundEnd, result.fund.start);
  assert.ok(vault.vaultUsed < 0, 'the vault earns instead (HLP took liquidation profits)');
  assert.ok(Math.abs(-vault.vaultUsed - (queue.fundEnd - result.fund.start)) < 0.02, 'the same amount');
});

test('vault: the vault absorbs the deficit before anyone is ADL-ed, down to its floor', () => {
  const result = runSimulation(resolveParams('2025-10-10', { positions: 20_000, seed: 1010, policies: ['vault'] }));
  const vault = policy(result, 'vault');
  assert.ok(vault.vaultUsed > 0);
  assert.ok(vault.vaultUsed <= 150_000_000 * 0.2 + 0.01);
  const small = runSimulation(resolveParams('2025-10-10', { positions: 20_000, seed: 1010, policies: ['vault'], vaultUsd: 1_000_000 }));
  assert.ok(policy(small, 'vault').tradersHit > 0, 'a small vault hands the rest to the queue');
});

test('bad parameters are refused with a reason the command can translate', () => {
  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof SimulationInputError);
      return error.problem;
    }
    assert.fail('expected a SimulationInputError');
  };
  assert.equal(problem(() => resolveParams('2025-10-11')), 'unknown-scenario');
  assert.equal(problem(() => resolveParams('custom', { drop: -0.05 })), 'drop-out-of-range');
  assert.equal(problem(() => resolveParams('custom', { minutes: 0 })), 'minutes-out-of-range');
  assert.equal(problem(() => resolveParams('mild', { positions: 10 })), 'positions-out-of-range');
  assert.equal(problem(() => resolveParams('mild', { policies: ['lottery' as never] })), 'unknown-policy');
  assert.equal(problem(() => resolveParams('mild', { venue: 'ftx' as never })), 'unknown-venue');
  // A leverage mix is not a regime: regimes are calibrated preset variants.
  assert.equal(problem(() => resolveParams('2025-10-10', { regime: 'open-interest' as never })), 'unknown-regime');
});
