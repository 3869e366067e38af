import { pino } from 'pino';
import { startApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FakeTelegram, user } from '../test/e2e/fake-telegram.ts';

/**
 * Telegram reply latency on the local fake Bot API server (test/e2e/fake-telegram.ts), through the
 * real grammY bot started by startApp: from the moment the update is handed to the bot (the
 * getUpdates answer that carries it) to the moment the bot's sendMessage reaches the server.
 * Each round trip comes from a new user, so neither the per-user rate limit nor Telegram's
 * per-chat pacing is measured, only the bot's own work and the two local HTTP hops.
 * Printed, never asserted.
 */
export interface LatencyRow {
  command: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

const CASES: Array<[label: string, line: string, runs: number]> = [
  ['/liq', '/liq binance long 30000 1 10x', 20],
  ['/adl_rank', '/adl_rank binance short 122000 102000 1 20x', 20],
  ['/help', '/help', 20],
  ['/lang', '/lang vi', 20],
  ['/explain adl (photo, then text)', '/explain adl', 10],
];

export async function telegramLatencyBench(): Promise<LatencyRow[]> {
  const fake = new FakeTelegram();
  const apiRoot = await fake.start();
  const config = loadConfig({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: apiRoot, DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent' });
  const app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }) });
  let nextUser = 50_000;
  const roundTrip = async (line: string): Promise<number> => {
    const from = user(nextUser++);
    const since = fake.calls.length;
    const { updateId } = fake.sendText(line, { user: from });
    const reply = await fake.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id && !c.error && fake.calls.indexOf(c) >= since);
    return reply.at - fake.deliveredAt.get(updateId)!;
  };
  const rows: LatencyRow[] = [];
  try {
    for (const [, line] of CASES) await roundTrip(line); // warm-up: first loads, JIT
    for (const [label, line, runs] of CASES) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await roundTrip(line));
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
      rows.push({ command: label, runs, medianMs: median(times), p90Ms: at(0.9), minMs: times[0], maxMs: times[times.length - 1] });
    }
  } finally {
    await app.stop();
    await fake.stop();
  }
  return rows;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function printLatency(rows: LatencyRow[]): void {
  const table = [
    ['command', 'runs', 'median (ms)', 'p90 (ms)', 'min (ms)', 'max (ms)'],
    ...rows.map((r) => [r.command, String(r.runs), r.medianMs.toFixed(1), r.p90Ms.toFixed(1), r.minMs.toFixed(1), r.maxMs.toFixed(1)]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
}
