import type { Logger } from 'pino';
import type { ReplySender } from '../chat/delivery.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Config } from '../config.ts';
import { VenueHttp, SYSTEM_CLOCK, type HttpClock } from '../market/http.ts';
import { HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE } from '../market/hyperliquid.ts';
import { WeightLedger } from '../market/weight-ledger.ts';
import { MINUTE_MS, type MarketRepository } from '../store/market-repository.ts';
import type { Db } from '../store/database.ts';
import { WatchRepository } from '../store/watch-repository.ts';
import { HyperliquidAccountClient } from './hyperliquid.ts';
import { DEFAULT_INTERVALS_MS } from './pacing.ts';
import { MarketMoves } from './plausibility.ts';
import { WatchService } from './service.ts';

/** The ledger of Hyperliquid's per-IP weight: the market poll and the watch list both record into it. */
export function hyperliquidLedger(): WeightLedger {
  return new WeightLedger(HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE);
}

/** The watch list as src/app.ts builds it; `.start()` once the faces are up. */
export function createWatchService(options: {
  config: Pick<Config, 'watch' | 'exchanges' | 'market'>;
  db: Db;
  ledger: WeightLedger;
  senders: ReadonlyMap<string, ReplySender>;
  preferences?: Pick<LanguagePreferences, 'userLang'>;
  market?: MarketRepository;
  /** A crash alert is running for the coin (src/alerts/service.ts: `crashRunning`). */
  crashRunning?: (coin: string, now: number) => boolean;
  logger: Logger;
  clock?: HttpClock;
  tickMs?: number;
}): WatchService {
  const { config, ledger } = options;
  const watch = config.watch;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const http = new VenueHttp({
    venue: 'hyperliquid',
    baseUrl: config.exchanges.hyperliquid,
    timeoutMs: config.market.httpTimeoutMs,
    clock,
    ledger: { ledger, source: 'watch' },
  });
  const market = options.market;
  const tiers = [...watch.distanceTiers].sort((a, b) => b - a);
  return new WatchService({
    repo: new WatchRepository(options.db),
    clients: new Map([['hyperliquid', new HyperliquidAccountClient(http)]]),
    ledgers: new Map([['hyperliquid', ledger]]),
    senders: options.senders,
    preferences: options.preferences,
    conditions: new MarketMoves({
      movePct: watch.adlMovePct,
      windowMs: watch.adlMoveMinutes * MINUTE_MS,
      crashRunning: options.crashRunning,
      marketRange: market
        ? (coin, from, to) => {
            const instrument = market.instrumentsForSymbol(coin).find((i) => i.venue === 'hyperliquid');
            return instrument ? market.markRange(instrument.id, Math.floor(from / MINUTE_MS), Math.floor(to / MINUTE_MS)) : undefined;
          }
        : undefined,
    }),
    maxPerUser: watch.maxPerUser,
    tiers: { distanceTiers: tiers, rearmFactor: watch.rearmFactor, adlTiers: [4, 5], repeatAfterMs: 86_400_000 },
    adlMove: { pct: watch.adlMovePct, minutes: watch.adlMoveMinutes },
    pacing: {
      budgetPerMinute: Math.floor(ledger.limitPerWindow * watch.weightShare),
      intervalsMs: { ...DEFAULT_INTERVALS_MS, risky: watch.riskySeconds * 1000, calm: watch.calmSeconds * 1000 },
      fillsEveryMs: watch.fillsEveryHours * 3_600_000,
      tickMs: options.tickMs ?? 2_000,
      burst: 2,
    },
    risk: { riskyDistance: tiers[1] ?? tiers[0], elevatedDistance: tiers[0] },
    logger: options.logger,
    now: clock.now,
    sleep: clock.sleep,
  });
}
