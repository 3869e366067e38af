/**
 * `npm run bench`: prints the figures of the performance goals. Each bench module is
 * imported explicitly; add new ones here.
 */
import { cycleBench, storageBench } from './market.bench.ts';

const benches: Array<[string, () => unknown]> = [
  ['market: one cycle over ~1,500 symbols', cycleBench],
  ['market: SQLite size for one day', storageBench],
];

const only = process.argv[2];
for (const [name, run] of benches) {
  if (only && !name.includes(only)) continue;
  console.log(`\n== ${name}`);
  await run();
}
