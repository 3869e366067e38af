import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../store/database.ts';
import { MarketRepository } from '../store/market-repository.ts';
import { BinanceClient } from './binance.ts';
import { BybitClient } from './bybit.ts';
import { HyperliquidClient } from './hyperliquid.ts';
import { VenueHttp, SYSTEM_CLOCK, type HttpClock } from './http.ts';
import { OkxClient } from './okx.ts';
import { MarketService } from './service.ts';
import type { VenueClient } from './client.ts';
import type { Venue } from './types.ts';
import type { WeightLedger } from './weight-ledger.ts';

/** Per venue, the ledger of the IP's request weight its clients share (Hyperliquid: with the watch list). */
export type VenueLedgers = Partial<Record<Venue, WeightLedger>>;

/** The four venue clients on the configured base URLs. */
export function createVenueClients(
  config: { exchanges: Record<Venue, string>; market: Config['market'] },
  clock: HttpClock = SYSTEM_CLOCK,
  ledgers: VenueLedgers = {},
): VenueClient[] {
  const http = (venue: 'binance' | 'bybit' | 'okx' | 'hyperliquid') => {
    const ledger = ledgers[venue];
    return new VenueHttp({ venue, baseUrl: config.exchanges[venue], timeoutMs: config.market.httpTimeoutMs, clock, ...(ledger ? { ledger: { ledger, source: 'market' } } : {}) });
  };
  return [
    new BinanceClient(http('binance'), { openInterestTopN: config.market.binanceOpenInterestTopN }),
    new BybitClient(http('bybit')),
    new OkxClient(http('okx')),
    new HyperliquidClient(http('hyperliquid')),
  ];
}

export function createMarketService(
  config: { exchanges: Record<Venue, string>; market: Config['market'] },
  db: Db,
  logger: Logger,
  clock: HttpClock = SYSTEM_CLOCK,
  ledgers: VenueLedgers = {},
): MarketService {
  return new MarketService({
    clients: createVenueClients(config, clock, ledgers),
    repo: new MarketRepository(db),
    logger,
    now: clock.now,
    staleAfterMs: config.market.staleAfterMs,
  });
}
