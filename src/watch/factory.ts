import type { Logger } from 'pino';
import type { ReplySender } from '../chat/delivery.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Config } from '../config.ts';
import { VenueHttp, SYSTEM_CLOCK, type HttpClock } from '../market/http.ts';
import { HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE } from '../market/hyperliquid.ts';
import type { VenueTables } from '../market/tiers/service.ts';
import { WeightLedger } from '../market/weight-ledger.ts';
import { MINUTE_MS, type MarketRepository } from '../store/market-repository.ts';
import { eraseDeleted, type Db } from '../store/database.ts';
import { KeyRepository } from '../store/key-repository.ts';
import { WatchRepository } from '../store/watch-repository.ts';
import { OkxContractBook } from '../streams/okx-contracts.ts';
import { HyperliquidAccountClient } from './hyperliquid.ts';
import { BinanceKeyedClient } from './keyed/binance.ts';
import { AccountBrackets } from './keyed/brackets.ts';
import { BybitKeyedClient } from './keyed/bybit.ts';
import { KEYED_BUDGETS } from './keyed/limits.ts';
import { OkxKeyedClient } from './keyed/okx.ts';
import { keyIdOf, KeyRing } from './keys/keyring.ts';
import { KeyVault } from './keys/vault.ts';
import { DEFAULT_INTERVALS_MS } from './pacing.ts';
import { MarketMoves } from './plausibility.ts';
import { WatchService } from './service.ts';
import { AccountError, type AccountClient, type KeyedVenue, type WatchVenue } from './types.ts';

/** The ledger of Hyperliquid's per-IP weight: the market poll and the watch list both record into it. */
export function hyperliquidLedger(): WeightLedger {
  return new WeightLedger(HYPERLIQUID_WEIGHT_LIMIT_PER_MINUTE);
}

/** Per keyed venue, the ledger of its IP budget the market poll and the watch list share (src/watch/keyed/limits.ts). */
export function keyedLedgers(): Record<KeyedVenue, WeightLedger> {
  return {
    binance: new WeightLedger(KEYED_BUDGETS.binance.limitPerMinute),
    bybit: new WeightLedger(KEYED_BUDGETS.bybit.limitPerMinute),
    okx: new WeightLedger(KEYED_BUDGETS.okx.limitPerMinute),
  };
}

/** The watch list as src/app.ts builds it; `.start()` once the faces are up. */
export function createWatchService(options: {
  config: Pick<Config, 'watch' | 'exchanges' | 'market'>;
  db: Db;
  ledger: WeightLedger;
  /** The keyed venues' IP ledgers (shared with the market poll); fresh ones when absent. */
  keyedLedgers?: Record<KeyedVenue, WeightLedger>;
  senders: ReadonlyMap<string, ReplySender>;
  preferences?: Pick<LanguagePreferences, 'userLang'>;
  market?: MarketRepository;
  /** Tier tables (the /liq lookup order) for our estimate on the keyed venues. */
  tables?: VenueTables;
  /** A crash alert is running for the coin (src/alerts/service.ts: `crashRunning`). */
  crashRunning?: (coin: string, now: number) => boolean;
  /** The venue's own ADL data for the coin is live (Binance symbolAdlRisk high, Bybit adlAlert). */
  adlLive?: (venue: WatchVenue, coin: string, now: number) => boolean;
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
  const clients = new Map<WatchVenue, AccountClient>([['hyperliquid', new HyperliquidAccountClient(http)]]);
  const ledgers = new Map<WatchVenue, WeightLedger>([['hyperliquid', ledger]]);
  const budgets = new Map<WatchVenue, number>();

  // Keyed venues run only with a master key to seal the users' keys.
  let keys: KeyRing | undefined;
  let brackets: AccountBrackets | undefined;
  if (watch.encryptionKey) {
    keys = new KeyRing(new KeyVault(watch.encryptionKey), new KeyRepository(options.db));
    const ring = keys;
    const foreign = ring.repo.all().filter((row) => row.masterId !== ring.vault.masterId).length;
    if (foreign > 0) {
      options.logger.error({ keys: foreign }, 'watch: stored keys were sealed with another master key; they cannot be opened until WATCH_ENCRYPTION_KEY is the key that sealed them (see the README on rotation)');
    }
    const source = {
      credentials: (account: string) => {
        const keyId = keyIdOf(account);
        if (keyId === undefined) return undefined;
        try {
          return ring.open(keyId)?.credentials;
        } catch (error) {
          // Sealed under another master key: not readable here, and never guessed at.
          throw new AccountError(error instanceof Error ? error.message : 'watch: the key does not open', 'unavailable');
        }
      },
    };
    const venueLedgers = options.keyedLedgers ?? keyedLedgers();
    const keyedHttp = (venue: KeyedVenue, baseUrl: string, shared = true) =>
      new VenueHttp({ venue, baseUrl, timeoutMs: config.market.httpTimeoutMs, clock, maxRetries: 1, ...(shared ? { ledger: { ledger: venueLedgers[venue], source: 'watch' } } : {}) });
    const binance = new BinanceKeyedClient(
      keyedHttp('binance', config.exchanges.binance),
      // The spot host has its own weight limit; the one permission check per added key is not counted against futures.
      keyedHttp('binance', config.exchanges.binanceSpot, false),
      source,
      options.tables,
      (account, symbol) => brackets!.forAccount(account, symbol),
    );
    brackets = new AccountBrackets(ring, binance, clock.now);
    const okxPublic = new VenueHttp({ venue: 'okx', baseUrl: config.exchanges.okx, timeoutMs: config.market.httpTimeoutMs, clock });
    clients.set('binance', binance);
    clients.set('bybit', new BybitKeyedClient(keyedHttp('bybit', config.exchanges.bybit), source, options.tables));
    clients.set('okx', new OkxKeyedClient(keyedHttp('okx', config.exchanges.okx), source, new OkxContractBook(okxPublic, options.logger, clock.now), options.tables));
    for (const venue of ['binance', 'bybit', 'okx'] as const) {
      ledgers.set(venue, venueLedgers[venue]);
      budgets.set(venue, KEYED_BUDGETS[venue].budgetPerMinute);
    }
  }

  return new WatchService({
    repo: new WatchRepository(options.db),
    clients,
    ledgers,
    budgets,
    keys,
    accountBrackets: brackets,
    keyIps: watch.keyIps,
    adlLive: options.adlLive,
    erase: () => {
      if (!eraseDeleted(options.db)) options.logger.warn('watch: the database log is in use; deleted rows are zeroed and leave the log at the next checkpoint');
    },
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
