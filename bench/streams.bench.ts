import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { projectPath } from '../src/paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { DigestRepository } from '../src/store/digest-repository.ts';
import { StreamRepository, type MinuteDelta } from '../src/store/stream-repository.ts';
import { createStreamManager } from '../src/streams/factory.ts';
import type { StreamManager } from '../src/streams/manager.ts';
import { CrashMonitor } from '../src/alerts/stream-crash.ts';
import { FakeVenues } from '../test/e2e/fake-venues.ts';
import { CASCADE_START, CrashReplay, MINUTE, pushSecond } from '../test/support/crash-replay.ts';
import { ManualClock } from '../test/support/market.ts';

/**
 * `npm run bench streams` → the live streams' figures:
 * 1. messages a second one process handles with all four streams (the venue fakes flood from a
 *    process of their own), at the 10 Oct 2025 peak rate estimated below and at ten times it, with
 *    the process's CPU share; and the most it drains when the venues send as fast as they can;
 * 2. memory after an hour of replayed 10 Oct traffic (20:40–21:40 UTC, the seeded generator);
 * 3. the SQLite size of the per-minute aggregates: the replayed hour, and 48 h (the retention) at
 *    an assumed 60 active (venue, coin, side) rows a minute.
 *
 * Peak rate estimate (messages a second, all four streams, the 21:15 minute): Binance
 * `!forceOrder@arr` at most one per symbol per second, ≈ 500 USDⓈ-M perpetuals → ≤ 500, plus 20
 * watched mark prices a second; Bybit one `allLiquidation` push per 500 ms for 20 watched coins → ≤ 40,
 * and `adlAlert` 1; OKX `liquidation-orders`, assumed at most one push per instrument a second over
 * ≈ 250 USDT swaps → ≤ 250; Hyperliquid `allMids` ≈ one per block, ≤ 10. Total ≈ 820, rounded up to
 * 1,000 a second; the target is ten times that, 10,000 a second.
 */
const PEAK_ESTIMATE = 1_000;
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
setFlagsFromString('--expose-gc');
/** A full collection before a memory reading, so it shows what is kept, not garbage not yet collected. */
const gc = runInNewContext('gc') as () => void;

interface FloodResult {
  sent: Record<string, number>;
  ms: number;
}

export async function streamsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'adl-bench-streams-'));
  try {
    await throughput(dir);
    await replayMemory(dir);
    storage(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput(dir: string): Promise<void> {
  const feeder = fork(projectPath('bench', 'streams-feeder.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve) => feeder.once('message', (m) => resolve(m as T)));
  const { env } = await next<{ env: Record<string, string> }>();
  const db = openDatabase(join(dir, 'throughput.db'));
  const config = loadConfig(env);
  const manager = createStreamManager(config, db, logger);
  const monitor = new CrashMonitor({ streams: manager, repo: new DigestRepository(db), thresholds: config.streamCrash, logger, now: manager.now });
  const ticking = setInterval(() => monitor.tick(), 1_000);
  manager.start();
  const frames = () => manager.health().reduce((n, h) => n + h.messages, 0);
  try {
    while (!manager.health().every((h) => h.connected)) await sleep(20);
    console.log(`peak estimate for 10 Oct 2025: ≈ ${PEAK_ESTIMATE.toLocaleString('en')} messages/s over the four streams (derivation in bench/streams.bench.ts); target ${(10 * PEAK_ESTIMATE).toLocaleString('en')}/s`);
    for (const [label, rate, seconds] of [
      ['1× the peak', PEAK_ESTIMATE, 5],
      ['10× the peak', 10 * PEAK_ESTIMATE, 5],
      ['as fast as the venues send', 100_000, 2],
    ] as const) {
      const before = frames();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      feeder.send({ cmd: 'flood', rate, seconds });
      const { sent } = await next<FloodResult>();
      const total = Object.values(sent).reduce((a, b) => a + b, 0);
      while (frames() - before < total && performance.now() - t0 < 120_000) await sleep(5);
      const wallMs = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      const received = frames() - before;
      const cpuShare = (used.user + used.system) / 1000 / wallMs;
      const reconnects = manager.health().reduce((n, h) => n + h.reconnects, 0);
      console.log(
        `${label.padEnd(28)} sent ${total.toLocaleString('en').padStart(7)} in ${(wallMs / 1000).toFixed(1)} s → handled ${Math.round(received / (wallMs / 1000)).toLocaleString('en').padStart(6)} messages/s, ${received === total ? 'all' : `${received} of them`}; CPU ${(cpuShare * 100).toFixed(0)}% of one core; reconnects ${reconnects}; RSS ${mb(process.memoryUsage().rss)}`,
      );
    }
  } finally {
    clearInterval(ticking);
    await manager.stop();
    db.close();
    feeder.send({ cmd: 'stop' });
    await new Promise((resolve) => feeder.once('exit', resolve));
  }
}

async function replayMemory(dir: string): Promise<void> {
  const venues = new FakeVenues();
  await venues.start();
  const from = CASCADE_START - 10 * MINUTE;
  const to = from + 60 * MINUTE;
  const clock = new ManualClock(from);
  const path = join(dir, 'replay.db');
  const db = openDatabase(path);
  const config = loadConfig({ ...venues.env(), STREAMS_SYMBOLS: 'BTC,ETH,SOL' });
  const manager: StreamManager = createStreamManager(config, db, logger, { now: clock.now, flushMs: 3_600_000 });
  const monitor = new CrashMonitor({ streams: manager, repo: new DigestRepository(db), thresholds: config.streamCrash, logger, now: clock.now });
  let received = 0;
  manager.onEvents((events) => (received += events.length));
  manager.start();
  try {
    while (!manager.health().every((h) => h.connected)) await sleep(20);
    gc();
    const start = process.memoryUsage();
    let sent = 0;
    let peakRss = start.rss;
    const heapAt: string[] = [];
    const t0 = performance.now();
    for (const second of new CrashReplay().seconds(from, to)) {
      clock.time = second.time;
      const pushed = pushSecond(venues, second);
      sent += pushed.binance + pushed.bybit + pushed.okx + pushed.hyperliquid;
      while (received < sent) await new Promise((resolve) => setImmediate(resolve));
      if (second.time % 5_000 === 0) manager.flush();
      monitor.tick();
      if (second.time % 60_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if ((second.time - from) % (20 * MINUTE) === 0 && second.time > from) {
        gc();
        heapAt.push(`${(second.time - from) / MINUTE} min ${mb(process.memoryUsage().heapUsed)}`);
      }
    }
    manager.flush();
    gc();
    const end = process.memoryUsage();
    const rows = (db.prepare('SELECT count(*) AS n FROM stream_liquidation_minutes').get() as { n: number }).n;
    console.log(
      `one hour of 10 Oct replayed (20:40–21:40 UTC, ${received.toLocaleString('en')} events) in ${((performance.now() - t0) / 1000).toFixed(1)} s: heap after GC ${mb(start.heapUsed)} at start, ${heapAt.join(', ')}; RSS ${mb(start.rss)} → ${mb(end.rss)} (peak ${mb(peakRss)}; the venue fakes run in this process too)`,
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`aggregates of that hour: ${rows.toLocaleString('en')} rows, database file ${mb(statSync(path).size)} (3 coins × 3 venues × 2 sides a minute at most)`);
  } finally {
    await manager.stop();
    db.close();
    await venues.stop();
  }
}

/** 48 h of minutes at an assumed 60 active (venue, coin, side) rows a minute, pruned as the bot prunes. */
function storage(dir: string): void {
  const path = join(dir, 'storage.db');
  const db = openDatabase(path);
  const repo = new StreamRepository(db);
  const coins = Array.from({ length: 30 }, (_, i) => `COIN${i}`);
  const venues = ['binance', 'bybit', 'okx'] as const;
  const start = Math.floor(Date.UTC(2025, 9, 8) / MINUTE);
  const perMinute = 60;
  for (let minute = start; minute < start + 48 * 60; minute++) {
    const deltas: MinuteDelta[] = [];
    for (let k = 0; k < perMinute; k++) {
      deltas.push({ minute, venue: venues[k % 3], symbol: coins[(k * 7 + minute) % coins.length], side: k % 5 ? 'long' : 'short', count: 1 + (k % 4), usd: 10_000 + k * 977, largestUsd: 9_000 + k, largestPrice: 100 + k });
    }
    repo.add(deltas);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = (db.prepare('SELECT count(*) AS n FROM stream_liquidation_minutes').get() as { n: number }).n;
  const size = statSync(path).size;
  console.log(`48 h at ${perMinute} rows a minute (assumed: 30 coins liquidating on 3 venues in a typical minute): ${rows.toLocaleString('en')} rows, ${mb(size)} (${Math.round(size / rows)} bytes a row); pruning keeps it at that`);
  db.close();
}
