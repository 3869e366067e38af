import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { VenueId } from '../../core/venues.ts';
import type { Db } from '../../store/database.ts';
import { VenueTableRepository } from '../../store/venue-table-repository.ts';
import { SYSTEM_CLOCK, VenueHttp, type HttpClock } from '../http.ts';
import { BitmexTierFetcher } from './bitmex.ts';
import { BybitTierFetcher } from './bybit.ts';
import { DydxTierFetcher } from './dydx.ts';
import { HyperliquidTierFetcher } from './hyperliquid.ts';
import { OkxTierFetcher } from './okx.ts';
import { VenueTableService, type VenueTableServiceOptions } from './service.ts';
import type { TierFetcher } from './types.ts';
import type { VenueLedgers } from '../factory.ts';

/**
 * The tier-table fetchers on the configured base URLs: one try each (no retries) with a short
 * timeout, since a user is waiting for the answer. Binance has none: its brackets are signed.
 */
export function createTierFetchers(
  config: Pick<Config, 'exchanges' | 'tierTables'>,
  clock: HttpClock = SYSTEM_CLOCK,
  ledgers: VenueLedgers = {},
): Partial<Record<VenueId, TierFetcher>> {
  const http = (venue: 'bybit' | 'okx' | 'hyperliquid' | 'bitmex' | 'dydx') => {
    // Where the IP's request weight is shared (Hyperliquid: market poll, watch list), the tables are charged to it too.
    const ledger = venue === 'bitmex' || venue === 'dydx' ? undefined : ledgers[venue];
    return new VenueHttp({
      venue,
      baseUrl: config.exchanges[venue],
      timeoutMs: config.tierTables.timeoutMs,
      maxRetries: 0,
      maxInlineWaitMs: 0,
      clock,
      ...(ledger ? { ledger: { ledger, source: 'tier-tables' } } : {}),
    });
  };
  return {
    bybit: new BybitTierFetcher(http('bybit')),
    okx: new OkxTierFetcher(http('okx')),
    hyperliquid: new HyperliquidTierFetcher(http('hyperliquid')),
    bitmex: new BitmexTierFetcher(http('bitmex')),
    dydx: new DydxTierFetcher(http('dydx')),
  };
}

export function createVenueTableService(
  config: Pick<Config, 'exchanges' | 'tierTables'>,
  db: Db,
  logger: Logger,
  clock: HttpClock = SYSTEM_CLOCK,
  { ledgers = {}, accountTables }: { ledgers?: VenueLedgers; accountTables?: VenueTableServiceOptions['accountTables'] } = {},
): VenueTableService {
  return new VenueTableService({
    accountTables,
    repo: new VenueTableRepository(db),
    fetchers: createTierFetchers(config, clock, ledgers),
    fetch: config.tierTables.fetch,
    maxAgeMs: config.tierTables.maxAgeHours * 3_600_000,
    now: clock.now,
    logger,
  });
}
