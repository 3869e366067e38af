import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gini, medianInPlace, selectKth, sumOfLargest } from '../../src/simulator/statistics.ts';
import { SeededRandom } from '../../src/simulator/random.ts';

test('selection agrees with sorting, duplicates included', () => {
  const random = new SeededRandom(3);
  for (const n of [1, 2, 3, 10, 101, 1000]) {
    const values = Float64Array.from({ length: n }, () => Math.floor(random.uniform() * 20));
    const sorted = Float64Array.from(values).sort();
    for (const k of [0, n >> 1, n - 1]) assert.equal(selectKth(Float64Array.from(values), k), sorted[k], `n ${n} k ${k}`);
  }
});

test('median of odd and even counts, and the sum of the largest values', () => {
  assert.equal(medianInPlace(Float64Array.from([5, 1, 3])), 3);
  assert.equal(medianInPlace(Float64Array.from([4, 1, 3, 2])), 2.5);
  assert.equal(medianInPlace(new Float64Array(0)), 0);
  assert.equal(sumOfLargest(Float64Array.from([1, 9, 3, 7, 5]), 2), 16);
});

test('gini: 0 when everyone pays the same share, towards 1 when one pays all', () => {
  assert.equal(gini(Float64Array.from([0.1, 0.1, 0.1])), 0);
  assert.ok(Math.abs(gini(Float64Array.from([1]), 99) - 0.99) < 1e-12);
  assert.equal(gini(new Float64Array(0)), 0);
});
