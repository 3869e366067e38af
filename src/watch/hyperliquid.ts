import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { TierTable } from '../core/tier-table.ts';
import { normaliseSymbol } from '../core/venues.ts';
import { parseHyperliquidMeta } from '../market/tiers/hyperliquid.ts';
import { VenueHttpError, type VenueHttp } from '../market/http.ts';
import { AccountError, type AccountClient, type AccountPosition, type AccountState, type FillKind, type FillsPage, type ForcedFill } from './types.ts';

/**
 * A Hyperliquid account read by address, with no key: POST /info
 * - `clearinghouseState` (weight 2): positions, the venue's liquidation prices, account value;
 * - `userFillsByTime` (weight 20, plus 1 per 20 fills returned, at most 2,000 fills per answer);
 * - `meta` (weight 20, kept an hour): each coin's margin table, for our own liquidation price.
 * Weights: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits ;
 * formats: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint (and /perpetuals).
 * `batchClearinghouseStates` is not in the documentation we could read, so it is not used.
 *
 * Forced fills: a fill carries a `liquidation` object ({liquidatedUser, markPx, method}) when it
 * belongs to a liquidation, on both sides of the trade. The account's own liquidation is the one
 * whose `liquidatedUser` is this address; an ADL fill carries the object of the liquidation it
 * absorbed, with `dir` "Auto-Deleveraging"; any other fill with the object is this account taking
 * the other side of someone's liquidation (an ordinary trade for it). Without the object, `dir`
 * decides ("Auto-Deleveraging", "Liquidated …"). Examples in test/fixtures/exchange/README.md.
 */
export const HYPERLIQUID_WEIGHTS = { clearinghouseState: 2, userFills: 20, meta: 20, perItems: 20 } as const;
/** userFills / userFillsByTime answer with at most this many fills. */
export const HYPERLIQUID_MAX_FILLS = 2000;

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const decimal = z
  .union([z.string().regex(DECIMAL), z.number().finite()])
  .transform((v) => new Decimal(v));

const summary = z.object({ accountValue: decimal });
const positionSchema = z.object({
  coin: z.string().min(1),
  szi: decimal,
  entryPx: decimal,
  leverage: z.object({ type: z.enum(['cross', 'isolated']), value: z.number().positive(), rawUsd: decimal.optional() }),
  liquidationPx: decimal.nullable(),
  marginUsed: decimal,
  positionValue: decimal,
  unrealizedPnl: decimal,
});
const stateSchema = z.object({
  assetPositions: z.array(z.object({ position: z.unknown() })),
  marginSummary: summary,
  crossMarginSummary: summary,
  time: z.number().int().positive().optional(),
});

const fillSchema = z.object({
  coin: z.string().min(1),
  px: decimal,
  sz: decimal,
  side: z.enum(['A', 'B']),
  time: z.number().int().nonnegative(),
  startPosition: decimal.optional(),
  dir: z.string(),
  closedPnl: decimal,
  hash: z.string().optional(),
  oid: z.number().optional(),
  tid: z.number().optional(),
  liquidation: z
    .object({ liquidatedUser: z.string().optional(), markPx: decimal.optional(), method: z.string().optional() })
    .optional(),
});
type RawFill = z.infer<typeof fillSchema>;

const metaSchema = z.object({
  universe: z.array(z.object({ name: z.string(), maxLeverage: z.number().int().positive(), marginTableId: z.number().int().optional() }).passthrough()),
  marginTables: z
    .array(z.tuple([z.number().int(), z.object({ marginTiers: z.array(z.object({ lowerBound: decimal, maxLeverage: z.number().int().positive() })) }).passthrough()]))
    .optional(),
});

const ADDRESS = /^0x[0-9a-f]{40}$/;

/** Which forced fill this is for `account`, or null for an ordinary fill. */
export function classifyFill(fill: Pick<RawFill, 'dir' | 'liquidation'>, account: string): FillKind | null {
  const adlDir = /^auto-deleveraging$/i.test(fill.dir.trim());
  const liquidatedDir = /^liquidated\b/i.test(fill.dir.trim());
  const liquidation = fill.liquidation;
  if (liquidation) {
    const victim = liquidation.liquidatedUser?.toLowerCase();
    if (victim === account.toLowerCase()) return 'liquidation';
    if (adlDir) return 'adl';
    // Someone else's liquidation: this account was on the other side of it.
    return victim === undefined && liquidatedDir ? 'liquidation' : null;
  }
  if (adlDir) return 'adl';
  if (liquidatedDir) return 'liquidation';
  return null;
}

/** Perpetual coins only: spot pairs appear in fills as `@107` or `PURR/USDC`. */
const isPerp = (coin: string) => !coin.startsWith('@') && !coin.includes('/');

export function forcedFill(raw: RawFill, account: string): ForcedFill | null {
  if (!isPerp(raw.coin)) return null;
  const kind = classifyFill(raw, account);
  if (!kind) return null;
  // The position before the fill says what was closed; without it, a sell closes a long.
  const side = raw.startPosition ? (raw.startPosition.isNegative() ? 'short' : 'long') : raw.side === 'A' ? 'long' : 'short';
  // Trade ids are not unique on their own (a hash of the two order ids): coin and time make them so.
  const id = `${raw.time}:${raw.coin}:${raw.tid ?? `${raw.hash ?? ''}:${raw.oid ?? ''}:${raw.sz.toString()}@${raw.px.toString()}`}`;
  return {
    id,
    kind,
    coin: raw.coin,
    side,
    size: raw.sz.abs(),
    price: raw.px,
    markPrice: raw.liquidation?.markPx ?? null,
    closedPnl: raw.closedPnl,
    time: raw.time,
    method: raw.liquidation?.method ?? null,
  };
}

export interface HyperliquidAccountOptions {
  /** How long the margin tables are kept before `meta` is read again (default 1 h). */
  metaMaxAgeMs?: number;
}

export class HyperliquidAccountClient implements AccountClient {
  readonly venue = 'hyperliquid' as const;
  readonly cost = { account: HYPERLIQUID_WEIGHTS.clearinghouseState, fills: HYPERLIQUID_WEIGHTS.userFills };
  private meta: { at: number; payload: unknown; tables: Map<string, TierTable | undefined> } | undefined;
  private metaLoading: Promise<void> | undefined;
  private readonly metaMaxAgeMs: number;

  constructor(
    readonly http: VenueHttp,
    options: HyperliquidAccountOptions = {},
  ) {
    this.metaMaxAgeMs = options.metaMaxAgeMs ?? 3_600_000;
  }

  async account(account: string): Promise<AccountState> {
    const user = checkedAddress(account);
    const body = await this.post({ type: 'clearinghouseState', user }, HYPERLIQUID_WEIGHTS.clearinghouseState);
    const parsed = stateSchema.safeParse(body);
    if (!parsed.success) throw new AccountError('hyperliquid: unexpected clearinghouseState shape', 'bad-answer');
    const positions: AccountPosition[] = [];
    for (const item of parsed.data.assetPositions) {
      const p = positionSchema.safeParse(item.position);
      // A position we cannot read would be a position we silently stop guarding: refuse the whole answer.
      if (!p.success) throw new AccountError(`hyperliquid: unreadable position ${JSON.stringify((item.position as { coin?: unknown })?.coin ?? '?')}`, 'bad-answer');
      const position = p.data;
      if (position.szi.isZero()) continue;
      const size = position.szi.abs();
      const side = position.szi.isNegative() ? 'short' : 'long';
      const isolated = position.leverage.type === 'isolated';
      positions.push({
        coin: position.coin,
        side,
        size,
        entryPrice: position.entryPx,
        // positionValue is size × mark (the venue's own mark).
        markPrice: position.positionValue.div(size),
        liquidationPrice: position.liquidationPx && position.liquidationPx.gt(0) ? position.liquidationPx : null,
        leverage: new Decimal(position.leverage.value),
        marginMode: isolated ? 'isolated' : 'cross',
        // Isolated: marginUsed is the margin with the unrealised PnL in it (rawUsd + value); what was put up is the rest.
        isolatedMargin: isolated ? position.marginUsed.minus(position.unrealizedPnl) : null,
        unrealizedPnl: position.unrealizedPnl,
        positionValue: position.positionValue,
      });
    }
    return {
      venue: 'hyperliquid',
      account: user,
      time: parsed.data.time ?? this.http.clock.now(),
      accountValue: parsed.data.marginSummary.accountValue,
      crossAccountValue: parsed.data.crossMarginSummary.accountValue,
      positions,
    };
  }

  async fills(account: string, from: number, to?: number): Promise<FillsPage> {
    const user = checkedAddress(account);
    const body = await this.post(
      { type: 'userFillsByTime', user, startTime: Math.max(0, Math.floor(from)), ...(to !== undefined ? { endTime: Math.floor(to) } : {}), aggregateByTime: false },
      HYPERLIQUID_WEIGHTS.userFills,
    );
    if (!Array.isArray(body)) throw new AccountError('hyperliquid: userFillsByTime did not answer a list', 'bad-answer');
    // The venue charges 1 more per 20 fills returned.
    this.http.charge(Math.floor(body.length / HYPERLIQUID_WEIGHTS.perItems));
    const fills: ForcedFill[] = [];
    let newestTime: number | null = null;
    for (const item of body) {
      const raw = fillSchema.safeParse(item);
      if (!raw.success) {
        // An ordinary fill with a field we do not know is harmless; one that may be forced is not.
        const dir: unknown = (item as { dir?: unknown })?.dir;
        if ((item as { liquidation?: unknown })?.liquidation || (typeof dir === 'string' && /deleverag|liquidat/i.test(dir))) {
          throw new AccountError('hyperliquid: unreadable forced fill', 'bad-answer');
        }
        continue;
      }
      newestTime = Math.max(newestTime ?? 0, raw.data.time);
      const forced = forcedFill(raw.data, user);
      if (forced) fills.push(forced);
    }
    fills.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
    return { fills, count: body.length, newestTime, truncated: body.length >= HYPERLIQUID_MAX_FILLS };
  }

  async rulesFor(coin: string): Promise<TierTable | undefined> {
    const now = this.http.clock.now();
    if (!this.meta || now - this.meta.at > this.metaMaxAgeMs) {
      this.metaLoading ??= this.loadMeta().finally(() => {
        this.metaLoading = undefined;
      });
      try {
        await this.metaLoading;
      } catch (error) {
        // Without a fresh table an older one of the same coin still serves; none at all: no estimate.
        if (!this.meta) throw error;
      }
    }
    const meta = this.meta;
    if (!meta) return undefined;
    if (!meta.tables.has(coin)) {
      // The same parser as /liq's tier tables; an asset naming a table the answer does not hold gets no estimate rather than a guess.
      let table: TierTable | undefined;
      try {
        table = parseHyperliquidMeta(meta.payload, coin, normaliseSymbol(coin), new Date(meta.at).toISOString());
      } catch {
        table = undefined;
      }
      meta.tables.set(coin, table);
    }
    return meta.tables.get(coin);
  }

  private async loadMeta(): Promise<void> {
    const body = await this.post({ type: 'meta' }, HYPERLIQUID_WEIGHTS.meta);
    if (!metaSchema.safeParse(body).success) throw new AccountError('hyperliquid: unexpected meta shape', 'bad-answer');
    this.meta = { at: this.http.clock.now(), payload: body, tables: new Map() };
  }

  private async post(body: Record<string, unknown>, weight: number): Promise<unknown> {
    try {
      return await this.http.post('/info', body, weight);
    } catch (error) {
      if (error instanceof VenueHttpError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
        throw new AccountError(`hyperliquid: ${error.message}`, 'refused');
      }
      throw new AccountError(error instanceof Error ? error.message : String(error), 'unavailable');
    }
  }
}

function checkedAddress(account: string): string {
  const address = account.trim().toLowerCase();
  if (!ADDRESS.test(address)) throw new AccountError('hyperliquid: not an address', 'refused');
  return address;
}
