import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { VenueHttp } from '../../market/http.ts';
import type { VenueTables } from '../../market/tiers/service.ts';
import type { Credentials } from '../keys/keyring.ts';
import { AccountError, type AccountPosition, type AccountState, type FillsPage, type ForcedFill } from '../types.ts';
import { bybitAdl } from './adl-indicator.ts';
import { baseOf, decimal, firstIssue, KeyedClient, millis, optionalDecimal, VenueCodeError, type KeySource, type KeyVerdict, type Permission, type Refusal } from './keyed-client.ts';
import { bybitSigned } from './signing.ts';

/**
 * Bybit v5 (USDT-settled linear perpetuals) with a user's read-only key, every call signed:
 * - key check: `GET /v5/user/query-api` ("any permission can access"): `readOnly` 1, and no
 *   transfer or withdrawal entry (a read-only key can still list `Wallet: AccountTransfer`);
 * - positions: `GET /v5/position/list?category=linear&settleCoin=USDT` (Bybit's own
 *   `adlRankIndicator` 1–5 and `liqPrice` per position) and `GET /v5/account/wallet-balance` (the
 *   account's equity and margin balance): 2 requests per read;
 * - forced closes: `GET /v5/execution/list` with `execType` `AdlTrade` and `BustTrade` (2
 *   requests, each execution with the mark at that moment), and for new ones
 *   `GET /v5/position/closed-pnl` for the realized PnL of their orders.
 * Limits: 600 requests per 5 s per IP; 50 per second per UID on the position list
 * (https://bybit-exchange.github.io/docs/v5/rate-limit). Docs: https://bybit-exchange.github.io/docs/v5/
 * (user/apikey-info, position, account/wallet-balance, order/execution, position/close-pnl).
 */
export const BYBIT_REQUESTS = { positions: 1, wallet: 1, executions: 1, closedPnl: 1, queryApi: 1 } as const;
/** execution/list answers at most this many per page; the closed-pnl page holds up to 200. */
const PAGE = 100;
/** execution/list and closed-pnl take ranges of at most 7 days. */
const RANGE_DAYS = 7;

const envelope = z.object({ retCode: z.number().int(), retMsg: z.string().optional(), result: z.unknown() });

const queryApiSchema = z.object({
  readOnly: z.number().int(),
  permissions: z.record(z.string(), z.array(z.string())),
  ips: z.array(z.string()).optional(),
  deadlineDay: z.number().int().optional(),
  expiredAt: z.string().optional(),
});

/** The key's permissions (GET /v5/user/query-api `result`) as a verdict. */
export function bybitPermissions(result: unknown, now: number): KeyVerdict {
  const parsed = queryApiSchema.safeParse(result);
  if (!parsed.success) throw new AccountError(`bybit: query-api ${firstIssue(parsed.error)}`, 'bad-answer');
  const { readOnly, permissions, ips = [] } = parsed.data;
  const ipRestricted = ips.length > 0 && !ips.includes('*');
  const refused: Permission[] = [];
  if (readOnly !== 1) refused.push({ name: 'Read-Write (choose Read-Only)', kind: 'trade' });
  // A read-only key may still carry transfer or withdrawal rights in its Wallet group (Bybit's own example does).
  for (const [group, entries] of Object.entries(permissions)) {
    for (const entry of entries) {
      if (/withdraw/i.test(entry)) refused.push({ name: `${group}: ${entry}`, kind: 'withdraw' });
      else if (/transfer/i.test(entry)) refused.push({ name: `${group}: ${entry}`, kind: 'transfer' });
    }
  }
  if (refused.length > 0) return { ok: false, reason: 'not-read-only', permissions: refused, ipRestricted };
  const expires = parsed.data.expiredAt ? Date.parse(parsed.data.expiredAt) : NaN;
  return { ok: true, ipRestricted, expiresAt: Number.isFinite(expires) && expires > now ? expires : null };
}

const positionSchema = z.object({
  symbol: z.string().min(1),
  side: z.enum(['Buy', 'Sell', '']),
  size: decimal,
  avgPrice: decimal,
  markPrice: decimal,
  liqPrice: optionalDecimal,
  leverage: optionalDecimal,
  tradeMode: z.number().int().optional(),
  positionBalance: optionalDecimal.optional(),
  positionIM: optionalDecimal.optional(),
  unrealisedPnl: decimal,
  adlRankIndicator: z.number().int(),
  updatedTime: millis.optional(),
});
const positionListSchema = z.object({ list: z.array(z.unknown()), nextPageCursor: z.string().optional() });
const walletSchema = z.object({
  list: z.array(
    z.object({
      totalEquity: optionalDecimal,
      totalMarginBalance: optionalDecimal,
      coin: z.array(z.object({ coin: z.string(), equity: optionalDecimal, usdValue: optionalDecimal })).optional(),
    }),
  ),
});

/** Linear positions (position/list `result`s, all pages) and the wallet as one AccountState. */
export function parseBybitAccount(account: string, positionPages: unknown[], wallet: unknown, now: number): AccountState {
  const positions: AccountPosition[] = [];
  for (const page of positionPages) {
    const parsedPage = positionListSchema.safeParse(page);
    if (!parsedPage.success) throw new AccountError(`bybit: position list ${firstIssue(parsedPage.error)}`, 'bad-answer');
    for (const item of parsedPage.data.list) {
      const parsed = positionSchema.safeParse(item);
      // A position we cannot read would be a position we silently stop guarding: refuse the whole answer.
      if (!parsed.success) throw new AccountError(`bybit: position ${firstIssue(parsed.error)}`, 'bad-answer');
      const p = parsed.data;
      if (p.side === '' || p.size.isZero()) continue;
      const isolated = p.tradeMode === 1;
      const margin = p.positionBalance && p.positionBalance.gt(0) ? p.positionBalance : p.positionIM ?? null;
      positions.push({
        coin: baseOf(p.symbol),
        instrument: p.symbol,
        side: p.side === 'Buy' ? 'long' : 'short',
        size: p.size,
        entryPrice: p.avgPrice,
        markPrice: p.markPrice,
        liquidationPrice: p.liqPrice && p.liqPrice.gt(0) ? p.liqPrice : null,
        leverage: p.leverage ?? new Decimal(0),
        marginMode: isolated ? 'isolated' : 'cross',
        isolatedMargin: isolated ? margin : null,
        unrealizedPnl: p.unrealisedPnl,
        positionValue: p.size.times(p.markPrice),
        venueAdl: bybitAdl(p.adlRankIndicator),
      });
    }
  }
  const parsedWallet = walletSchema.safeParse(wallet);
  if (!parsedWallet.success || parsedWallet.data.list.length === 0) throw new AccountError('bybit: wallet-balance answered no account', 'bad-answer');
  const [first] = parsedWallet.data.list;
  // Unified accounts give totals; a classic account gives them as "": its coins' USD values then.
  const coinsUsd = (first.coin ?? []).reduce((sum, c) => sum.plus(c.usdValue ?? 0), new Decimal(0));
  const accountValue = first.totalEquity ?? coinsUsd;
  return { venue: 'bybit', account, time: now, accountValue, crossAccountValue: first.totalMarginBalance ?? accountValue, positions };
}

const executionSchema = z.object({
  symbol: z.string(),
  orderId: z.string(),
  side: z.enum(['Buy', 'Sell']),
  execId: z.string().min(1),
  execPrice: decimal,
  execQty: decimal,
  execType: z.string(),
  execTime: millis,
  markPrice: optionalDecimal,
});
const executionListSchema = z.object({ list: z.array(z.unknown()), nextPageCursor: z.string().optional() });
const closedPnlSchema = z.object({ list: z.array(z.object({ orderId: z.string(), closedPnl: decimal })) });

/** Executions of type AdlTrade / BustTrade as forced fills; `pnlByOrder` gives each order's realized PnL (on its first fill). */
export function parseBybitExecutions(result: unknown, pnlByOrder: ReadonlyMap<string, Decimal> = new Map()): { fills: ForcedFill[]; count: number; more: boolean } {
  const page = executionListSchema.safeParse(result);
  if (!page.success) throw new AccountError(`bybit: execution list ${firstIssue(page.error)}`, 'bad-answer');
  const fills: ForcedFill[] = [];
  const pnlGiven = new Set<string>();
  for (const item of page.data.list) {
    const parsed = executionSchema.safeParse(item);
    if (!parsed.success) throw new AccountError(`bybit: execution ${firstIssue(parsed.error)}`, 'bad-answer');
    const e = parsed.data;
    const kind = e.execType === 'AdlTrade' ? 'adl' : e.execType === 'BustTrade' ? 'liquidation' : null;
    if (!kind) continue;
    const pnl = pnlByOrder.get(e.orderId);
    const first = pnl !== undefined && !pnlGiven.has(e.orderId);
    if (first) pnlGiven.add(e.orderId);
    fills.push({
      id: e.execId,
      kind,
      coin: baseOf(e.symbol),
      // The closing order's side: a Sell closes a long.
      side: e.side === 'Sell' ? 'long' : 'short',
      size: e.execQty,
      price: e.execPrice,
      markPrice: e.markPrice,
      // The order's realized PnL once (on its first execution); unknown when the order has no closed-pnl record.
      closedPnl: pnl === undefined ? null : first ? pnl : new Decimal(0),
      time: e.execTime,
      method: null,
    });
  }
  return { fills, count: page.data.list.length, more: Boolean(page.data.nextPageCursor) };
}

export class BybitKeyedClient extends KeyedClient {
  readonly venue = 'bybit' as const;
  readonly cost = { account: BYBIT_REQUESTS.positions + BYBIT_REQUESTS.wallet, fills: 2 * BYBIT_REQUESTS.executions };

  constructor(http: VenueHttp, keys: KeySource, tables?: VenueTables) {
    super(http, keys, tables);
  }

  async verify(credentials: Credentials): Promise<KeyVerdict> {
    let verdict: KeyVerdict;
    try {
      verdict = bybitPermissions(await this.call(credentials, '/v5/user/query-api', {}), this.http.clock.now());
    } catch (error) {
      if (error instanceof AccountError) throw this.accountError(error, credentials);
      return this.verdictFor(error);
    }
    if (!verdict.ok) return verdict;
    try {
      // The key reads contract positions (a read-only key without the contract group answers 10005).
      await this.call(credentials, '/v5/position/list', { category: 'linear', settleCoin: 'USDT', limit: '1' });
    } catch (error) {
      const refused = this.verdictFor(error);
      return !refused.ok && refused.reason === 'no-read' ? { ok: false, reason: 'no-read', missing: ['Contract: Orders & Positions (read)'] } : refused;
    }
    return verdict;
  }

  protected async readAccount(credentials: Credentials, account: string): Promise<AccountState> {
    const pages: unknown[] = [];
    let cursor = '';
    // 200 positions per page; a few pages at most.
    for (let page = 0; page < 3; page++) {
      const result = await this.call(credentials, '/v5/position/list', { category: 'linear', settleCoin: 'USDT', limit: '200', ...(cursor ? { cursor } : {}) });
      pages.push(result);
      cursor = (result as { nextPageCursor?: string })?.nextPageCursor ?? '';
      if (!cursor) break;
    }
    const wallet = await this.call(credentials, '/v5/account/wallet-balance', { accountType: 'UNIFIED' });
    return parseBybitAccount(account, pages, wallet, this.http.clock.now());
  }

  protected async readFills(credentials: Credentials, _account: string, from: number, to: number): Promise<FillsPage> {
    const start = Math.max(Math.floor(from), to - RANGE_DAYS * 86_400_000 + 60_000);
    const range = { category: 'linear', startTime: String(start), endTime: String(Math.floor(to)), limit: String(PAGE) };
    const [adl, bust] = await Promise.all([
      this.call(credentials, '/v5/execution/list', { ...range, execType: 'AdlTrade' }),
      this.call(credentials, '/v5/execution/list', { ...range, execType: 'BustTrade' }),
    ]);
    const first = [parseBybitExecutions(adl), parseBybitExecutions(bust)];
    let pnlByOrder = new Map<string, Decimal>();
    if (first.some((p) => p.fills.length > 0)) {
      const closed = closedPnlSchema.safeParse(await this.call(credentials, '/v5/position/closed-pnl', { category: 'linear', startTime: String(start), endTime: String(Math.floor(to)), limit: '200' }));
      if (closed.success) pnlByOrder = new Map(closed.data.list.map((r) => [r.orderId, r.closedPnl]));
    }
    const pages = [parseBybitExecutions(adl, pnlByOrder), parseBybitExecutions(bust, pnlByOrder)];
    const fills = pages.flatMap((p) => p.fills).sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
    const newestTime = fills.length ? Math.max(...fills.map((f) => f.time)) : null;
    return { fills, count: pages.reduce((n, p) => n + p.count, 0), newestTime, truncated: pages.some((p) => p.more) };
  }

  /**
   * Bybit error codes (https://bybit-exchange.github.io/docs/v5/error): 10003 invalid key, 10004
   * wrong signature (secret), 10010 IP not bound to the key, 33004 key expired: not accepted.
   * 10005 permission denied. 10002 outside the receive window (our clock), 10006 / 10018 rate
   * limits: passing.
   */
  protected refusal(code: string): Refusal {
    if (code === '10003' || code === '10004' || code === '10010' || code === '33004') return 'key-rejected';
    if (code === '10005') return 'no-permission';
    if (code === '10002' || code === '10006' || code === '10018') return 'transient';
    return 'other';
  }

  /** One signed GET; Bybit answers errors as `retCode` (often with HTTP 200). */
  private async call(credentials: Credentials, path: string, params: Record<string, string>): Promise<unknown> {
    const body = await this.http.getSigned(path, () => bybitSigned(credentials, params, this.http.clock.now()), 1);
    const parsed = envelope.safeParse(body);
    if (!parsed.success) throw new AccountError(`bybit: ${path} answered no envelope`, 'bad-answer');
    if (parsed.data.retCode !== 0) throw new VenueCodeError('bybit', String(parsed.data.retCode), parsed.data.retMsg ?? '');
    return parsed.data.result;
  }
}
