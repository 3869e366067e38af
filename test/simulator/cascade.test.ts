import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../src/simulator/cascade.ts';
import { resolveParams } from '../../src/simulator/params.ts';
import { generatePopulation } from '../../src/simulator/population.ts';
import { SeededRandom } from '../../src/simulator/random.ts';

const lowestBookShare = (maxWick: number, seed: number) => {
  const params = { ...resolveParams('2025-10-10', { positions: 20_000, seed }), maxWick };
  const random = new SeededRandom(seed);
  const cascade = runCascade(params, generatePopulation(params, random), random);
  let lowest = 1;
  for (let t = 0; t < cascade.steps; t++) {
    lowest = Math.min(lowest, cascade.bookPrice[t + 1] / cascade.markPrice[t + 1], cascade.fillPrice[t] / cascade.markPrice[t + 1]);
  }
  return lowest;
};

test('the local book and the liquidation fills stay within maxWick of the index', () => {
  const seeds = [1010, 4, 5];
  // The preset's wick goes deep (see its source note) ...
  assert.ok(Math.min(...seeds.map((seed) => lowestBookShare(0.45, seed))) < 0.9, "the preset's wick is deep");
  // ... and a fact-sized bound holds it within 3.5% of the index.
  for (const seed of seeds) assert.ok(lowestBookShare(0.035, seed) >= 1 - 0.035 - 1e-12, `seed ${seed}`);
});

test('every population is split into a long range and a short range', () => {
  const params = resolveParams('mild', { positions: 5_000, seed: 3 });
  const population = generatePopulation(params);
  assert.ok(population.longCount > 0 && population.longCount < population.count);
  for (let i = 0; i < population.count; i++) assert.equal(population.side[i], i < population.longCount ? 1 : -1, `position ${i}`);
});
