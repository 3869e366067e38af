import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Decimal } from 'decimal.js';

/**
 * One local HTTP server on 127.0.0.1 that answers the tier-table endpoints of Bybit, OKX,
 * Hyperliquid, BitMEX and dYdX, each under its own path prefix (http://127.0.0.1:<port>/bybit/v5/…).
 * Where a real example exists (test/fixtures/tiers) the answer is that example cloned with the
 * scripted values; BitMEX and dYdX have none, so they use the documented field names only.
 * A venue can be made to fail (HTTP 503), to hang past the client's timeout, or to serve a broken table.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tiers');
export const tierFixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** One tier as the fake serves it: cap in USDT (Bybit, Hyperliquid, BitMEX) or in contracts (OKX); null = open-ended. */
export interface FakeTier {
  cap: number | null;
  maxLeverage: number;
  mmr: string;
}

/** What one venue serves per base coin (`BTC`, `ETH`, `DOGE`). */
export interface FakeCoinTable {
  tiers: FakeTier[];
  /** OKX ctVal / BitMEX coins per contract. */
  contractSize?: string;
  lotSize?: string;
}

export type FakeTierVenue = 'bybit' | 'okx' | 'hyperliquid' | 'bitmex' | 'dydx';
export type FakeTierTables = Partial<Record<FakeTierVenue, Record<string, FakeCoinTable>>>;

export interface FakeVenueTiers {
  urls: Record<FakeTierVenue, string>;
  /** `venue path?query` of every request, in order. */
  requests: string[];
  tables: FakeTierTables;
  /** Per venue: 'down' answers 503, 'hang' never answers, 'broken' serves a table whose cum chain is wrong. */
  mode: Partial<Record<FakeTierVenue, 'down' | 'hang' | 'broken'>>;
  close(): Promise<void>;
}

function send(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Maintenance deductions by the recursion, for the venues that publish one (Bybit). */
function deductions(tiers: FakeTier[]): string[] {
  let amount = new Decimal(0);
  return tiers.map((tier, i) => {
    if (i > 0) amount = new Decimal(tiers[i - 1].cap!).times(new Decimal(tier.mmr).minus(tiers[i - 1].mmr)).plus(amount);
    return amount.toFixed();
  });
}

function bybit(table: FakeCoinTable | undefined, symbol: string, broken: boolean): unknown {
  const body = tierFixture('bybit_risk_limit_inverse_doc.json');
  const template = body.result.list[0];
  const amounts = table ? deductions(table.tiers) : [];
  body.result.category = 'linear';
  body.result.list = (table?.tiers ?? []).map((tier, i) => ({
    ...template,
    id: i + 1,
    symbol,
    riskLimitValue: String(tier.cap),
    maintenanceMargin: tier.mmr,
    initialMargin: new Decimal(1).div(tier.maxLeverage).toFixed(),
    isLowestRisk: i === 0 ? 1 : 0,
    maxLeverage: tier.maxLeverage.toFixed(2),
    mmDeduction: i === 0 ? '' : broken ? new Decimal(amounts[i]).plus(1000).toFixed() : amounts[i],
  }));
  return body;
}

function okxTiers(table: FakeCoinTable | undefined, family: string): unknown {
  const body = tierFixture('okx_position_tiers_margin_doc.json');
  const template = body.data[0];
  body.data = (table?.tiers ?? []).map((tier, i) => ({
    ...template,
    baseMaxLoan: '',
    quoteMaxLoan: '',
    instId: '',
    uly: family,
    instFamily: family,
    tier: String(i + 1),
    minSz: i === 0 ? '0' : String(table!.tiers[i - 1].cap! + 1),
    maxSz: String(tier.cap),
    mmr: tier.mmr,
    imr: new Decimal(1).div(tier.maxLeverage).toFixed(),
    maxLever: String(tier.maxLeverage),
  }));
  return body;
}

function okxInstrument(table: FakeCoinTable | undefined, instId: string): unknown {
  if (!table) return { code: '0', msg: '', data: [] };
  return {
    code: '0',
    msg: '',
    data: [{ instId, instType: 'SWAP', ctType: 'linear', ctVal: table.contractSize ?? '0.01', ctValCcy: instId.split('-')[0], settleCcy: 'USDT', lotSz: table.lotSize ?? '0.01', minSz: table.lotSize ?? '0.01', state: 'live' }],
  };
}

function hyperliquid(tables: Record<string, FakeCoinTable>): unknown {
  const meta = tierFixture('hyperliquid_meta_doc.json');
  const template = meta.universe[0];
  meta.universe = [];
  meta.marginTables = [];
  Object.entries(tables).forEach(([coin, table], i) => {
    const id = 50 + i;
    meta.universe.push({ ...template, name: coin, maxLeverage: table.tiers[0].maxLeverage, marginTableId: id });
    let lower = 0;
    meta.marginTables.push([
      id,
      {
        description: `tiered ${table.tiers[0].maxLeverage}x`,
        marginTiers: table.tiers.map((tier) => {
          const step = { lowerBound: `${lower}.0`, maxLeverage: tier.maxLeverage };
          lower = tier.cap ?? lower;
          return step;
        }),
      },
    ]);
  });
  return meta;
}

function bitmex(table: FakeCoinTable | undefined, symbol: string): unknown {
  if (!table) return [];
  // Step model: the fake's first tier is the base limit; each later cap is one more step.
  const [base, next] = table.tiers;
  const step = next?.cap && base.cap ? next.cap - base.cap : 0;
  return [
    {
      symbol,
      state: 'Open',
      typ: 'FFWCSX',
      isInverse: false,
      isQuanto: false,
      quoteCurrency: 'USDT',
      settlCurrency: 'USDt',
      underlyingToPositionMultiplier: table.contractSize ? Math.round(1 / Number(table.contractSize)) : null,
      lotSize: table.lotSize ? Number(table.lotSize) : null,
      riskLimit: base.cap === null ? null : base.cap * 1e6,
      riskStep: step > 0 ? step * 1e6 : null,
      initMargin: 1 / base.maxLeverage,
      maintMargin: Number(base.mmr),
    },
  ];
}

function dydx(table: FakeCoinTable | undefined, ticker: string): unknown {
  if (!table) return { markets: {} };
  const tier = table.tiers[0];
  return {
    markets: {
      [ticker]: { ticker, status: 'ACTIVE', initialMarginFraction: new Decimal(1).div(tier.maxLeverage).toFixed(), maintenanceMarginFraction: tier.mmr, stepSize: '0.0001' },
    },
  };
}

export async function startFakeVenueTiers(tables: FakeTierTables): Promise<FakeVenueTiers> {
  const requests: string[] = [];
  const state: FakeVenueTiers = { urls: {} as FakeVenueTiers['urls'], requests, tables, mode: {}, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, venue, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    requests.push(`${venue} ${path}${url.search}`);
    const mode = state.mode[venue as FakeTierVenue];
    if (mode === 'hang') return; // never answers: the client's timeout ends it
    if (mode === 'down') return send(res, { error: 'maintenance' }, 503);
    const broken = mode === 'broken';
    const q = url.searchParams;
    const own = state.tables[venue as FakeTierVenue] ?? {};
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (venue === 'bybit' && path === '/v5/market/risk-limit') {
        const symbol = q.get('symbol') ?? '';
        return send(res, bybit(own[symbol.replace(/USDT$/, '')], symbol, broken));
      }
      if (venue === 'okx' && path === '/api/v5/public/position-tiers') {
        const family = q.get('instFamily') ?? '';
        return send(res, okxTiers(own[family.split('-')[0]], family));
      }
      if (venue === 'okx' && path === '/api/v5/public/instruments') {
        const instId = q.get('instId') ?? '';
        return send(res, okxInstrument(own[instId.split('-')[0]], instId));
      }
      if (venue === 'hyperliquid' && path === '/info' && req.method === 'POST') {
        return send(res, hyperliquid(own));
      }
      if (venue === 'bitmex' && path === '/api/v1/instrument') {
        const symbol = q.get('symbol') ?? '';
        const base = symbol.replace(/USDT$/, '');
        return send(res, bitmex(own[base === 'XBT' ? 'BTC' : base], symbol));
      }
      if (venue === 'dydx' && path === '/v4/perpetualMarkets') {
        const ticker = q.get('ticker') ?? '';
        return send(res, dydx(own[ticker.split('-')[0]], ticker));
      }
      send(res, { error: `no route ${venue} ${path}` }, 404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (const venue of ['bybit', 'okx', 'hyperliquid', 'bitmex', 'dydx'] as const) state.urls[venue] = `http://127.0.0.1:${port}/${venue}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/**
 * Test tables with values no venue uses, so an answer that follows them cannot come from
 * anywhere else: every venue serves BTC, ETH and DOGE, each with its own rates.
 */
export function distinctTables(): FakeTierTables {
  const coin = (mmr1: string, lev1: number, cap1: number, mmr2: string, lev2: number, cap2: number | null, extra: Partial<FakeCoinTable> = {}): FakeCoinTable => ({
    tiers: [
      { cap: cap1, maxLeverage: lev1, mmr: mmr1 },
      { cap: cap2, maxLeverage: lev2, mmr: mmr2 },
    ],
    ...extra,
  });
  return {
    bybit: { BTC: coin('0.0041', 90, 1_500_000, '0.0052', 60, 3_000_000), ETH: coin('0.0061', 60, 800_000, '0.0081', 40, 2_000_000), DOGE: coin('0.0121', 30, 200_000, '0.0201', 20, 600_000) },
    okx: {
      BTC: coin('0.0043', 80, 20_000, '0.0063', 50, 60_000, { contractSize: '0.01', lotSize: '0.1' }),
      ETH: coin('0.0067', 50, 30_000, '0.0087', 30, 90_000, { contractSize: '0.1', lotSize: '0.1' }),
      DOGE: coin('0.0133', 25, 50_000, '0.0233', 15, 150_000, { contractSize: '1000', lotSize: '1' }),
    },
    // Hyperliquid: maintenance is half the initial margin at max leverage, so only the leverage is served.
    hyperliquid: { BTC: coin('0', 45, 90_000_000, '0', 22, null), ETH: coin('0', 30, 50_000_000, '0', 12, null), DOGE: coin('0', 8, 5_000_000, '0', 4, null) },
    bitmex: {
      BTC: coin('0.0045', 90, 5_000_000, '0.009', 60, 6_000_000, { contractSize: '0.000001', lotSize: '100' }),
      ETH: coin('0.0055', 70, 3_000_000, '0.011', 45, 4_000_000, { contractSize: '0.00001', lotSize: '100' }),
      DOGE: coin('0.0125', 30, 400_000, '0.025', 20, 500_000, { contractSize: '1', lotSize: '1' }),
    },
    dydx: { BTC: coin('0.0275', 22, 0, '0', 0, null), ETH: coin('0.0285', 21, 0, '0', 0, null), DOGE: coin('0.0525', 11, 0, '0', 0, null) },
  };
}
