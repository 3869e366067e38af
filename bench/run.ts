import { loadavg } from 'node:os';
import { simulatorBench, type BenchRow } from './simulator.bench.ts';
import { cycleBench, storageBench } from './market.bench.ts';
import { printLatency, telegramLatencyBench } from './telegram.bench.ts';
import { printDiscordLatency } from './discord.bench.ts';
import { idleMemoryBench } from './idle.bench.ts';
import { terminalLatencyBench } from './terminal.bench.ts';
import { streamsBench } from './streams.bench.ts';
import { keyedWatchBench, watchBench } from './watch.bench.ts';
import { renderBench } from './render.bench.ts';

/**
 * `npm run bench [filter]`: prints the figures of the performance goals (`simulator-speed`: only the
 * simulator's 1M run, without its calibration sweep). Each bench module is imported explicitly; add
 * new ones here. Benches print figures; they never assert on time (speed depends on the machine and
 * its load).
 */
const only = process.argv[2];
const wanted = (name: string) => !only || name.includes(only);
const simulatorSpeedOnly = only === 'simulator-speed';

if (wanted('simulator') || simulatorSpeedOnly) {
  console.log(`\n== simulator: 1,000,000 positions × 500 steps (and the sort yardstick)${simulatorSpeedOnly ? '' : ', then the calibration'}`);
  const rows: BenchRow[] = simulatorBench({ calibration: !simulatorSpeedOnly });
  const table = [
    ['case', 'time (ms)', 'peak RSS (MB)', 'note'],
    ...rows.map((r) => [r.name, r.ms.toFixed(0), r.peakRssMb.toFixed(0), r.note]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) {
    console.log(row.map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
  }
}

const benches: Array<[string, () => unknown]> = [
  ['market: one cycle over ~1,500 symbols', cycleBench],
  ['market: SQLite size for one day', storageBench],
  ['watch: Hyperliquid weight budget and refresh cadence of the watch list', watchBench],
  ['keyed: Binance, Bybit and OKX budgets and refresh cadence of keyed watches', keyedWatchBench],
  ['discord: reply latency on the local fake Discord', printDiscordLatency],
  ['terminal: reply latency of the terminal chat', terminalLatencyBench],
  ['render: a /liq while a chart is drawn (charts are off the chat thread)', renderBench],
  ['idle: memory of the bot process serving Discord and Telegram', idleMemoryBench],
  ['streams: throughput with all four streams, memory after an hour of 10 Oct, aggregate storage', streamsBench],
];
for (const [name, run] of benches) {
  if (!wanted(name)) continue;
  console.log(`\n== ${name}`);
  await run();
}

if (wanted('telegram')) {
  console.log('\n== telegram: reply latency on a local Bot API server (update handed to the bot → sendMessage received)');
  printLatency(await telegramLatencyBench());
}

console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
