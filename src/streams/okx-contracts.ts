import type { Logger } from 'pino';
import type { VenueHttp } from '../market/http.ts';
import { okxInstrumentRows } from '../market/tiers/okx.ts';
import type { OkxContract, OkxContracts } from './okx.ts';

/**
 * Contract values of every OKX swap, from `GET /api/v5/public/instruments?instType=SWAP`
 * (public, 20 requests / 2 s): `ctVal` with `ctType` (linear: coins per contract; inverse: USD
 * per contract). https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
 *
 * One call covers every swap. Fetched when the stream starts, again every `refreshMs`, and sooner
 * when a liquidation names an instrument listed since (at most once per `retryMs`). Until an
 * instrument's ctVal is known its liquidations are counted as unreadable, never guessed.
 *
 * (The rows are read as the per-symbol tier-table fetcher reads them; this one keeps them all.)
 */
export function parseOkxContracts(payload: unknown): Map<string, OkxContract> {
  const contracts = new Map<string, OkxContract>();
  for (const row of okxInstrumentRows(payload)) {
    const ctVal = Number(row.ctVal);
    if ((row.ctType === 'linear' || row.ctType === 'inverse') && ctVal > 0) contracts.set(row.instId, { ctVal, ctType: row.ctType });
  }
  return contracts;
}

export class OkxContractBook implements OkxContracts {
  private contracts = new Map<string, OkxContract>();
  private loading: Promise<void> | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastSuccess = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly http: VenueHttp,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
    private readonly refreshMs = 6 * 3_600_000,
    private readonly retryMs = 60_000,
  ) {}

  get size(): number {
    return this.contracts.size;
  }

  get(instId: string): OkxContract | undefined {
    if (this.now() - this.lastSuccess >= this.refreshMs) void this.refresh();
    return this.contracts.get(instId);
  }

  missing(_instId: string): void {
    void this.refresh(true);
  }

  /** Loads the table unless it is fresh or was just tried; concurrent callers share one request. */
  refresh(force = false): Promise<void> {
    const now = this.now();
    const due = force || now - this.lastSuccess >= this.refreshMs || this.contracts.size === 0;
    if (this.loading || !due || now - this.lastAttempt < this.retryMs) return this.loading ?? Promise.resolve();
    this.lastAttempt = now;
    this.loading = this.http
      .get('/api/v5/public/instruments', { instType: 'SWAP' }, 1)
      .then((payload) => {
        const contracts = parseOkxContracts(payload);
        if (contracts.size > 0) {
          this.contracts = contracts;
          this.lastSuccess = this.now();
        }
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'streams: OKX instruments not loaded; its liquidations wait for ctVal');
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
