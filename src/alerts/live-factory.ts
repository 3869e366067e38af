import type { Logger } from 'pino';
import type { ReplySender } from '../chat/delivery.ts';
import type { Config } from '../config.ts';
import type { MarketService } from '../market/service.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { DigestRepository } from '../store/digest-repository.ts';
import { StreamRepository } from '../store/stream-repository.ts';
import { LiquidationFeed, type ListenSession } from '../streams/feed.ts';
import { createStreamManager } from '../streams/factory.ts';
import type { StreamManager } from '../streams/manager.ts';
import { LiveDigest } from './digest.ts';
import { LiveCrashAlerts, streamDigestSource } from './live.ts';
import type { AlertService } from './service.ts';
import { CrashMonitor } from './stream-crash.ts';

type LiveConfig = Pick<Config, 'streamCrash' | 'digest' | 'streams' | 'exchanges' | 'market'>;

/** Crash detection and live digests on this process's streams, as src/app.ts builds them. */
export function createLiveCrashAlerts(options: {
  config: LiveConfig;
  db: Db;
  streams: StreamManager;
  market: MarketService;
  alerts: AlertService;
  senders: ReadonlyMap<string, ReplySender>;
  logger: Logger;
}): LiveCrashAlerts {
  const { config, db, streams, market, alerts, logger } = options;
  const digests = new DigestRepository(db);
  const monitor = new CrashMonitor({ streams, repo: digests, thresholds: config.streamCrash, logger, now: streams.now });
  const digest = new LiveDigest({
    episode: () => monitor.episode(),
    digests,
    alerts: alerts.repo,
    senders: options.senders,
    langOf: (platform, chatId) => alerts.langOf(platform, chatId),
    source: streamDigestSource({
      ledger: streams.ledger,
      pulse: streams.pulse,
      repo: new StreamRepository(db),
      health: () => streams.health(),
      polledAdl: (symbol) => market.rowsFor(symbol).filter((row) => !row.stale).map((row) => ({ venue: row.venue, risk: row.adlRisk })),
      editIntervalMs: config.digest.editIntervalMs,
    }),
    editIntervalMs: config.digest.editIntervalMs,
    logger,
    now: streams.now,
  });
  return new LiveCrashAlerts(monitor, digest, logger);
}

/**
 * `/liquidations` and the CLI: the stored aggregates of this database, and live listening on this
 * process's streams, or, where none run (the CLI), on streams of its own with an in-memory store,
 * so a listen never adds to what the bot records.
 */
export function createLiquidationFeed(options: { config: LiveConfig; db: Db; streams: StreamManager; monitor: CrashMonitor; logger: Logger }): LiquidationFeed {
  const { config, db, streams, monitor, logger } = options;
  const digests = new DigestRepository(db);
  const calmMs = config.streamCrash.calmMinutes * 60_000;
  return new LiquidationFeed({
    manager: streams,
    repo: new StreamRepository(db),
    now: streams.now,
    crashCoins: () => {
      // This process's monitor when it streams, else the episode the bot sharing the database keeps.
      const episode = streams.running ? monitor.episode() : digests.openEpisode();
      if (!episode || (!streams.running && streams.now() - episode.lastActiveAt > calmMs)) return [];
      return Object.keys(episode.coins);
    },
    session: () => listenSession(config, logger),
  });
}

function listenSession(config: LiveConfig, logger: Logger): ListenSession {
  const db = openDatabase(':memory:');
  const manager = createStreamManager(config, db, logger.child({ part: 'streams' }));
  const monitor = new CrashMonitor({ streams: manager, repo: new DigestRepository(db), thresholds: config.streamCrash, logger, now: manager.now });
  const seen = new Set<string>();
  monitor.onCrash((change) => Object.keys(change.episode.coins).forEach((coin) => seen.add(coin)));
  manager.start();
  const timer = setInterval(() => monitor.tick(), 1_000);
  return {
    manager,
    crashCoins: () => [...seen],
    stop: async () => {
      clearInterval(timer);
      await manager.stop();
      db.close();
    },
  };
}
