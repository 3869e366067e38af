import { simulatorBench, type BenchRow } from './simulator.bench.ts';

/**
 * `npm run bench`: runs every bench module listed here and prints one table. Benches print
 * figures; they never assert on time (speed depends on the machine and its load).
 */
const benches: Array<[string, () => BenchRow[] | Promise<BenchRow[]>]> = [['simulator', simulatorBench]];

const rows: Array<BenchRow & { bench: string }> = [];
for (const [bench, run] of benches) {
  for (const row of await run()) rows.push({ bench, ...row });
}

const table = [
  ['bench', 'case', 'time (ms)', 'peak RSS (MB)', 'note'],
  ...rows.map((r) => [r.bench, r.name, r.ms.toFixed(0), r.peakRssMb.toFixed(0), r.note]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
for (const row of table) console.log(row.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
console.log(`node ${process.version}, ${process.platform}/${process.arch}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
