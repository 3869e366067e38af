import { resolveParams } from '../src/simulator/params.ts';
import { runSimulation } from '../src/simulator/simulate.ts';
import { SeededRandom } from '../src/simulator/random.ts';

export interface BenchRow {
  name: string;
  ms: number;
  peakRssMb: number;
  note: string;
}

/** Peak resident memory of this process so far (maxRSS is reported in kilobytes). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/**
 * 1,000,000 positions × 1,000 steps on the 2025-10-10 preset, all four policies plus the no-ADL
 * baseline, and, in the same process, sorting 1,000,000 Float64 values as a yardstick of this
 * machine's speed at this moment. Figures only; nothing is asserted.
 */
export function simulatorBench(): BenchRow[] {
  const values = new Float64Array(1_000_000);
  const random = new SeededRandom(1);
  for (let i = 0; i < values.length; i++) values[i] = random.uniform();
  let start = performance.now();
  values.sort();
  const sortMs = performance.now() - start;
  const sortPeakMb = peakRssMb();

  const params = resolveParams('2025-10-10', { positions: 1_000_000, steps: 1_000 });
  start = performance.now();
  const result = runSimulation(params);
  const simulationMs = performance.now() - start;
  const queue = result.policies.find((p) => p.policy === 'queue');

  return [
    { name: 'sort 1,000,000 Float64 (yardstick)', ms: sortMs, peakRssMb: sortPeakMb, note: 'Float64Array.prototype.sort' },
    {
      name: 'simulate 1,000,000 positions × 1,000 steps',
      ms: simulationMs,
      peakRssMb: peakRssMb(),
      note: `2025-10-10, 4 policies + baseline; ${(simulationMs / sortMs).toFixed(1)}× the sort; queue hit ${queue?.tradersHit ?? 0}, deficit $${(result.deficit / 1e6).toFixed(1)}M`,
    },
  ];
}
