import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../src/simulator/params.ts';
import { runSimulation } from '../../src/simulator/simulate.ts';

/**
 * The 2025-10-10 preset against Hyperliquid's published record, as the issue asks: ADL on nearly every
 * seed, and every published figure within a factor of 2 of the model's median over seeds 1–20. Here at
 * 50,000 positions (the test must stay fast); `npm run bench simulator` runs 200,000 and 1,000,000.
 * Only the venue's own queue runs: the published record is its.
 */
const SEEDS = Array.from({ length: 20 }, (_, k) => k + 1);
const runs = SEEDS.map((seed) => runSimulation(resolveParams('2025-10-10', { positions: 50_000, seed, policies: ['queue'] })));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

test('the 10 Oct preset ends in ADL on at least 9 of seeds 1–10 at 50,000 positions (19 of 20 here)', () => {
  const adl = runs.map((run) => run.policies[0].need > 0);
  assert.ok(adl.slice(0, 10).filter(Boolean).length >= 9, `seeds 1–10: ${adl.slice(0, 10).join(',')}`);
  assert.ok(adl.filter(Boolean).length >= 19, `seeds 1–20: ${adl.join(',')}`);
});

test("every published figure is within a factor of 2 of the model's median over seeds 1–20", () => {
  const keys = runs[0].published.map((figure) => figure.key);
  for (const key of keys) {
    const ratios = runs.map((run) => run.published.find((figure) => figure.key === key)?.ratio ?? Number.NaN);
    const m = median(ratios);
    assert.ok(m >= 0.5 && m <= 2, `${key}: median ratio ${m.toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
  }
});

test('mild never ends in ADL', () => {
  for (const seed of SEEDS) {
    const result = runSimulation(resolveParams('mild', { positions: 20_000, seed, policies: ['queue'] }));
    assert.equal(result.policies[0].need, 0, `seed ${seed}`);
  }
});
