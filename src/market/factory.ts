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

/** The four venue clients on the configured base URLs. */
export function createVenueClients(config: { exchanges: Record<Venue, string>; market: Config['market'] }, clock: HttpClock = SYSTEM_CLOCK): VenueClient[] {
  const http = (venue: 'binance' | 'bybit' | 'okx' | 'hyperliquid') =>
    new VenueHttp({ venue, baseUrl: config.exchanges[venue], timeoutMs: config.market.httpTimeoutMs, clock });
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
): MarketService {
  return new MarketService({
    clients: createVenueClients(config, clock),
    repo: new MarketRepository(db),
    logger,
    now: clock.now,
    staleAfterMs: config.market.staleAfterMs,
  });
}
