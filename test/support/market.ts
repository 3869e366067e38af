import { pino } from 'pino';
import type { HttpClock } from '../../src/market/http.ts';
import { createVenueClients } from '../../src/market/factory.ts';
import { MarketService } from '../../src/market/service.ts';
import { MarketRepository } from '../../src/store/market-repository.ts';
import { openDatabase, type Db } from '../../src/store/database.ts';
import type { Venue } from '../../src/market/types.ts';

/** A clock the test moves by hand; sleeps are recorded and advance it instantly. */
export class ManualClock implements HttpClock {
  readonly sleeps: number[] = [];
  constructor(public time: number) {}
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
  random = (): number => 0.5;
}

export const silentLogger = pino({ level: 'silent' });

export function makeMarketService(exchanges: Record<Venue, string>, clock: ManualClock, db: Db = openDatabase(':memory:')): MarketService {
  const clients = createVenueClients({ exchanges, market: { httpTimeoutMs: 1_000, staleAfterMs: 180_000, binanceOpenInterestTopN: 100 } }, clock);
  return new MarketService({ clients, repo: new MarketRepository(db), logger: silentLogger, now: clock.now });
}
