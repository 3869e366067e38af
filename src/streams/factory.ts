import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { VenueHttp } from '../market/http.ts';
import type { Db } from '../store/database.ts';
import { StreamRepository } from '../store/stream-repository.ts';
import { binanceStream } from './binance.ts';
import { bybitStream } from './bybit.ts';
import type { ConnectionTiming } from './connection.ts';
import { hyperliquidStream } from './hyperliquid.ts';
import { StreamManager } from './manager.ts';
import { OkxContractBook } from './okx-contracts.ts';
import { okxStream } from './okx.ts';
import type { VenueStream } from './venue-stream.ts';

/** The four venue streams on the configured hosts, for the configured coins. */
export function createVenueStreams(config: Pick<Config, 'streams'>, okxContracts: OkxContractBook): VenueStream[] {
  const { urls, symbols } = config.streams;
  return [binanceStream(urls.binance, symbols), bybitStream(urls.bybit, symbols), okxStream(urls.okx, okxContracts), hyperliquidStream(urls.hyperliquid, symbols)];
}

export function createStreamManager(
  config: Pick<Config, 'streams' | 'exchanges' | 'market' | 'streamCrash'>,
  db: Db,
  logger: Logger,
  options: { now?: () => number; timing?: Partial<ConnectionTiming>; random?: () => number; flushMs?: number } = {},
): StreamManager {
  const okxContracts = new OkxContractBook(
    new VenueHttp({ venue: 'okx', baseUrl: config.exchanges.okx, timeoutMs: config.market.httpTimeoutMs }),
    logger.child({ part: 'streams' }),
    options.now,
  );
  return new StreamManager({
    streams: createVenueStreams(config, okxContracts),
    repo: new StreamRepository(db),
    symbols: config.streams.symbols,
    logger,
    now: options.now,
    timing: options.timing,
    random: options.random,
    flushMs: options.flushMs,
    windowSeconds: config.streamCrash.windowSeconds,
    prepare: { okx: () => okxContracts.refresh() },
  });
}
