import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { TierTable } from '../../core/tier-table.ts';
import type { VenueHttp } from '../../market/http.ts';
import { parseBinanceBrackets } from '../../market/tiers/binance.ts';
import type { VenueTables } from '../../market/tiers/service.ts';
import type { Credentials } from '../keys/keyring.ts';
import { AccountError, type AccountPosition, type AccountState, type FillsPage, type ForcedFill, type RulesContext } from '../types.ts';
import { binanceAdl } from './adl-indicator.ts';
import { baseOf, decimal, firstIssue, KeyedClient, VenueCodeError, type KeySource, type KeyVerdict, type Permission, type Refusal } from './keyed-client.ts';
import { binanceSigned } from './signing.ts';

/**
 * Binance USDⓈ-M futures with a user's read-only key (every call signed, USER_DATA):
 * - key check: `GET /sapi/v1/account/apiRestrictions` on the spot host (BINANCE_SPOT_BASE_URL), weight 1;
 * - positions: `GET /fapi/v3/positionRisk` (5) with `GET /fapi/v1/adlQuantile` (5, Binance's own
 *   ADL level per side) and `GET /fapi/v3/account` (5, the cross wallet): 15 weight per read;
 * - forced closes: `GET /fapi/v1/forceOrders` (50 without a symbol; liquidation orders carry a
 *   client id `autoclose-…`, ADL orders `adl_autoclose`), and per such order `GET /fapi/v1/userTrades`
 *   (5) for its realized PnL;
 * - brackets: `GET /fapi/v1/leverageBracket?symbol=` (1): they can be adjusted for one account, so
 *   they serve that user only.
 * Docs: https://developers.binance.com/docs/derivatives/usds-margined-futures (Position-Information-V3,
 * Position-ADL-Quantile-Estimation, Account-Information-V3, Users-Force-Orders, Account-Trade-List,
 * Notional-and-Leverage-Brackets); https://developers.binance.com/docs/wallet/account/api-key-permission.
 *
 * Whether a read-only key can read futures at all: Binance's own description of `enableFutures`
 * ("The Futures API cannot be used if the API key was created before the Futures account was
 * opened", and "合约交易权限", futures trading permission, on the Chinese page) ties the futures API
 * to the futures *trading* permission. `verify` therefore asks Binance: after the permission check
 * it reads positions once; Binance refusing that read (-2015) means a read-only key cannot watch
 * Binance, and the key is refused as such rather than asking the user for trading rights.
 */
export const BINANCE_WEIGHTS = { positionRisk: 5, adlQuantile: 5, account: 5, forceOrders: 50, userTrades: 5, leverageBracket: 1, apiRestrictions: 1 } as const;
/** forceOrders answers at most this many orders. */
const FORCE_ORDERS_LIMIT = 100;
/** forceOrders reaches back 7 days; a start further back is clamped. */
const FORCE_ORDERS_DAYS = 7;
/** Realized PnL is looked up for at most this many new forced orders per read. */
const PNL_LOOKUPS = 10;

const flag = z.boolean().optional();
const restrictionsSchema = z
  .object({
    ipRestrict: z.boolean(),
    enableReading: z.boolean(),
    enableWithdrawals: flag,
    enableInternalTransfer: flag,
    enableMargin: flag,
    enableFutures: flag,
    permitsUniversalTransfer: flag,
    enableVanillaOptions: flag,
    enableFixApiTrade: flag,
    enableFixReadOnly: flag,
    enableSpotAndMarginTrading: flag,
    enablePortfolioMarginTrading: flag,
  })
  .passthrough();

/** Each permission flag that lets a key do more than read, as Binance's API-management page names it. */
const FORBIDDEN: Record<string, Permission> = {
  enableSpotAndMarginTrading: { name: 'Enable Spot & Margin Trading', kind: 'trade' },
  enableFutures: { name: 'Enable Futures', kind: 'trade' },
  enableMargin: { name: 'Enable Margin Loan, Repay & Transfer', kind: 'transfer' },
  enableVanillaOptions: { name: 'Enable European Options', kind: 'trade' },
  enablePortfolioMarginTrading: { name: 'Enable Portfolio Margin Trading', kind: 'trade' },
  enableFixApiTrade: { name: 'FIX API trading', kind: 'trade' },
  enableWithdrawals: { name: 'Enable Withdrawals', kind: 'withdraw' },
  enableInternalTransfer: { name: 'Permits Internal Transfer', kind: 'transfer' },
  permitsUniversalTransfer: { name: 'Permits Universal Transfer', kind: 'transfer' },
};
/** Flags that only read. Any other `enable…`/`permits…` flag set to true is refused too: unknown means not read-only. */
const READ_FLAGS = new Set(['enableReading', 'enableFixReadOnly']);

/** The key's permissions (GET /sapi/v1/account/apiRestrictions) as a verdict; the positions read is separate. */
export function binancePermissions(payload: unknown): KeyVerdict {
  const parsed = restrictionsSchema.safeParse(payload);
  if (!parsed.success) throw new AccountError(`binance: apiRestrictions ${firstIssue(parsed.error)}`, 'bad-answer');
  const data = parsed.data as Record<string, unknown>;
  const ipRestricted = parsed.data.ipRestrict;
  const permissions: Permission[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (value !== true || READ_FLAGS.has(field) || !/^(enable|permits)/.test(field)) continue;
    permissions.push(FORBIDDEN[field] ?? { name: field, kind: 'other' });
  }
  if (permissions.length > 0) return { ok: false, reason: 'not-read-only', permissions, ipRestricted };
  if (!parsed.data.enableReading) return { ok: false, reason: 'no-read', missing: ['Enable Reading'] };
  return { ok: true, ipRestricted, expiresAt: null };
}

const positionSchema = z.object({
  symbol: z.string().min(1),
  positionSide: z.enum(['BOTH', 'LONG', 'SHORT']),
  positionAmt: decimal,
  entryPrice: decimal,
  markPrice: decimal,
  unRealizedProfit: decimal,
  liquidationPrice: decimal,
  isolatedWallet: decimal,
  notional: decimal,
  positionInitialMargin: decimal,
  adl: z.number().int().optional(),
  updateTime: z.number().int().optional(),
});
const quantileSchema = z.array(z.object({ symbol: z.string(), adlQuantile: z.record(z.string(), z.number().int()) }));
const accountSchema = z.object({
  totalMarginBalance: decimal,
  totalCrossWalletBalance: decimal,
  totalCrossUnPnl: decimal,
});

/** Positions, Binance's ADL level per side, and the account's value, as one AccountState. */
export function parseBinanceAccount(account: string, positionRisk: unknown, adlQuantile: unknown, accountInfo: unknown, now: number): AccountState {
  if (!Array.isArray(positionRisk)) throw new AccountError('binance: positionRisk did not answer a list', 'bad-answer');
  const quantiles = quantileSchema.safeParse(adlQuantile);
  if (!quantiles.success) throw new AccountError(`binance: adlQuantile ${firstIssue(quantiles.error)}`, 'bad-answer');
  const info = accountSchema.safeParse(accountInfo);
  if (!info.success) throw new AccountError(`binance: account ${firstIssue(info.error)}`, 'bad-answer');
  const levels = new Map(quantiles.data.map((q) => [q.symbol, q.adlQuantile]));
  const positions: AccountPosition[] = [];
  for (const item of positionRisk) {
    const parsed = positionSchema.safeParse(item);
    // A position we cannot read would be a position we silently stop guarding: refuse the whole answer.
    if (!parsed.success) throw new AccountError(`binance: positionRisk ${firstIssue(parsed.error)}`, 'bad-answer');
    const p = parsed.data;
    if (p.positionAmt.isZero()) continue;
    const side = p.positionSide === 'LONG' ? 'long' : p.positionSide === 'SHORT' ? 'short' : p.positionAmt.isNegative() ? 'short' : 'long';
    const size = p.positionAmt.abs();
    const isolated = p.isolatedWallet.gt(0);
    const level = levels.get(p.symbol);
    // One-way mode: BOTH; hedge mode: the side's own (cross hedge mode shows HEDGE as a flag, LONG and SHORT share one score).
    const raw = level ? (p.positionSide === 'BOTH' ? (level.BOTH ?? level[side.toUpperCase()]) : level[p.positionSide]) : p.adl;
    positions.push({
      coin: baseOf(p.symbol),
      instrument: p.symbol,
      side,
      size,
      entryPrice: p.entryPrice,
      markPrice: p.markPrice,
      liquidationPrice: p.liquidationPrice.gt(0) ? p.liquidationPrice : null,
      // positionRisk v3 gives no leverage field: the initial margin at the mark is notional / leverage.
      leverage: p.positionInitialMargin.gt(0) ? p.notional.abs().div(p.positionInitialMargin).toDecimalPlaces(2) : new Decimal(0),
      marginMode: isolated ? 'isolated' : 'cross',
      isolatedMargin: isolated ? p.isolatedWallet : null,
      unrealizedPnl: p.unRealizedProfit,
      positionValue: size.times(p.markPrice),
      venueAdl: raw === undefined ? null : binanceAdl(raw),
    });
  }
  return {
    venue: 'binance',
    account,
    time: now,
    accountValue: info.data.totalMarginBalance,
    crossAccountValue: info.data.totalCrossWalletBalance.plus(info.data.totalCrossUnPnl),
    positions,
  };
}

const forceOrderSchema = z.object({
  orderId: z.number().int(),
  symbol: z.string(),
  status: z.string(),
  clientOrderId: z.string(),
  avgPrice: decimal,
  executedQty: decimal,
  side: z.enum(['BUY', 'SELL']),
  positionSide: z.enum(['BOTH', 'LONG', 'SHORT']),
  time: z.number().int(),
  updateTime: z.number().int(),
});
export type BinanceForceOrder = z.infer<typeof forceOrderSchema>;

/** The forced orders Binance lists for the account, read; an ADL order's client id is `adl_autoclose`, a liquidation's `autoclose-…`. */
export function parseBinanceForceOrders(payload: unknown): BinanceForceOrder[] {
  if (!Array.isArray(payload)) throw new AccountError('binance: forceOrders did not answer a list', 'bad-answer');
  return payload.map((item) => {
    const parsed = forceOrderSchema.safeParse(item);
    if (!parsed.success) throw new AccountError(`binance: forceOrders ${firstIssue(parsed.error)}`, 'bad-answer');
    return parsed.data;
  });
}

export function forcedFromOrder(order: BinanceForceOrder, closedPnl: Decimal | null): ForcedFill | null {
  const kind = order.clientOrderId === 'adl_autoclose' ? 'adl' : order.clientOrderId.startsWith('autoclose-') ? 'liquidation' : null;
  if (!kind || order.executedQty.lte(0)) return null;
  // The order closes a position: a SELL closes a long (one-way mode), or the hedge side it names.
  const side = order.positionSide === 'LONG' ? 'long' : order.positionSide === 'SHORT' ? 'short' : order.side === 'SELL' ? 'long' : 'short';
  return {
    id: String(order.orderId),
    kind,
    coin: baseOf(order.symbol),
    side,
    size: order.executedQty,
    price: order.avgPrice,
    // Binance's order does not give the mark at that moment.
    markPrice: null,
    closedPnl,
    time: order.updateTime,
    method: null,
  };
}

const tradeSchema = z.array(z.object({ orderId: z.number().int(), realizedPnl: decimal }));

export class BinanceKeyedClient extends KeyedClient {
  readonly venue = 'binance' as const;
  readonly cost = { account: BINANCE_WEIGHTS.positionRisk + BINANCE_WEIGHTS.adlQuantile + BINANCE_WEIGHTS.account, fills: BINANCE_WEIGHTS.forceOrders };

  constructor(
    http: VenueHttp,
    /** The spot API host (BINANCE_SPOT_BASE_URL), where the key-permission endpoint is. */
    private readonly spot: VenueHttp,
    keys: KeySource,
    tables?: VenueTables,
    /** The user's own brackets (src/watch/keyed/brackets.ts), before the public lookup order. */
    private readonly accountBrackets?: (account: string, symbol: string) => Promise<TierTable | undefined>,
  ) {
    super(http, keys, tables);
  }

  async verify(credentials: Credentials): Promise<KeyVerdict> {
    let verdict: KeyVerdict;
    try {
      verdict = binancePermissions(await this.call(this.spot, credentials, '/sapi/v1/account/apiRestrictions', {}, BINANCE_WEIGHTS.apiRestrictions));
    } catch (error) {
      if (error instanceof AccountError) throw this.accountError(error, credentials);
      return this.verdictFor(error);
    }
    if (!verdict.ok) return verdict;
    try {
      await this.call(this.http, credentials, '/fapi/v3/positionRisk', {}, BINANCE_WEIGHTS.positionRisk);
    } catch (error) {
      const refused = this.verdictFor(error);
      // -2015 on the futures read of a key the permission check just accepted: futures need the trading permission.
      return !refused.ok && (refused.reason === 'rejected' || refused.reason === 'no-read') ? { ok: false, reason: 'positions-need-trading' } : refused;
    }
    return verdict;
  }

  protected async readAccount(credentials: Credentials, account: string): Promise<AccountState> {
    const [positions, quantiles, info] = await Promise.all([
      this.call(this.http, credentials, '/fapi/v3/positionRisk', {}, BINANCE_WEIGHTS.positionRisk),
      this.call(this.http, credentials, '/fapi/v1/adlQuantile', {}, BINANCE_WEIGHTS.adlQuantile),
      this.call(this.http, credentials, '/fapi/v3/account', {}, BINANCE_WEIGHTS.account),
    ]);
    return parseBinanceAccount(account, positions, quantiles, info, this.http.clock.now());
  }

  protected async readFills(credentials: Credentials, _account: string, from: number, to: number): Promise<FillsPage> {
    const start = Math.max(Math.floor(from), to - FORCE_ORDERS_DAYS * 86_400_000 + 60_000);
    const orders = parseBinanceForceOrders(
      await this.call(this.http, credentials, '/fapi/v1/forceOrders', { startTime: String(start), endTime: String(Math.floor(to)), limit: String(FORCE_ORDERS_LIMIT) }, BINANCE_WEIGHTS.forceOrders),
    );
    const fills: ForcedFill[] = [];
    let lookups = 0;
    for (const order of orders.sort((a, b) => a.updateTime - b.updateTime)) {
      let pnl: Decimal | null = null;
      if (lookups < PNL_LOOKUPS && order.executedQty.gt(0)) {
        lookups++;
        const trades = tradeSchema.safeParse(
          await this.call(this.http, credentials, '/fapi/v1/userTrades', { symbol: order.symbol, orderId: String(order.orderId) }, BINANCE_WEIGHTS.userTrades),
        );
        if (trades.success && trades.data.length > 0) pnl = trades.data.reduce((sum, t) => sum.plus(t.realizedPnl), new Decimal(0));
      }
      const fill = forcedFromOrder(order, pnl);
      if (fill) fills.push(fill);
    }
    const newestTime = orders.length ? Math.max(...orders.map((o) => o.updateTime)) : null;
    return { fills, count: orders.length, newestTime, truncated: orders.length >= FORCE_ORDERS_LIMIT };
  }

  override async rulesFor(coin: string, context: RulesContext = {}): Promise<TierTable | undefined> {
    if (context.account && this.accountBrackets) {
      const own = await this.accountBrackets(context.account, `${coin}USDT`).catch(() => undefined);
      if (own) return own;
    }
    return super.rulesFor(coin, context);
  }

  /** The account's brackets for one symbol, read with its key. */
  async brackets(credentials: Credentials, symbol: string): Promise<TierTable> {
    const payload = await this.call(this.http, credentials, '/fapi/v1/leverageBracket', { symbol }, BINANCE_WEIGHTS.leverageBracket);
    return { ...parseBinanceBrackets(payload, symbol, new Date(this.http.clock.now()).toISOString()), source: 'account' };
  }

  /**
   * Binance error codes (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code):
   * -2015 invalid key, IP or permissions; -2014 key format invalid; -1022 signature invalid (wrong
   * secret): the key is not accepted. -1021 timestamp outside recvWindow (our clock) and -1003 too
   * many requests pass.
   */
  protected refusal(code: string): Refusal {
    if (code === '-2015' || code === '-2014' || code === '-1022') return 'key-rejected';
    if (code === '-1021' || code === '-1003') return 'transient';
    return 'other';
  }

  private async call(http: VenueHttp, credentials: Credentials, path: string, params: Record<string, string>, weight: number): Promise<unknown> {
    const body = await http.getSigned(path, () => binanceSigned(credentials, params, http.clock.now()), weight);
    const { code, msg } = (body ?? {}) as { code?: unknown; msg?: unknown };
    if (typeof code === 'number' && code < 0) throw new VenueCodeError('binance', String(code), typeof msg === 'string' ? msg : '');
    return body;
  }
}
