import { resolveParams } from '../src/simulator/params.ts';
import { runSimulation, type SimulationResult } from '../src/simulator/simulate.ts';
import { SeededRandom } from '../src/simulator/random.ts';

export interface BenchRow {
  name: string;
  ms: number;
  peakRssMb: number;
  note: string;
}

/** Peak resident memory of this process so far (maxRSS is reported in kilobytes). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

const RUNS = 3;

/**
 * 1,000,000 positions × 1,000 steps on the 2025-10-10 preset, all four policies plus the no-ADL
 * baseline, and, in the same process, sorting 1,000,000 Float64 values as a yardstick of this
 * machine's speed at this moment. The simulation runs RUNS times: the first run is what one CLI call
 * costs (code not yet optimised by the JIT); the best run shows the code's speed with less noise from
 * other processes on a shared machine. Figures only; nothing is asserted.
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
  const times: number[] = [];
  let result: SimulationResult | undefined;
  let firstPeakMb = 0;
  for (let run = 0; run < RUNS; run++) {
    start = performance.now();
    result = runSimulation(params);
    times.push(performance.now() - start);
    if (run === 0) firstPeakMb = peakRssMb();
  }
  const [firstMs] = times;
  const bestMs = Math.min(...times);
  const queue = result?.policies.find((p) => p.policy === 'queue');
  const summary = `queue hit ${queue?.tradersHit ?? 0}, deficit $${((result?.deficit ?? 0) / 1e6).toFixed(1)}M`;

  return [
    { name: 'sort 1,000,000 Float64 (yardstick)', ms: sortMs, peakRssMb: sortPeakMb, note: 'Float64Array.prototype.sort' },
    {
      name: 'simulate 1,000,000 positions × 1,000 steps (first run)',
      ms: firstMs,
      peakRssMb: firstPeakMb,
      note: `2025-10-10, 4 policies + baseline; ${(firstMs / sortMs).toFixed(1)}× the sort; ${summary}`,
    },
    {
      name: `simulate, best of ${RUNS} runs`,
      ms: bestMs,
      peakRssMb: peakRssMb(),
      note: `${(bestMs / sortMs).toFixed(1)}× the sort; runs ${times.map((t) => t.toFixed(0)).join(' / ')} ms`,
    },
  ];
}
