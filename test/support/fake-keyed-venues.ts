import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { okxSwapInstrument } from '../e2e/fake-venues.ts';

/**
 * The private (signed) endpoints of Binance, Bybit and OKX that keyed /watch reads, as a test
 * scripts them: each request's signature is recomputed from the key's secret by the venue's own
 * recipe and its timestamp checked against the venue's window (Binance and Bybit: `recvWindow`,
 * 5 s by default, and no more than 1 s ahead; OKX: 30 s), and a request that fails either is
 * answered with the venue's own error. Answers are the venues' documented examples
 * (test/fixtures/keys/) cloned with the scripted values, so every field and type of the real
 * format is kept.
 *
 * Served by test/e2e/fake-exchange.ts under /binance (futures), /binance-spot, /bybit and /okx.
 * Verification is written here from the docs, independently of src/watch/keyed/signing.ts, so a
 * mistake there fails here.
 *
 * Binance: the futures endpoints refuse a key without `enableFutures` (-2015), as Binance's own
 * description of that flag says ("The Futures API cannot be used if …"); `binanceReadOnlyReadsFutures`
 * lets a test play the other, unconfirmed behaviour, where a read-only key reads futures.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keys');
const TIERS = join(import.meta.dirname, '..', 'fixtures', 'tiers');
const fixture = (name: string, dir = FIXTURES): any => JSON.parse(readFileSync(join(dir, name), 'utf8'));

export type FakeKeyedVenue = 'binance' | 'bybit' | 'okx';

export interface FakeKeyedPosition {
  coin: string;
  side: 'long' | 'short';
  /** In coins. */
  size: number;
  entry: number;
  mark: number;
  /** The venue's liquidation price; null: none shown. */
  liq: number | null;
  leverage: number;
  mode: 'cross' | 'isolated';
  /** Isolated margin. */
  margin?: number;
  /** The venue's own ADL level on its own scale (Binance 0–4, Bybit 1–5, OKX 0–5). */
  adl: number;
}

export interface FakeForcedClose {
  id: string;
  kind: 'adl' | 'liquidation';
  coin: string;
  /** The side of the position that was closed. */
  side: 'long' | 'short';
  size: number;
  price: number;
  mark: number;
  pnl: number;
  time: number;
}

export interface FakeKeyedAccount {
  positions: FakeKeyedPosition[];
  /** Account value (USD). */
  equity: number;
  /** What backs the cross positions (default: equity). */
  crossEquity?: number;
  forced: FakeForcedClose[];
}

export interface FakeKey {
  venue: FakeKeyedVenue;
  apiKey: string;
  secret: string;
  passphrase?: string;
  /** Binance apiRestrictions flags that differ from the read-only default. */
  binance: Record<string, boolean>;
  bybit: { readOnly: 0 | 1; permissions: Record<string, string[]>; ips: string[] };
  okx: { perm: string; ip: string };
  /** The user deleted or the venue expired the key: every request is refused as an invalid key. */
  revoked: boolean;
  account: FakeKeyedAccount;
}

export interface FakeRequest {
  venue: FakeKeyedVenue | 'binance-spot';
  path: string;
  /** The key the request named, if any (tests compare it, never print it). */
  apiKey?: string;
  /** Signature and timestamp checked and right. */
  verified: boolean;
  error?: string;
}

export const OKX_CONTRACTS: Record<string, { ctVal: string; ctType: 'linear' | 'inverse' }> = {
  'BTC-USDT-SWAP': { ctVal: '0.01', ctType: 'linear' },
  'ETH-USDT-SWAP': { ctVal: '0.1', ctType: 'linear' },
  'SOL-USDT-SWAP': { ctVal: '1', ctType: 'linear' },
};

const s = (n: number): string => String(Number(n.toPrecision(12)));
const alnum = (length: number) => randomBytes(length * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, length);

export class FakeKeyedVenues {
  readonly keys: FakeKey[] = [];
  readonly requests: FakeRequest[] = [];
  /** The venues' clock for timestamp windows and `time` fields. */
  now: () => number = () => Date.now();
  binanceReadOnlyReadsFutures = false;

  /** A key as the venue would issue it (realistic lengths), read-only by default. */
  addKey(venue: FakeKeyedVenue, overrides: Partial<Omit<FakeKey, 'venue'>> = {}): FakeKey {
    const key: FakeKey = {
      venue,
      apiKey: venue === 'okx' ? randomUUID() : venue === 'bybit' ? alnum(18) : alnum(64),
      secret: venue === 'okx' ? randomBytes(16).toString('hex').toUpperCase() : venue === 'bybit' ? alnum(36) : alnum(64),
      ...(venue === 'okx' ? { passphrase: `Pass-${alnum(10)}` } : {}),
      binance: {},
      bybit: { readOnly: 1, permissions: { ContractTrade: ['Order', 'Position'], Spot: [], Wallet: [], Options: [], Derivatives: [], Exchange: [] }, ips: ['*'] },
      okx: { perm: 'read_only', ip: '' },
      revoked: false,
      account: { positions: [], equity: 10_000, forced: [] },
      ...overrides,
    };
    this.keys.push(key);
    return key;
  }

  private find(venue: FakeKeyedVenue, apiKey: string | undefined): FakeKey | undefined {
    return this.keys.find((k) => k.venue === venue && k.apiKey === apiKey);
  }

  /** The answer to one request, or undefined when the path is not one of these endpoints. */
  handle(prefix: string, method: string, path: string, rawQuery: string, headers: Record<string, string | string[] | undefined>): { status: number; body: unknown } | undefined {
    const header = (name: string) => {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    if (method !== 'GET') return undefined;
    if (prefix === 'binance-spot' && path === '/sapi/v1/account/apiRestrictions') return this.binance('binance-spot', path, rawQuery, header('X-MBX-APIKEY'));
    if (prefix === 'binance' && ['/fapi/v3/positionRisk', '/fapi/v1/adlQuantile', '/fapi/v3/account', '/fapi/v1/forceOrders', '/fapi/v1/userTrades', '/fapi/v1/leverageBracket'].includes(path)) {
      return this.binance('binance', path, rawQuery, header('X-MBX-APIKEY'));
    }
    if (prefix === 'bybit' && ['/v5/user/query-api', '/v5/position/list', '/v5/account/wallet-balance', '/v5/execution/list', '/v5/position/closed-pnl'].includes(path)) {
      return this.bybit(path, rawQuery, header);
    }
    if (prefix === 'okx' && path === '/api/v5/public/instruments') return { status: 200, body: okxInstruments() };
    if (prefix === 'okx' && ['/api/v5/account/config', '/api/v5/account/positions', '/api/v5/account/balance', '/api/v5/account/bills'].includes(path)) {
      return this.okx(path, rawQuery, header);
    }
    return undefined;
  }

  // ---- Binance ---------------------------------------------------------------------------------

  private binance(venue: 'binance' | 'binance-spot', path: string, rawQuery: string, apiKey: string | undefined): { status: number; body: unknown } {
    const fail = (status: number, code: number, msg: string) => {
      this.requests.push({ venue, path, apiKey, verified: false, error: String(code) });
      return { status, body: { code, msg } };
    };
    if (!apiKey) return fail(400, -2014, 'API-key format invalid.');
    const key = this.find('binance', apiKey);
    if (!key || key.revoked) return fail(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1');
    // `signature` is the last parameter; it signs everything before it.
    const at = rawQuery.lastIndexOf('&signature=');
    if (at < 0) return fail(400, -1022, 'Signature for this request is not valid.');
    const signed = rawQuery.slice(0, at);
    const expected = createHmac('sha256', key.secret).update(signed).digest('hex');
    if (!same(expected, rawQuery.slice(at + '&signature='.length))) return fail(400, -1022, 'Signature for this request is not valid.');
    const params = new URLSearchParams(signed);
    const timestamp = Number(params.get('timestamp'));
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    const serverTime = this.now();
    if (!(timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow)) return fail(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    const flags = { ...fixture('binance_apiRestrictions_connector_mock.json'), ...READ_ONLY_BINANCE, ...key.binance };
    if (venue === 'binance' && !flags.enableFutures && !this.binanceReadOnlyReadsFutures) {
      return fail(401, -2015, 'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1');
    }
    this.requests.push({ venue, path, apiKey, verified: true });
    const account = key.account;
    const symbolOf = (coin: string) => `${coin}USDT`;
    switch (path) {
      case '/sapi/v1/account/apiRestrictions':
        return { status: 200, body: flags };
      case '/fapi/v3/positionRisk': {
        const [tpl] = fixture('binance_positionRisk_v3_oneway.json');
        return {
          status: 200,
          body: account.positions.map((p) => {
            const amt = p.side === 'long' ? p.size : -p.size;
            const upnl = (p.mark - p.entry) * amt;
            const notional = p.mark * amt;
            const isolatedWallet = p.mode === 'isolated' ? (p.margin ?? (p.size * p.entry) / p.leverage) : 0;
            return {
              ...tpl,
              symbol: symbolOf(p.coin),
              positionAmt: s(amt),
              entryPrice: s(p.entry),
              markPrice: s(p.mark),
              unRealizedProfit: s(upnl),
              liquidationPrice: p.liq === null ? '0' : s(p.liq),
              isolatedMargin: s(isolatedWallet ? isolatedWallet + upnl : 0),
              isolatedWallet: s(isolatedWallet),
              notional: s(notional),
              initialMargin: s(Math.abs(notional) / p.leverage),
              positionInitialMargin: s(Math.abs(notional) / p.leverage),
              adl: p.adl,
              updateTime: this.now(),
            };
          }),
        };
      }
      case '/fapi/v1/adlQuantile': {
        const [tpl] = fixture('binance_adlQuantile.json');
        const coins = [...new Set(account.positions.map((p) => p.coin))];
        return {
          status: 200,
          body: coins.map((coin) => {
            const long = account.positions.find((p) => p.coin === coin && p.side === 'long');
            const short = account.positions.find((p) => p.coin === coin && p.side === 'short');
            // One-way mode: BOTH carries the position's level.
            return { ...tpl, symbol: symbolOf(coin), adlQuantile: { LONG: long?.adl ?? 0, SHORT: short?.adl ?? 0, BOTH: (long ?? short)?.adl ?? 0 } };
          }),
        };
      }
      case '/fapi/v3/account': {
        const tpl = fixture('binance_account_v3_doc.json');
        const crossUpnl = account.positions.filter((p) => p.mode === 'cross').reduce((sum, p) => sum + (p.mark - p.entry) * (p.side === 'long' ? p.size : -p.size), 0);
        const cross = account.crossEquity ?? account.equity;
        return {
          status: 200,
          body: { ...tpl, totalMarginBalance: s(account.equity), totalCrossWalletBalance: s(cross - crossUpnl), totalCrossUnPnl: s(crossUpnl), positions: [] },
        };
      }
      case '/fapi/v1/forceOrders': {
        const [liquidation, adl] = fixture('binance_forceOrders_doc.json');
        const start = Number(params.get('startTime') ?? 0);
        const end = Number(params.get('endTime') ?? Number.MAX_SAFE_INTEGER);
        return {
          status: 200,
          body: account.forced
            .filter((f) => f.time >= start && f.time <= end)
            .map((f) => ({
              ...(f.kind === 'adl' ? adl : liquidation),
              orderId: Number(f.id),
              symbol: symbolOf(f.coin),
              clientOrderId: f.kind === 'adl' ? 'adl_autoclose' : `autoclose-${f.time}000001`,
              price: s(f.price),
              avgPrice: s(f.price),
              origQty: s(f.size),
              executedQty: s(f.size),
              cumQuote: s(f.size * f.price),
              side: f.side === 'long' ? 'SELL' : 'BUY',
              positionSide: 'BOTH',
              time: f.time,
              updateTime: f.time,
            })),
        };
      }
      case '/fapi/v1/userTrades': {
        const [tpl] = fixture('binance_userTrades_doc.json');
        const order = account.forced.find((f) => f.id === params.get('orderId'));
        return { status: 200, body: order ? [{ ...tpl, orderId: Number(order.id), symbol: symbolOf(order.coin), price: s(order.price), qty: s(order.size), realizedPnl: s(order.pnl), time: order.time }] : [] };
      }
      case '/fapi/v1/leverageBracket': {
        const body = fixture('binance_leverageBracket_symbol.json', TIERS);
        return { status: 200, body: { ...body, symbol: params.get('symbol') } };
      }
    }
    return fail(404, -1000, 'unknown');
  }

  // ---- Bybit -----------------------------------------------------------------------------------

  private bybit(path: string, rawQuery: string, header: (name: string) => string | undefined): { status: number; body: unknown } {
    const apiKey = header('X-BAPI-API-KEY');
    const envelope = (result: unknown) => ({ retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: this.now() });
    const fail = (retCode: number, retMsg: string) => {
      this.requests.push({ venue: 'bybit', path, apiKey, verified: false, error: String(retCode) });
      return { status: 200, body: { retCode, retMsg, result: {}, retExtInfo: {}, time: this.now() } };
    };
    const key = this.find('bybit', apiKey);
    if (!key) return fail(10003, 'API key is invalid.');
    if (key.revoked) return fail(33004, 'Your api key has expired.');
    const timestamp = Number(header('X-BAPI-TIMESTAMP'));
    const recvWindow = Number(header('X-BAPI-RECV-WINDOW') ?? 5000);
    const expected = createHmac('sha256', key.secret).update(`${header('X-BAPI-TIMESTAMP')}${apiKey}${header('X-BAPI-RECV-WINDOW') ?? ''}${rawQuery}`).digest('hex');
    if (!same(expected, header('X-BAPI-SIGN') ?? '')) return fail(10004, 'Error sign, please check your signature generation algorithm.');
    const serverTime = this.now();
    if (!(serverTime - recvWindow <= timestamp && timestamp < serverTime + 1000)) return fail(10002, 'invalid request, please check your server timestamp or recv_window param');
    this.requests.push({ venue: 'bybit', path, apiKey, verified: true });
    const params = new URLSearchParams(rawQuery);
    const account = key.account;
    switch (path) {
      case '/v5/user/query-api': {
        const { result } = fixture('bybit_query_api.json');
        return { status: 200, body: envelope({ ...result, apiKey: key.apiKey, readOnly: key.bybit.readOnly, permissions: key.bybit.permissions, ips: key.bybit.ips }) };
      }
      case '/v5/position/list': {
        const { result } = fixture('bybit_position_list_inverse_doc.json');
        const [tpl] = result.list;
        const limit = Number(params.get('limit') ?? 20);
        return {
          status: 200,
          body: envelope({
            ...result,
            category: 'linear',
            list: account.positions.slice(0, limit).map((p) => ({
              ...tpl,
              symbol: `${p.coin}USDT`,
              side: p.side === 'long' ? 'Buy' : 'Sell',
              size: s(p.size),
              avgPrice: s(p.entry),
              positionValue: s(p.size * p.entry),
              tradeMode: p.mode === 'isolated' ? 1 : 0,
              adlRankIndicator: p.adl,
              leverage: s(p.leverage),
              markPrice: s(p.mark),
              liqPrice: p.liq === null ? '' : s(p.liq),
              bustPrice: '',
              positionBalance: s(p.mode === 'isolated' ? (p.margin ?? (p.size * p.entry) / p.leverage) : 0),
              positionIM: s((p.size * p.entry) / p.leverage),
              unrealisedPnl: s((p.mark - p.entry) * (p.side === 'long' ? p.size : -p.size)),
              updatedTime: String(this.now()),
            })),
          }),
        };
      }
      case '/v5/account/wallet-balance': {
        const { result } = fixture('bybit_wallet_balance_doc.json');
        const [tpl] = result.list;
        return { status: 200, body: envelope({ list: [{ ...tpl, totalEquity: s(account.equity), totalMarginBalance: s(account.crossEquity ?? account.equity) }] }) };
      }
      case '/v5/execution/list': {
        const { result } = fixture('bybit_execution_list_doc.json');
        const [tpl] = result.list;
        const type = params.get('execType');
        const start = Number(params.get('startTime') ?? 0);
        const end = Number(params.get('endTime') ?? Number.MAX_SAFE_INTEGER);
        const list = account.forced
          .filter((f) => (type === 'AdlTrade' ? f.kind === 'adl' : type === 'BustTrade' ? f.kind === 'liquidation' : true))
          .filter((f) => f.time >= start && f.time <= end)
          // Newest first, as the docs say.
          .sort((a, b) => b.time - a.time)
          .map((f) => ({
            ...tpl,
            symbol: `${f.coin}USDT`,
            side: f.side === 'long' ? 'Sell' : 'Buy',
            orderId: `order-${f.id}`,
            execId: `exec-${f.id}`,
            execTime: String(f.time),
            markPrice: s(f.mark),
            execPrice: s(f.price),
            execQty: s(f.size),
            execValue: s(f.size * f.price),
            execType: f.kind === 'adl' ? 'AdlTrade' : 'BustTrade',
            closedSize: s(f.size),
          }));
        return { status: 200, body: envelope({ ...result, nextPageCursor: '', list }) };
      }
      case '/v5/position/closed-pnl': {
        const { result } = fixture('bybit_closed_pnl_doc.json');
        const [tpl] = result.list;
        return {
          status: 200,
          body: envelope({
            ...result,
            nextPageCursor: '',
            list: account.forced.map((f) => ({
              ...tpl,
              symbol: `${f.coin}USDT`,
              side: f.side === 'long' ? 'Sell' : 'Buy',
              orderId: `order-${f.id}`,
              closedPnl: s(f.pnl),
              closedSize: s(f.size),
              avgExitPrice: s(f.price),
              execType: f.kind === 'adl' ? 'AdlTrade' : 'BustTrade',
              createdTime: String(f.time),
              updatedTime: String(f.time),
            })),
          }),
        };
      }
    }
    return fail(10001, 'unknown');
  }

  // ---- OKX -------------------------------------------------------------------------------------

  private okx(path: string, rawQuery: string, header: (name: string) => string | undefined): { status: number; body: unknown } {
    const apiKey = header('OK-ACCESS-KEY');
    const fail = (code: string, msg: string) => {
      this.requests.push({ venue: 'okx', path, apiKey, verified: false, error: code });
      return { status: 401, body: { msg, code } };
    };
    const key = this.find('okx', apiKey);
    if (!key || key.revoked) return fail('50111', 'Invalid OK-ACCESS-KEY');
    const timestamp = header('OK-ACCESS-TIMESTAMP') ?? '';
    const expected = createHmac('sha256', key.secret).update(`${timestamp}GET${path}${rawQuery ? `?${rawQuery}` : ''}`).digest('base64');
    if (!same(expected, header('OK-ACCESS-SIGN') ?? '')) return fail('50113', 'Invalid Sign');
    if (header('OK-ACCESS-PASSPHRASE') !== key.passphrase) return fail('50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.');
    const at = Date.parse(timestamp);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(timestamp) || !Number.isFinite(at)) return fail('50112', 'Invalid OK-ACCESS-TIMESTAMP');
    // Requests expire 30 s after their timestamp.
    if (Math.abs(this.now() - at) > 30_000) return fail('50102', 'Timestamp request expired');
    this.requests.push({ venue: 'okx', path, apiKey, verified: true });
    const params = new URLSearchParams(rawQuery);
    const account = key.account;
    const ok = (data: unknown[]) => ({ status: 200, body: { code: '0', msg: '', data } });
    switch (path) {
      case '/api/v5/account/config': {
        const [tpl] = fixture('okx_account_config.json').data;
        return ok([{ ...tpl, perm: key.okx.perm, ip: key.okx.ip }]);
      }
      case '/api/v5/account/positions': {
        const [tpl] = fixture('okx_account_positions_margin_doc.json').data;
        return ok(
          account.positions.map((p) => {
            const instId = `${p.coin}-USDT-SWAP`;
            const contracts = p.size / Number(OKX_CONTRACTS[instId].ctVal);
            const upl = (p.mark - p.entry) * (p.side === 'long' ? p.size : -p.size);
            return {
              ...tpl,
              adl: String(p.adl),
              availPos: s(contracts),
              avgPx: s(p.entry),
              ccy: 'USDT',
              instId,
              instType: 'SWAP',
              lever: s(p.leverage),
              liqPx: p.liq === null ? '' : s(p.liq),
              margin: p.mode === 'isolated' ? s(p.margin ?? (p.size * p.entry) / p.leverage) : '',
              markPx: s(p.mark),
              mgnMode: p.mode,
              notionalUsd: s(p.size * p.mark),
              pos: s(p.side === 'long' ? contracts : -contracts),
              posCcy: '',
              posSide: 'net',
              upl: s(upl),
              uTime: String(this.now()),
            };
          }),
        );
      }
      case '/api/v5/account/balance': {
        const [tpl] = fixture('okx_account_balance_doc.json').data;
        const [usdt] = tpl.details;
        const cross = account.crossEquity ?? account.equity;
        return ok([{ ...tpl, totalEq: s(account.equity), adjEq: '', details: [{ ...usdt, eq: s(cross), isoEq: '0' }] }]);
      }
      case '/api/v5/account/bills': {
        const [tpl] = fixture('okx_account_bills_doc.json').data;
        const type = params.get('type');
        const begin = Number(params.get('begin') ?? 0);
        const end = Number(params.get('end') ?? Number.MAX_SAFE_INTEGER);
        return ok(
          account.forced
            .filter((f) => (type === '9' ? f.kind === 'adl' : type === '5' ? f.kind === 'liquidation' : true))
            .filter((f) => f.time >= begin && f.time <= end)
            .sort((a, b) => b.time - a.time)
            .map((f) => {
              const instId = `${f.coin}-USDT-SWAP`;
              return {
                ...tpl,
                billId: f.id,
                instId,
                instType: 'SWAP',
                mgnMode: 'cross',
                type: f.kind === 'adl' ? '9' : '5',
                // 125/126 ADL close long/short; 104/105 liquidation long/short.
                subType: f.kind === 'adl' ? (f.side === 'long' ? '125' : '126') : f.side === 'long' ? '104' : '105',
                sz: s(f.size / Number(OKX_CONTRACTS[instId].ctVal)),
                px: s(f.price),
                pnl: s(f.pnl),
                fillMarkPx: s(f.mark),
                fillTime: String(f.time),
                ts: String(f.time),
              };
            }),
        );
      }
    }
    return fail('50000', 'unknown');
  }
}

/** What a read-only Binance key reports (every trading, transfer and withdrawal flag off). */
const READ_ONLY_BINANCE = {
  enableReading: true,
  enableWithdrawals: false,
  enableInternalTransfer: false,
  enableMargin: false,
  enableFutures: false,
  permitsUniversalTransfer: false,
  enableVanillaOptions: false,
  enableFixApiTrade: false,
  enableSpotAndMarginTrading: false,
  enablePortfolioMarginTrading: false,
};

/** GET /api/v5/public/instruments?instType=SWAP for the fake's contracts. */
function okxInstruments(): unknown {
  return { code: '0', msg: '', data: Object.entries(OKX_CONTRACTS).map(([instId, c]) => okxSwapInstrument({ instId, ...c })) };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
