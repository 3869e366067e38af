import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/simulator/random.ts';

test('the same seed gives the same stream; another seed gives another', () => {
  const draw = (seed: number) => Array.from({ length: 5 }, () => new SeededRandom(seed)).map((r) => r.nextUint32());
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const c = new SeededRandom(43);
  const streamA = Array.from({ length: 100 }, () => a.nextUint32());
  const streamB = Array.from({ length: 100 }, () => b.nextUint32());
  const streamC = Array.from({ length: 100 }, () => c.nextUint32());
  assert.deepEqual(streamA, streamB);
  assert.notDeepEqual(streamA, streamC);
  assert.equal(new Set(draw(1)).size, 1);
});

test('uniform draws stay in [0, 1) and normals have mean ≈ 0 and sd ≈ 1', () => {
  const random = new SeededRandom(7);
  let sum = 0;
  let sumSquares = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const u = random.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = random.normal();
    sum += z;
    sumSquares += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.05);
  assert.ok(Math.abs(Math.sqrt(sumSquares / n) - 1) < 0.05);
});
