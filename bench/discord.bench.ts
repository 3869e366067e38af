import { pino } from 'pino';
import { startApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FakeDiscord, type SentInteraction } from '../test/e2e/fake-discord.ts';

/**
 * Discord reply latency on the local fake Discord (test/e2e/fake-discord.ts): the real
 * discord.js client started through startApp, INTERACTION_CREATE sent over the gateway → the
 * interaction callback received over REST (for deferred commands also the webhook edit that
 * carries the answer). Printed, never asserted. `npm run bench discord`.
 */
const TOKEN = 'aaaa.bbbb.cccc';
const APPLICATION_ID = '1400000000000000001';

export interface LatencyRow {
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  note: string;
}

const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);

export async function discordLatencyBench(runs = 20): Promise<LatencyRow[]> {
  const fake = new FakeDiscord({ token: TOKEN, applicationId: APPLICATION_ID });
  await fake.start();
  const config = loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000',
    RATE_LIMIT_HEAVY_PER_MINUTE: '1000',
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  });
  const app = await startApp(config, { terminal: false, scheduleAlerts: false, logger: pino({ level: 'silent' }) });
  const rows: LatencyRow[] = [];
  try {
    const measure = async (command: string, note: string, send: (i: number) => SentInteraction, done: (s: SentInteraction) => Promise<{ at: number }>) => {
      const samples: number[] = [];
      // One warm-up run (first use of a command loads its data), not counted.
      await done(send(-1));
      for (let i = 0; i < runs; i++) {
        const sent = send(i);
        samples.push((await done(sent)).at - sent.sentAt);
      }
      samples.sort((a, b) => a - b);
      rows.push({ command, runs, medianMs: median(samples), minMs: samples[0], maxMs: samples[samples.length - 1], note });
    };
    const callback = (s: SentInteraction) => fake.callbackOf(s);
    await measure('/liq', 'callback type 4', (i) => fake.slash('liq', { venue: 'binance', side: 'long', entry: String(100_000 + i * 250), qty: '0.5', leverage: '20x' }), callback);
    await measure('/adl-rank', 'callback type 4', (i) => fake.slash('adl-rank', { venue: 'binance', side: 'short', entry: '122k', mark: String(100_000 + i * 100), qty: '1', leverage: '20x' }), callback);
    await measure('/help', 'callback type 4', () => fake.slash('help'), callback);
    await measure('autocomplete symbol', 'callback type 8', () => fake.autocomplete('market', 'symbol', 'b'), callback);
    await measure('/explain topic:adl', 'type 5, then webhook PATCH (with picture)', () => fake.slash('explain', { topic: 'adl' }), (s) => fake.webhookOf(s, 'PATCH'));
    const first = fake.slash('explain', { topic: 'funding' });
    await fake.webhookOf(first, 'PATCH');
    const message = fake.originalOf(first)!;
    await measure('explain Next button', 'callback type 7', () => fake.press(fake.messages.get(message.id)!, 'explain:funding:2'), callback);
  } finally {
    await app.stop();
    await fake.stop();
  }
  return rows;
}

export async function printDiscordLatency(): Promise<void> {
  const rows = await discordLatencyBench();
  const table = [
    ['interaction', 'runs', 'median (ms)', 'min (ms)', 'max (ms)', 'measured until'],
    ...rows.map((r) => [r.command, String(r.runs), r.medianMs.toFixed(1), r.minMs.toFixed(1), r.maxMs.toFixed(1), r.note]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) console.log(row.map((cell, c) => (c >= 1 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
}
