import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Venue } from '../../src/market/types.ts';
import { FakeHyperliquidAccounts } from '../support/fake-hyperliquid.ts';
import { FakeKeyedVenues } from '../support/fake-keyed-venues.ts';

/**
 * One local HTTP server on 127.0.0.1 that plays Binance, Bybit, OKX and Hyperliquid.
 * Each venue's payloads are built by cloning the real examples in test/fixtures/exchange/
 * and replacing their values from a scripted market state, so every field, type and quirk
 * of the real formats is kept. Faults can be queued per route.
 *
 * Venues live under path prefixes: http://127.0.0.1:<port>/binance/fapi/v1/premiumIndex, …
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'exchange');
const fixtureText = new Map<string, string>();
/** A fresh parsed copy of a fixture file (the text is read once). */
export const fixture = (name: string): any => {
  if (!fixtureText.has(name)) fixtureText.set(name, readFileSync(join(FIXTURES, name), 'utf8'));
  return JSON.parse(fixtureText.get(name)!);
};

export interface FakeCoin {
  coin: string;
  price: number;
  /** Funding as an 8 h-equivalent fraction; each venue converts it to its own interval. */
  funding8h: number;
  /** One side, in coin. */
  openInterest: number;
  change24h: number;
  volumeUsd: number;
  /** Binance funding interval when it differs from 8 h (listed in fundingInfo). */
  binanceIntervalHours?: number;
  binanceAdlRisk?: 'low' | 'medium' | 'high';
  /** Bybit adlAlert pnlRatio for the coin's pool (trigger at < -0.3). */
  bybitPnlRatio?: number;
  /** Venues that list it (default: all four). */
  venues?: Venue[];
}

export interface FakeMarket {
  time: number;
  coins: FakeCoin[];
}

export type Fault =
  | { status: number; retryAfterSeconds?: number; body?: string }
  | { delayMs: number }
  | { truncated: true }
  | { body: string };

export interface Quirks {
  /** Items with wrong types, one per venue payload (counted as dropped). */
  malformed: boolean;
  /** Delivery / delisted / other-quote contracts (skipped on purpose). */
  extraContracts: boolean;
  /**
   * A delisted contract the venue still serves: Binance keeps OLDUSDT in premiumIndex and
   * ticker/24hr with a days-old `time` and answers its openInterest with 400 -1121 "Invalid
   * symbol."; OKX keeps a mark price for OLD-USDT-SWAP without a funding rate.
   */
  delisted?: boolean;
}
const DELISTED_AGE_MS = 3 * 24 * 3_600_000;

const s = (n: number): string => String(Number(n.toPrecision(10)));
const VENUE_PRICE_SKEW: Record<Venue, number> = { binance: 1, bybit: 1.0002, okx: 0.9999, hyperliquid: 1.0004 };

export class FakeExchange {
  market: FakeMarket;
  quirks: Quirks = { malformed: false, extraContracts: true };
  /** Requests served, by venue then path. */
  readonly hits = new Map<string, number>();
  /** Hyperliquid accounts, fills and margin tables (test/support/fake-hyperliquid.ts). */
  readonly hyperliquidAccounts = new FakeHyperliquidAccounts();
  /** Binance, Bybit and OKX private endpoints read with users' keys (test/support/fake-keyed-venues.ts). */
  readonly keyed = new FakeKeyedVenues();
  private readonly faults = new Map<string, Fault[]>();
  private server: Server | undefined;
  private port = 0;

  constructor(market: FakeMarket) {
    this.market = market;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  baseUrl(venue: Venue): string {
    return `http://127.0.0.1:${this.port}/${venue}`;
  }

  /** Binance's spot API host (BINANCE_SPOT_BASE_URL), where the key-permission endpoint is. */
  get binanceSpotUrl(): string {
    return `http://127.0.0.1:${this.port}/binance-spot`;
  }

  /** The environment that points every venue at this fake, Binance's spot host included, with no tier-table fetches. */
  get venueEnv(): Record<string, string> {
    return {
      HYPERLIQUID_BASE_URL: this.baseUrl('hyperliquid'),
      BINANCE_BASE_URL: this.baseUrl('binance'),
      BINANCE_SPOT_BASE_URL: this.binanceSpotUrl,
      BYBIT_BASE_URL: this.baseUrl('bybit'),
      OKX_BASE_URL: this.baseUrl('okx'),
      TIER_TABLES_FETCH: 'off',
    };
  }

  get exchanges(): Record<Venue, string> {
    return { binance: this.baseUrl('binance'), bybit: this.baseUrl('bybit'), okx: this.baseUrl('okx'), hyperliquid: this.baseUrl('hyperliquid') };
  }

  /** Queue `fault` for the next `times` requests whose path starts with `/<venue><path>` (path '' = any). */
  fail(venue: Venue, path: string, fault: Fault, times = 1): void {
    const key = `/${venue}${path}`;
    this.faults.set(key, [...(this.faults.get(key) ?? []), ...Array.from({ length: times }, () => fault)]);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  count(venue: Venue, path = ''): number {
    let total = 0;
    for (const [key, n] of this.hits) if (key.startsWith(`/${venue}${path}`)) total += n;
    return total;
  }

  private takeFault(path: string): Fault | undefined {
    for (const [key, queue] of this.faults) {
      if (path.startsWith(key) && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.hits.set(url.pathname, (this.hits.get(url.pathname) ?? 0) + 1);
    let requestBody = '';
    for await (const chunk of req) requestBody += String(chunk); // Hyperliquid POSTs its request
    const fault = this.takeFault(url.pathname);
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(fault.body ?? JSON.stringify({ code: -1003, msg: 'Too many requests.' }));
      return;
    }
    if (res.destroyed) return;
    const [, prefix, ...rest] = url.pathname.split('/');
    const keyed = this.keyed.handle(prefix, req.method ?? 'GET', `/${rest.join('/')}`, url.search.slice(1), req.headers);
    if (keyed) {
      res.writeHead(keyed.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(keyed.body));
      return;
    }
    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(this.route(url, requestBody));
    } catch {
      status = 400;
      body = JSON.stringify(fixture('binance_error.json'));
    }
    if (fault && 'truncated' in fault) body = body.slice(0, Math.floor(body.length / 2));
    if (fault && 'body' in fault && !('status' in fault)) body = fault.body;
    const used = this.count(url.pathname.split('/')[1] as Venue);
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-MBX-USED-WEIGHT-1M': String(used) }).end(body);
  }

  private coins(venue: Venue): FakeCoin[] {
    return this.market.coins.filter((c) => !c.venues || c.venues.includes(venue));
  }

  private route(url: URL, requestBody = ''): unknown {
    const [, venue, ...rest] = url.pathname.split('/');
    const path = '/' + rest.join('/');
    const key = `${venue}:${path}`;
    switch (key) {
      case 'binance:/fapi/v1/premiumIndex':
        return this.binancePremiumIndex();
      case 'binance:/fapi/v1/ticker/24hr':
        return this.binanceTickers();
      case 'binance:/fapi/v1/fundingInfo':
        return this.binanceFundingInfo();
      case 'binance:/fapi/v1/openInterest':
        return this.binanceOpenInterest(url.searchParams.get('symbol') ?? '');
      case 'binance:/fapi/v1/symbolAdlRisk':
        return this.binanceAdlRisk();
      case 'bybit:/v5/market/tickers':
        return this.bybitTickers();
      case 'bybit:/v5/market/adlAlert':
        return this.bybitAdlAlert();
      case 'okx:/api/v5/public/funding-rate':
        return this.okx('funding');
      case 'okx:/api/v5/public/open-interest':
        return this.okx('oi');
      case 'okx:/api/v5/market/tickers':
        return this.okx('tickers');
      case 'okx:/api/v5/public/mark-price':
        return this.okx('mark');
      case 'hyperliquid:/info': {
        // Account requests (clearinghouseState, userFillsByTime, meta) go to the scripted accounts.
        const request = requestBody ? JSON.parse(requestBody) : {};
        if (request.type !== undefined && request.type !== 'metaAndAssetCtxs') {
          const answer = this.hyperliquidAccounts.handle(request);
          if (answer === undefined) throw new Error(`unknown hyperliquid request ${request.type}`);
          return answer;
        }
        return this.hyperliquid();
      }
      default:
        throw new Error(`unknown route ${key}`);
    }
  }

  // Binance ------------------------------------------------------------------------------
  private binancePremiumIndex(): unknown[] {
    const [tpl] = fixture('binance_premiumIndex_all.json');
    const t = this.market.time;
    const items: unknown[] = this.coins('binance').map((c) => {
      const interval = c.binanceIntervalHours ?? 8;
      const mark = c.price * VENUE_PRICE_SKEW.binance;
      return {
        ...tpl,
        symbol: `${c.coin}USDT`,
        markPrice: s(mark),
        indexPrice: s(mark * 0.9998),
        estimatedSettlePrice: s(mark * 0.9999),
        lastFundingRate: s((c.funding8h * interval) / 8),
        nextFundingTime: Math.ceil(t / (interval * 3_600_000)) * interval * 3_600_000,
        time: t,
      };
    });
    if (this.quirks.extraContracts) {
      // Delivery contracts: funding "" and nextFundingTime 0 (documented on COIN-M). USDC pairs are skipped too.
      items.push({ ...tpl, symbol: 'BTCUSDT_251226', lastFundingRate: '', interestRate: '', nextFundingTime: 0, time: t });
      items.push({ ...tpl, symbol: 'BTCUSDC', time: t });
    }
    if (this.quirks.malformed) items.push({ ...tpl, symbol: 'BROKENUSDT', markPrice: 12.5, time: t });
    if (this.quirks.delisted) {
      items.push({ ...tpl, symbol: 'OLDUSDT', markPrice: '0.05120000', indexPrice: '0.05118000', lastFundingRate: '0.00010000', time: t - DELISTED_AGE_MS });
    }
    return items;
  }

  private binanceTickers(): unknown[] {
    const tpl = fixture('binance_ticker_24hr_single.json');
    const items: unknown[] = this.coins('binance').map((c) => ({
      ...tpl,
      symbol: `${c.coin}USDT`,
      lastPrice: s(c.price),
      openPrice: s(c.price / (1 + c.change24h)),
      priceChange: s(c.price - c.price / (1 + c.change24h)),
      priceChangePercent: (c.change24h * 100).toFixed(3),
      volume: s(c.volumeUsd / c.price),
      quoteVolume: s(c.volumeUsd),
      closeTime: this.market.time,
    }));
    if (this.quirks.malformed) items.push({ ...tpl, symbol: 'BROKENUSDT', quoteVolume: null });
    // Its last day's volume still ranks it among the top N, so it gets an openInterest call.
    if (this.quirks.delisted) items.push({ ...tpl, symbol: 'OLDUSDT', lastPrice: '0.05120', quoteVolume: '99000000000', closeTime: this.market.time - DELISTED_AGE_MS });
    return items;
  }

  private binanceFundingInfo(): unknown[] {
    const [tpl] = fixture('binance_fundingInfo.json');
    return this.coins('binance')
      .filter((c) => c.binanceIntervalHours && c.binanceIntervalHours !== 8)
      .map((c) => ({ ...tpl, symbol: `${c.coin}USDT`, fundingIntervalHours: c.binanceIntervalHours }));
  }

  private binanceOpenInterest(symbol: string): unknown {
    const coin = this.coins('binance').find((c) => `${c.coin}USDT` === symbol);
    if (!coin) throw new Error('Invalid symbol.');
    return { ...fixture('binance_openInterest.json'), symbol, openInterest: s(coin.openInterest), time: this.market.time };
  }

  private binanceAdlRisk(): unknown[] {
    const tpl = fixture('binance_symbolAdlRisk_connector_mock.json');
    return this.coins('binance').map((c) => ({ ...tpl, symbol: `${c.coin}USDT`, adlRisk: c.binanceAdlRisk ?? 'low', updateTime: this.market.time }));
  }

  // Bybit --------------------------------------------------------------------------------
  private bybitTickers(): unknown {
    const rest = fixture('bybit_tickers_inverse.json');
    const [restItem] = rest.result.list;
    const linear = fixture('bybit_ws_tickers_linear.json').data;
    const { tickDirection: _ignored, ...linearFields } = linear;
    const list: unknown[] = this.coins('bybit').map((c) => {
      const mark = c.price * VENUE_PRICE_SKEW.bybit;
      return {
        ...restItem,
        ...linearFields,
        symbol: `${c.coin}USDT`,
        lastPrice: s(mark),
        markPrice: s(mark),
        indexPrice: s(mark * 0.9998),
        prevPrice24h: s(mark / (1 + c.change24h)),
        price24hPcnt: s(c.change24h),
        // Since 2026-06: openInterest counts both sides, singleOpenInterest one side.
        openInterest: s(2 * c.openInterest),
        openInterestValue: s(2 * c.openInterest * mark),
        singleOpenInterest: s(c.openInterest),
        singleOpenInterestValue: s(c.openInterest * mark),
        turnover24h: s(c.volumeUsd),
        volume24h: s(c.volumeUsd / mark),
        fundingRate: s(c.funding8h),
        fundingIntervalHour: '8',
        nextFundingTime: String(Math.ceil(this.market.time / 28_800_000) * 28_800_000),
        deliveryTime: '0',
      };
    });
    if (this.quirks.extraContracts) {
      list.push({ ...restItem, ...linearFields, symbol: 'BTC-26DEC25', fundingRate: '', fundingIntervalHour: '', deliveryTime: '1766736000000' });
      list.push({ ...restItem, ...linearFields, symbol: 'BTCPERP' });
    }
    if (this.quirks.malformed) list.push({ ...restItem, ...linearFields, symbol: 'BROKENUSDT', markPrice: '' });
    return { ...rest, result: { category: 'linear', list }, time: this.market.time };
  }

  private bybitAdlAlert(): unknown {
    const doc = fixture('bybit_adlAlert.json');
    const [tpl] = doc.result.list;
    const list = this.coins('bybit').map((c) => ({ ...tpl, symbol: `${c.coin}USDT`, pnlRatio: s(c.bybitPnlRatio ?? -0.01) }));
    return { ...doc, result: { ...doc.result, updatedTime: String(this.market.time), list }, time: this.market.time };
  }

  // OKX ----------------------------------------------------------------------------------
  private okx(what: 'funding' | 'oi' | 'tickers' | 'mark'): unknown {
    const t = this.market.time;
    const ts = String(t);
    const coins = this.coins('okx');
    const mark = (c: FakeCoin) => c.price * VENUE_PRICE_SKEW.okx;
    let data: unknown[];
    if (what === 'funding') {
      const [tpl] = fixture('okx_funding_rate.json').data;
      const next = Math.ceil(t / 28_800_000) * 28_800_000;
      data = coins.map((c) => ({
        ...tpl,
        instId: `${c.coin}-USDT-SWAP`,
        fundingRate: s(c.funding8h),
        settFundingRate: s(c.funding8h),
        fundingTime: String(next),
        nextFundingTime: String(next + 28_800_000),
        ts,
      }));
      if (this.quirks.extraContracts) data.push({ ...tpl, instId: 'BTC-USD-SWAP', ts });
      if (this.quirks.malformed) data.push({ ...tpl, instId: 'BROKEN-USDT-SWAP', fundingTime: 'soon' });
    } else if (what === 'oi') {
      const [tpl] = fixture('okx_open_interest.json').data;
      data = coins.map((c) => ({ ...tpl, instId: `${c.coin}-USDT-SWAP`, oi: s(c.openInterest * 100), oiCcy: s(c.openInterest), oiUsd: s(c.openInterest * mark(c)), ts }));
    } else if (what === 'tickers') {
      const [tpl] = fixture('okx_tickers_swap.json').data;
      data = coins.map((c) => ({
        ...tpl,
        instId: `${c.coin}-USDT-SWAP`,
        last: s(mark(c)),
        askPx: s(mark(c) * 1.0001),
        bidPx: s(mark(c) * 0.9999),
        open24h: s(mark(c) / (1 + c.change24h)),
        high24h: s(Math.max(mark(c), mark(c) / (1 + c.change24h))),
        low24h: s(Math.min(mark(c), mark(c) / (1 + c.change24h))),
        volCcy24h: s(c.volumeUsd / mark(c)),
        vol24h: s((c.volumeUsd / mark(c)) * 100),
        ts,
      }));
    } else {
      const [tpl] = fixture('okx_mark_price.json').data;
      data = coins.map((c) => ({ ...tpl, instId: `${c.coin}-USDT-SWAP`, markPx: s(mark(c)), ts }));
      if (this.quirks.extraContracts) data.push({ ...tpl, instId: 'BTC-USD-SWAP', ts });
      if (this.quirks.delisted) data.push({ ...tpl, instId: 'OLD-USDT-SWAP', markPx: '0.0512', ts: String(t - DELISTED_AGE_MS) });
    }
    return { code: '0', msg: '', data };
  }

  // Hyperliquid --------------------------------------------------------------------------
  private hyperliquid(): unknown {
    const [meta, ctxs] = fixture('hyperliquid_metaAndAssetCtxs.json');
    const [assetTpl] = meta.universe;
    const [ctxTpl] = ctxs;
    const universe: unknown[] = [];
    const contexts: unknown[] = [];
    for (const c of this.coins('hyperliquid')) {
      const mark = c.price * VENUE_PRICE_SKEW.hyperliquid;
      universe.push({ ...assetTpl, name: c.coin });
      contexts.push({
        ...ctxTpl,
        dayNtlVlm: s(c.volumeUsd),
        funding: s(c.funding8h / 8),
        impactPxs: [s(mark * 0.9999), s(mark * 1.0001)],
        markPx: s(mark),
        midPx: s(mark),
        openInterest: s(c.openInterest),
        oraclePx: s(mark * 0.9998),
        premium: s(0.0002),
        prevDayPx: s(mark / (1 + c.change24h)),
      });
      if (this.quirks.malformed && universe.length === 1) {
        // wrong type in the middle: the items after it must keep their alignment
        universe.push({ ...assetTpl, name: 'BROKEN' });
        contexts.push({ ...ctxTpl, funding: 0.0000125 });
      }
    }
    if (this.quirks.extraContracts) {
      universe.push({ ...meta.universe[2], name: 'OLDCOIN', isDelisted: true });
      contexts.push({ ...ctxTpl, dayNtlVlm: '0.0', openInterest: '0.0', midPx: null, impactPxs: null });
    }
    return [{ ...meta, universe }, contexts];
  }
}

/** A few coins around 10 Oct 2025 levels (illustrative sizes). */
export function sampleMarket(time = Date.UTC(2025, 9, 10, 12, 0)): FakeMarket {
  return {
    time,
    coins: [
      { coin: 'BTC', price: 121_500, funding8h: 0.0001, openInterest: 95_000, change24h: 0.012, volumeUsd: 18e9 },
      { coin: 'ETH', price: 4_350, funding8h: 0.0001, openInterest: 2_200_000, change24h: 0.02, volumeUsd: 12e9 },
      { coin: 'SOL', price: 220, funding8h: 0.0001, openInterest: 18_000_000, change24h: 0.03, volumeUsd: 4e9, binanceIntervalHours: 4 },
      { coin: 'HYPE', price: 45, funding8h: 0.0001, openInterest: 30_000_000, change24h: 0.01, volumeUsd: 1e9, venues: ['binance', 'bybit', 'hyperliquid'] },
    ],
  };
}
