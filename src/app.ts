import { createServer, type Server } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { ALERT_SUBSCRIPTIONS } from '../commands/alerts.ts';
import { COMMANDS } from '../commands/index.ts';
import { LIQUIDATIONS } from '../commands/liquidations.ts';
import { MARKET_DATA, marketData } from '../commands/market.ts';
import { SIMULATOR } from '../commands/simulate.ts';
import { VENUE_TABLES } from '../commands/position-args.ts';
import { WATCH_LIST } from '../commands/watch.ts';
import type { Command } from './chat/command.ts';
import type { ReplySender } from './chat/delivery.ts';
import { Dispatcher } from './chat/dispatcher.ts';
import { LANGUAGE_PREFERENCES } from './chat/preferences.ts';
import { Services } from './chat/services.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createAlertService } from './alerts/factory.ts';
import type { AlertService } from './alerts/service.ts';
import { createLiveCrashAlerts, createLiquidationFeed } from './alerts/live-factory.ts';
import type { LiveCrashAlerts } from './alerts/live.ts';
import { CRASH_STATE } from './alerts/stream-crash.ts';
import { createStreamManager } from './streams/factory.ts';
import type { StreamManager } from './streams/manager.ts';
import { createMarketService } from './market/factory.ts';
import { createVenueTableService } from './market/tiers/factory.ts';
import type { MarketService } from './market/service.ts';
import type { Face, FaceDependencies, FaceModule } from './platforms/face.ts';
import { CHAT_FACES } from './platforms/registry.ts';
import { DEFAULT_RETRY, FaceSupervisor, type RetryPolicy } from './platforms/supervisor.ts';
import { runTerminal } from './platforms/terminal/repl.ts';
import { SimulationRunner } from './simulator/runner.ts';
import { openDatabase, type Db } from './store/database.ts';
import { PreferencesRepository } from './store/preferences.ts';
import { createWatchService, hyperliquidLedger, keyedLedgers } from './watch/factory.ts';
import type { WatchService } from './watch/service.ts';

/**
 * The composition root: one database, the services, one dispatcher over the registry, and a
 * face per configured chat platform (the terminal chat when there is none, or when asked).
 * `npm start` and the end-to-end tests both come through here, so what the tests drive is what
 * users run.
 */
export interface AppOptions {
  logger?: Logger;
  /** The chat faces to serve when configured (default: every face of src/platforms/registry.ts). */
  faces?: readonly FaceModule[];
  /** Run the terminal chat on these streams (default: only when no face is configured). */
  terminal?: { input: Readable; output: Writable; locale?: string; interactive?: boolean; imageDir?: string } | false;
  /** Schedule the alert cycle (default: when a face is configured). */
  scheduleAlerts?: boolean;
  /** Keep the venues' live streams up, with crash alerts and digests (default: as `scheduleAlerts`). */
  streams?: boolean;
  /** Run the watch list's poller (default: when a face is configured). */
  runWatch?: boolean;
  /** The watch poller's tick (tests shorten it). */
  watchTickMs?: number;
  /** How faces that cannot start are retried (default: 2 s doubling to 5 min, 30 s per attempt). */
  faceRetry?: Partial<RetryPolicy>;
  commands?: readonly Command[];
  now?: () => Date;
}

export interface App {
  config: Config;
  db: Db;
  services: Services;
  alerts: AlertService;
  /** The venues' live streams (running when `streams`) and the crash alerts and digests on them. */
  streams: StreamManager;
  live: LiveCrashAlerts;
  watch: WatchService;
  dispatcher: Dispatcher;
  faces: Face[];
  /** Each face's state (serving, retrying …), as /health reports it. */
  supervisors: FaceSupervisor[];
  /** Resolves when the terminal chat ends (immediately when there is none). */
  terminalDone: Promise<void>;
  health?: Server;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  // Filled as the faces are built below, before anything is delivered.
  const senders = new Map<string, ReplySender>();
  const { services: shared, alerts, streams, live, watch } = createServices(config, db, logger, senders, { watchTickMs: options.watchTickMs });
  const services = shared.with(SIMULATOR, new SimulationRunner({ maxChatPositions: config.simulateMaxPositions, concurrency: 1 }));
  const dispatcher = new Dispatcher({
    commands: options.commands ?? COMMANDS,
    services,
    logger: logger.child({ part: 'chat' }),
    rateLimits: config.rateLimit,
    now: options.now,
    secrets: config.secrets,
  });

  const market = services.require(MARKET_DATA);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.faceRetry };
  const faces: Face[] = [];
  for (const module of options.faces ?? CHAT_FACES) {
    const build = module.configure(config);
    if (!build) continue;
    const { id } = module.profile;
    const deps: FaceDependencies = {
      dispatcher,
      logger: logger.child({ face: id }),
      secrets: config.secrets,
      attemptTimeoutMs: retry.attemptTimeoutMs,
      suggestions: (source) => (source === 'symbol' ? market.knownSymbols() : []),
      chatClosed: (chatId, reason) => {
        alerts.pause(id, chatId, reason);
        // A private chat the user closed (blocked the bot): their watch alerts stop too.
        watch.repo.pause(id, chatId, reason, new Date());
      },
    };
    const face = await build(deps);
    faces.push(face);
    if (face.sender) senders.set(id, face.sender);
  }

  // A face that cannot start is retried in the background; the others, the terminal and the
  // alert schedule do not wait for it.
  const supervisors = faces.map((face) => new FaceSupervisor(face, { logger, policy: retry, secrets: config.secrets }));
  let health: Server | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await live.stop();
    await streams.stop();
    await alerts.stop();
    await watch.stop();
    for (const supervisor of [...supervisors].reverse()) {
      await supervisor.stop().catch((error: unknown) => logger.warn({ err: error, face: supervisor.id }, 'face did not stop cleanly'));
    }
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    db.close();
  };

  try {
    await Promise.all(supervisors.map((supervisor) => supervisor.start()));
    const scheduleAlerts = options.scheduleAlerts ?? faces.length > 0;
    if (scheduleAlerts) {
      alerts.start(config.alertsSchedule);
      // Whatever a previous run queued but could not deliver goes out now.
      void alerts.drain().catch((error: unknown) => logger.warn({ err: error }, 'alerts: drain after start failed'));
    }
    if (options.streams ?? scheduleAlerts) {
      streams.start();
      live.start();
    }
    if (options.runWatch ?? faces.length > 0) watch.start();
    if (config.healthPort > 0) health = await serveHealth(config.healthPort, () => healthReport(supervisors, alerts, streams, live));
  } catch (error) {
    await stop();
    throw error;
  }

  const terminal = options.terminal ?? (faces.length === 0 ? { input: process.stdin, output: process.stdout, locale: process.env.LANG } : false);
  const terminalDone = terminal ? runTerminal({ dispatcher, ...terminal }) : Promise.resolve();

  return { config, db, services, alerts, streams, live, watch, dispatcher, faces, supervisors, terminalDone, health, stop };
}

/** Each stream for GET /health: up or not, how fresh, how often it had to reconnect. */
function streamsHealth(streams: StreamManager): Array<Record<string, unknown>> {
  const now = streams.now();
  return streams.health().map((h) => ({
    venue: h.venue,
    connected: h.connected,
    liquidations: h.liquidations,
    lastMessageSecondsAgo: h.lastMessageAt === null ? null : Math.round((now - h.lastMessageAt) / 1000),
    reconnects: h.reconnects,
    rotations: h.rotations,
    messages: h.messages,
    malformed: h.malformed,
    downSinceSecondsAgo: h.downSince === null ? null : Math.round((now - h.downSince) / 1000),
    lastError: h.lastError,
  }));
}

/**
 * The services every entry point shares (the bot and the one-shot CLI): stored language choices,
 * market data, alert subscriptions and the watch list on the one database. `senders` (by face id)
 * are where alerts go; the CLI passes none, since it posts nothing. The bot adds the simulation
 * worker pool. Hyperliquid's per-IP request weight is one ledger, shared by the market poll and
 * the watch list.
 */
export function createServices(
  config: Config,
  db: Db,
  logger: Logger,
  senders: ReadonlyMap<string, ReplySender> = new Map(),
  options: { watchTickMs?: number } = {},
): { services: Services; market: MarketService; alerts: AlertService; streams: StreamManager; live: LiveCrashAlerts; watch: WatchService } {
  const preferences = new PreferencesRepository(db);
  // Each venue's per-IP request budget, shared by the market poll and the watch list.
  const ledger = hyperliquidLedger();
  const keyed = keyedLedgers();
  const market = createMarketService(config, db, logger.child({ part: 'market' }), undefined, { hyperliquid: ledger, ...keyed });
  // Built idle: nothing connects until the bot starts them (startApp).
  const streams = createStreamManager(config, db, logger.child({ part: 'streams' }));
  let live: LiveCrashAlerts | undefined;
  const alerts = createAlertService({
    config,
    db,
    market,
    preferences,
    senders,
    logger: logger.child({ part: 'alerts' }),
    streamCrash: { covers: (symbol) => streams.running && !!live?.monitor.covers(symbol) },
  });
  live = createLiveCrashAlerts({ config, db, streams, market, alerts, senders, logger: logger.child({ part: 'crash' }) });
  const monitor = live.monitor;
  const feed = createLiquidationFeed({ config, db, streams, monitor, logger });
  // ADL is plausible while a crash runs: the streams' crash state when they run, else the minute poll's crash alerts.
  const crashRunning = (coin: string, now: number) => (streams.running ? monitor.isCrashRunning(coin) : alerts.crashRunning(coin, now));
  // A user's own Binance brackets (read with their key) come first in their /liq lookups.
  let watch: WatchService | undefined;
  const tables = createVenueTableService(config, db, logger.child({ part: 'tier-tables' }), undefined, {
    ledgers: { hyperliquid: ledger, ...keyed },
    accountTables: (venue, symbol, user) => watch?.accountTable(venue, symbol, user) ?? Promise.resolve(undefined),
  });
  watch = createWatchService({
    config,
    db,
    ledger,
    keyedLedgers: keyed,
    senders,
    preferences,
    market: market.repo,
    tables,
    crashRunning,
    // The venue's own ADL data for the coin is live: its flag from the minute poll (Binance symbolAdlRisk,
    // Bybit adlAlert) or the streams (Bybit adlAlert every second), or a crash running.
    adlLive: (venue, coin, now) =>
      crashRunning(coin, now) ||
      market.rowsFor(coin).some((row) => row.venue === venue && !row.stale && row.adlRisk === 'high') ||
      (streams.running && streams.pulse.adlFlags(coin, now).some((flag) => flag.venue === venue && flag.risk === 'high')),
    logger: logger.child({ part: 'watch' }),
    tickMs: options.watchTickMs,
  });
  const services = Services.empty()
    .with(LANGUAGE_PREFERENCES, preferences)
    .with(MARKET_DATA, marketData(market, feed))
    .with(ALERT_SUBSCRIPTIONS, alerts)
    .with(VENUE_TABLES, tables)
    .with(LIQUIDATIONS, feed)
    .with(CRASH_STATE, monitor)
    .with(WATCH_LIST, watch);
  return { services, market, alerts, streams, live, watch };
}

/**
 * `GET /health`: each face's state, whether the alert cycle is scheduled, and when the streams
 * run, each stream's state and whether a crash is running. 200 while the bot serves somewhere (a
 * face serving, or no face configured); 503 when every configured face is down.
 */
function healthReport(
  supervisors: readonly FaceSupervisor[],
  alerts: AlertService,
  streams: StreamManager,
  live: LiveCrashAlerts,
): { status: number; body: Record<string, unknown> } {
  const serving = supervisors.filter((s) => s.status().state === 'serving').length;
  const ok = supervisors.length === 0 || serving > 0;
  return {
    status: ok ? 200 : 503,
    body: {
      ok,
      degraded: serving < supervisors.length,
      uptimeSeconds: Math.round(process.uptime()),
      faces: Object.fromEntries(supervisors.map((s) => [s.id, s.status()])),
      alerts: { scheduled: alerts.scheduled },
      ...(streams.running
        ? { streams: streamsHealth(streams), crash: { running: live.monitor.isCrashRunning(), coins: Object.keys(live.monitor.episode()?.coins ?? {}) } }
        : {}),
    },
  };
}

function serveHealth(port: number, report: () => { status: number; body: Record<string, unknown> }): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const { status, body } = report();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
