import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianInPlace, selectKth, sumOfLargest } from '../../src/simulator/statistics.ts';
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

test('radixOrder sorts indices by key, keeping index order for equal keys', async () => {
  const { radixOrder } = await import('../../src/simulator/population.ts');
  const random = new SeededRandom(11);
  for (const n of [0, 1, 7, 5_000]) {
    // Few distinct keys (ties) and keys above 2^16 and 2^31, so both passes and the top bit matter.
    const keys = Uint32Array.from({ length: n }, () => [3, 70_000, 2 ** 31 + 5, 999_999_999, 65_535][Math.floor(random.uniform() * 5)] + Math.floor(random.uniform() * 3));
    const indices = Int32Array.from({ length: n }, (_, k) => k * 2);
    const expected = Array.from(indices).sort((a, b) => keys[a / 2] - keys[b / 2] || a - b);
    assert.deepEqual(Array.from(radixOrder(Uint32Array.from(keys), Int32Array.from(indices))), expected, `n ${n}`);
  }
});
