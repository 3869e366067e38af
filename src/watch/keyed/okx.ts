import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { VenueHttp } from '../../market/http.ts';
import type { VenueTables } from '../../market/tiers/service.ts';
import type { OkxContract } from '../../streams/okx.ts';
import type { Credentials } from '../keys/keyring.ts';
import { AccountError, type AccountPosition, type AccountState, type FillsPage, type ForcedFill } from '../types.ts';
import { okxAdl } from './adl-indicator.ts';
import { decimal, firstIssue, KeyedClient, millis, optionalDecimal, VenueCodeError, type KeySource, type KeyVerdict, type Permission, type Refusal } from './keyed-client.ts';
import { okxSigned } from './signing.ts';

/**
 * OKX v5 perpetual swaps with a user's read-only key (every call signed, with the passphrase):
 * - key check: `GET /api/v5/account/config` (5 requests / 2 s per user): `perm` must be exactly
 *   `read_only` (a key that can also `trade` or `withdraw` is refused), `ip` the bound addresses;
 * - positions: `GET /api/v5/account/positions?instType=SWAP` (10 / 2 s per user; OKX's own `adl`
 *   0–5 and `liqPx`; sizes in contracts, × ctVal from the public instruments list) and
 *   `GET /api/v5/account/balance` (10 / 2 s): 2 requests per read;
 * - forced closes: `GET /api/v5/account/bills` with `type` 9 (ADL) and 5 (liquidation) (5 / s per
 *   user, the last 7 days), each bill with its price, the mark when filled and its PnL.
 * Every endpoint here needs only the Read permission. Docs: https://www.okx.com/docs-v5/en/
 * (#trading-account-rest-api-get-account-configuration, -get-positions, -get-balance,
 * -get-bills-details-last-7-days).
 */
export const OKX_REQUESTS = { config: 1, positions: 1, balance: 1, bills: 1 } as const;
const BILLS_LIMIT = 100;

const envelope = z.object({ code: z.string(), msg: z.string().optional(), data: z.array(z.unknown()) });

const configSchema = z.object({ perm: z.string(), ip: z.string().optional() });

/** The key's permissions (GET /api/v5/account/config `data[0]`) as a verdict. */
export function okxPermissions(config: unknown): KeyVerdict {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) throw new AccountError(`okx: account config ${firstIssue(parsed.error)}`, 'bad-answer');
  const perms = parsed.data.perm.split(',').map((p) => p.trim()).filter(Boolean);
  const ipRestricted = Boolean(parsed.data.ip?.trim());
  const refused: Permission[] = [];
  for (const perm of perms) {
    if (perm === 'read_only') continue;
    refused.push({ name: perm === 'trade' ? 'Trade' : perm === 'withdraw' ? 'Withdraw' : perm, kind: perm === 'trade' ? 'trade' : perm === 'withdraw' ? 'withdraw' : 'other' });
  }
  if (refused.length > 0) return { ok: false, reason: 'not-read-only', permissions: refused, ipRestricted };
  if (!perms.includes('read_only')) return { ok: false, reason: 'no-read', missing: ['Read'] };
  return { ok: true, ipRestricted, expiresAt: null };
}

const positionSchema = z.object({
  instType: z.string(),
  instId: z.string().min(1),
  pos: decimal,
  posSide: z.enum(['net', 'long', 'short']),
  avgPx: decimal,
  markPx: decimal,
  liqPx: optionalDecimal,
  lever: optionalDecimal,
  mgnMode: z.enum(['cross', 'isolated']),
  margin: optionalDecimal.optional(),
  upl: decimal,
  adl: z.string().regex(/^\d*$/),
  uTime: millis.optional(),
});
const balanceSchema = z.object({
  totalEq: decimal,
  adjEq: optionalDecimal.optional(),
  details: z.array(z.object({ ccy: z.string(), eq: optionalDecimal, isoEq: optionalDecimal.optional() })).optional(),
});

/** `BTC-USDT-SWAP` → `BTC`. */
const coinOf = (instId: string) => instId.split('-')[0];

/**
 * Swap positions and the balance as one AccountState. `contractOf` gives each instrument's contract
 * value (linear: coins per contract; inverse: USD per contract).
 */
export function parseOkxAccount(account: string, positions: unknown[], balance: unknown, contractOf: (instId: string) => OkxContract | undefined, now: number): AccountState {
  const out: AccountPosition[] = [];
  for (const item of positions) {
    const parsed = positionSchema.safeParse(item);
    // A position we cannot read would be a position we silently stop guarding: refuse the whole answer.
    if (!parsed.success) throw new AccountError(`okx: position ${firstIssue(parsed.error)}`, 'bad-answer');
    const p = parsed.data;
    if (p.instType !== 'SWAP' || p.pos.isZero()) continue;
    const contract = contractOf(p.instId);
    if (!contract) throw new AccountError(`okx: contract value of ${p.instId} not known yet`, 'unavailable');
    const ctVal = new Decimal(String(contract.ctVal));
    // Linear: contracts × coins per contract; inverse: contracts × USD per contract at the mark.
    const size = contract.ctType === 'linear' ? p.pos.abs().times(ctVal) : p.pos.abs().times(ctVal).div(p.markPx);
    const side = p.posSide === 'long' ? 'long' : p.posSide === 'short' ? 'short' : p.pos.isNegative() ? 'short' : 'long';
    const isolated = p.mgnMode === 'isolated';
    out.push({
      coin: coinOf(p.instId),
      instrument: p.instId,
      side,
      size,
      entryPrice: p.avgPx,
      markPrice: p.markPx,
      liquidationPrice: p.liqPx && p.liqPx.gt(0) ? p.liqPx : null,
      leverage: p.lever ?? new Decimal(0),
      marginMode: isolated ? 'isolated' : 'cross',
      isolatedMargin: isolated ? (p.margin ?? null) : null,
      unrealizedPnl: p.upl,
      positionValue: size.times(p.markPx),
      venueAdl: p.adl === '' ? null : okxAdl(Number(p.adl)),
    });
  }
  const parsedBalance = balanceSchema.safeParse(balance);
  if (!parsedBalance.success) throw new AccountError(`okx: balance ${firstIssue(parsedBalance.error)}`, 'bad-answer');
  const b = parsedBalance.data;
  // Multi-currency and portfolio margin give the adjusted equity behind cross positions; single-currency
  // (futures) mode gives it per currency: USDT equity less what isolated positions hold.
  const usdt = b.details?.find((d) => d.ccy === 'USDT');
  const cross = b.adjEq ?? (usdt?.eq ? usdt.eq.minus(usdt.isoEq ?? 0) : b.totalEq);
  return { venue: 'okx', account, time: now, accountValue: b.totalEq, crossAccountValue: cross, positions: out };
}

const billSchema = z.object({
  billId: z.string().min(1),
  type: z.string(),
  subType: z.string(),
  instId: z.string(),
  sz: decimal,
  px: decimal,
  pnl: optionalDecimal,
  fillMarkPx: optionalDecimal.optional(),
  ts: millis,
  fillTime: z.union([z.literal(''), millis]).optional(),
});

/** Which side a bill closed: OKX's bill subtypes for liquidation (type 5) and ADL (type 9). */
const SUBTYPE_SIDE: Record<string, 'long' | 'short'> = {
  // 100/101 partial liquidation close long/short, 102/103 partial liquidation buy/sell (net mode), 104–107 full.
  '100': 'long',
  '101': 'short',
  '102': 'short',
  '103': 'long',
  '104': 'long',
  '105': 'short',
  '106': 'short',
  '107': 'long',
  // 125/126 ADL close long/short, 127/128 ADL buy/sell (net mode).
  '125': 'long',
  '126': 'short',
  '127': 'short',
  '128': 'long',
};

/** Bills of type 9 (ADL) and 5 (liquidation) as forced fills; transfers (110, 111) and other types are not closes. */
export function parseOkxBills(data: unknown[], contractOf: (instId: string) => OkxContract | undefined): ForcedFill[] {
  const fills: ForcedFill[] = [];
  for (const item of data) {
    const parsed = billSchema.safeParse(item);
    if (!parsed.success) throw new AccountError(`okx: bill ${firstIssue(parsed.error)}`, 'bad-answer');
    const b = parsed.data;
    const kind = b.type === '9' ? 'adl' : b.type === '5' ? 'liquidation' : null;
    const side = SUBTYPE_SIDE[b.subType];
    if (!kind || !side || !b.instId.endsWith('-SWAP')) continue;
    const contract = contractOf(b.instId);
    if (!contract) throw new AccountError(`okx: contract value of ${b.instId} not known yet`, 'unavailable');
    const ctVal = new Decimal(String(contract.ctVal));
    fills.push({
      id: b.billId,
      kind,
      coin: coinOf(b.instId),
      side,
      size: contract.ctType === 'linear' ? b.sz.times(ctVal) : b.sz.times(ctVal).div(b.px),
      price: b.px,
      markPrice: b.fillMarkPx ?? null,
      closedPnl: b.pnl,
      time: typeof b.fillTime === 'number' ? b.fillTime : b.ts,
      method: null,
    });
  }
  return fills;
}

/** The contract values OKX lists (src/streams/okx-contracts.ts keeps them fresh). */
export interface OkxContractSource {
  get(instId: string): OkxContract | undefined;
  refresh(force?: boolean): Promise<void>;
}

export class OkxKeyedClient extends KeyedClient {
  readonly venue = 'okx' as const;
  readonly cost = { account: OKX_REQUESTS.positions + OKX_REQUESTS.balance, fills: 2 * OKX_REQUESTS.bills };

  constructor(
    http: VenueHttp,
    keys: KeySource,
    private readonly contracts: OkxContractSource,
    tables?: VenueTables,
  ) {
    super(http, keys, tables);
  }

  async verify(credentials: Credentials): Promise<KeyVerdict> {
    try {
      const [config] = await this.call(credentials, '/api/v5/account/config', {});
      return okxPermissions(config);
    } catch (error) {
      if (error instanceof AccountError) throw this.accountError(error, credentials);
      return this.verdictFor(error);
    }
  }

  protected async readAccount(credentials: Credentials, account: string): Promise<AccountState> {
    const [positions, balance] = await Promise.all([
      this.call(credentials, '/api/v5/account/positions', { instType: 'SWAP' }),
      this.call(credentials, '/api/v5/account/balance', {}),
      this.contracts.refresh(),
    ]);
    if (positions.some((p) => !this.contracts.get(String((p as { instId?: unknown })?.instId)))) await this.contracts.refresh(true);
    return parseOkxAccount(account, positions, balance[0], (id) => this.contracts.get(id), this.http.clock.now());
  }

  protected async readFills(credentials: Credentials, _account: string, from: number, to: number): Promise<FillsPage> {
    const range = { instType: 'SWAP', begin: String(Math.floor(from)), end: String(Math.floor(to)), limit: String(BILLS_LIMIT) };
    const [adl, liquidations] = await Promise.all([
      this.call(credentials, '/api/v5/account/bills', { ...range, type: '9' }),
      this.call(credentials, '/api/v5/account/bills', { ...range, type: '5' }),
      this.contracts.refresh(),
    ]);
    const fills = parseOkxBills([...adl, ...liquidations], (id) => this.contracts.get(id)).sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
    const newestTime = fills.length ? Math.max(...fills.map((f) => f.time)) : null;
    return { fills, count: adl.length + liquidations.length, newestTime, truncated: adl.length >= BILLS_LIMIT || liquidations.length >= BILLS_LIMIT };
  }

  /**
   * OKX error codes (https://www.okx.com/docs-v5/en/#error-code-rest-api): 50100 key frozen, 50105
   * wrong passphrase, 50110 IP not bound to the key, 50111 invalid key, 50113 invalid signature
   * (secret), 50114 invalid authorization, 50119 key does not exist: not accepted. 50120 the key
   * lacks the permission. 50102 / 50112 timestamp expired or invalid (our clock), 50011 / 50061
   * rate limits: passing.
   */
  protected refusal(code: string): Refusal {
    if (['50100', '50105', '50110', '50111', '50113', '50114', '50119'].includes(code)) return 'key-rejected';
    if (code === '50120') return 'no-permission';
    if (['50102', '50112', '50011', '50061'].includes(code)) return 'transient';
    return 'other';
  }

  /** One signed GET; OKX answers errors as `code` (HTTP 200 or 401). */
  private async call(credentials: Credentials, path: string, params: Record<string, string>): Promise<unknown[]> {
    const body = await this.http.getSigned(path, () => okxSigned(credentials, path, params, this.http.clock.now()), 1);
    const parsed = envelope.safeParse(body);
    if (!parsed.success) throw new AccountError(`okx: ${path} answered no envelope`, 'bad-answer');
    if (parsed.data.code !== '0') throw new VenueCodeError('okx', parsed.data.code, parsed.data.msg ?? '');
    return parsed.data.data;
  }
}
