import { Decimal } from 'decimal.js';
import { z } from 'zod';

/**
 * One venue's maintenance-margin tiers for one symbol, as plain data: fetched from the venue
 * (src/market/tiers), stored (src/store), shipped (data/venues) or typed by the user (`mmr=`).
 * The calculators never look a table up themselves: they are handed one, and one symbol's table
 * is never used for another. `account`: the venue's table for one user's account, read with their
 * key (Binance brackets can be adjusted per account).
 */
export type TableSource = 'venue' | 'stored' | 'shipped' | 'user' | 'account';

/**
 * What a tier's floor and cap measure: the position value in USDT/USDC (Binance, Bybit, Hyperliquid,
 * BitMEX, dYdX) or the position size in coins (OKX sizes tiers in contracts; × ctVal gives coins).
 */
export type TierBasis = 'notional' | 'quantity';

/**
 * Which end of a tier owns a boundary value. Binance ("0 < Position ≤ 50,000"), Bybit ("2,000,000 USDT
 * or below"), OKX ("Max. amount (Cont)") and BitMEX (a risk limit is the largest position of a step)
 * close the tier at its cap; Hyperliquid's tiers start at their `lowerBound`.
 */
export type TierBounds = 'cap-inclusive' | 'floor-inclusive';

/** MM = value × MMR − amount (tax brackets), or the tier's MMR on the whole value with no amount. */
export type MaintenanceModel = 'tiered-deduction' | 'whole-position';

export interface Tier {
  /** 1-based, as venues number them. */
  index: number;
  floor: Decimal;
  /** null: no upper bound. */
  cap: Decimal | null;
  /** null when unknown (a table typed by the user). */
  maxLeverage: Decimal | null;
  mmr: Decimal;
  /** Binance "cum", Bybit "mmDeduction", Hyperliquid "maintenance deduction": MM = value × MMR − amount. */
  maintenanceAmount: Decimal;
}

/** How many coins one contract is, where the venue sizes positions in contracts (OKX ctVal, BitMEX multiplier). */
export interface ContractSpec {
  /** The venue's instrument name (`BTC-USDT-SWAP`, `XBTUSDT`). */
  instrument: string;
  /** Coins per contract. */
  size: Decimal;
  /** Smallest step of an order, in contracts. */
  lotSize?: Decimal;
  url: string;
  fetchedAt?: string;
  publishedAt?: string;
}

export interface TierTable {
  venue: string;
  /** Normalised symbol (`BTCUSDT`); the venue's own instrument name is in `instrument`. */
  symbol: string;
  instrument: string;
  source: TableSource;
  basis: TierBasis;
  bounds: TierBounds;
  maintenanceModel: MaintenanceModel;
  tiers: Tier[];
  /** The endpoint or page the tiers were read from. */
  url: string;
  /** When the venue dated the table (announcement or effective date), ISO yyyy-mm-dd. */
  publishedAt?: string;
  /** When we read it (fetch time, or the day a shipped copy was read), ISO. */
  fetchedAt?: string;
}

const decimalText = z.union([z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'decimal string'), z.number().finite()]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'ISO date');

const tierJsonSchema = z.object({
  floor: decimalText,
  cap: decimalText.nullable(),
  maxLeverage: decimalText.nullable(),
  mmr: decimalText,
  maintenanceAmount: decimalText,
});

/** The JSON form of a table: what data/venues ships and what the store keeps. */
export const tierTableJsonSchema = z.object({
  venue: z.string().min(1),
  symbol: z.string().regex(/^[A-Z0-9]{2,30}$/),
  instrument: z.string().min(1),
  source: z.enum(['venue', 'stored', 'shipped', 'user', 'account']),
  basis: z.enum(['notional', 'quantity']),
  bounds: z.enum(['cap-inclusive', 'floor-inclusive']),
  maintenanceModel: z.enum(['tiered-deduction', 'whole-position']),
  tiers: z.array(tierJsonSchema).min(1).max(200),
  url: z.string().url(),
  publishedAt: isoDate.optional(),
  fetchedAt: isoDate.optional(),
});
export type TierTableJson = z.input<typeof tierTableJsonSchema>;

export const contractJsonSchema = z.object({
  instrument: z.string().min(1),
  size: decimalText,
  lotSize: decimalText.optional(),
  url: z.string().url(),
  fetchedAt: isoDate.optional(),
  publishedAt: isoDate.optional(),
});
export type ContractJson = z.input<typeof contractJsonSchema>;

/** A table that failed validation: the reason is shown to the user when we fall back. */
export class TierTableError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'TierTableError';
  }
}

const TOLERANCE = new Decimal('1e-6');

/**
 * Problems that make a table unusable, in plain English (empty when the table is sound): tiers must be
 * contiguous and rising, MMR positive, below 100% and never falling, leverage never rising, maintenance
 * below initial margin, and for tiered-deduction tables every amount must follow
 * amount_n = floor_n × (mmr_n − mmr_{n−1}) + amount_{n−1} (Binance cum, Bybit mmDeduction, Hyperliquid deduction).
 */
export function tierTableProblems(table: Pick<TierTable, 'tiers' | 'maintenanceModel'>): string[] {
  const problems: string[] = [];
  const tiers = table.tiers;
  if (tiers.length === 0) return ['no tiers'];
  if (!tiers[0].floor.isZero()) problems.push(`tier 1 starts at ${tiers[0].floor}, not 0`);
  tiers.forEach((tier, i) => {
    const n = i + 1;
    if (tier.mmr.lte(0) || tier.mmr.gte(1)) problems.push(`tier ${n}: MMR ${tier.mmr} is not between 0 and 1`);
    if (tier.cap !== null && tier.cap.lte(tier.floor)) problems.push(`tier ${n}: cap ${tier.cap} is not above its floor ${tier.floor}`);
    if (tier.cap === null && i < tiers.length - 1) problems.push(`tier ${n} has no cap but is not the last`);
    if (tier.maxLeverage !== null) {
      if (tier.maxLeverage.lt(1)) problems.push(`tier ${n}: max leverage ${tier.maxLeverage} below 1`);
      // Maintenance must sit below initial margin, or a position is liquidated the moment it opens.
      else if (tier.mmr.gte(new Decimal(1).div(tier.maxLeverage))) problems.push(`tier ${n}: MMR ${tier.mmr} is not below the initial margin 1/${tier.maxLeverage}`);
    }
    if (i === 0) {
      if (!tier.maintenanceAmount.isZero()) problems.push(`tier 1: maintenance amount ${tier.maintenanceAmount} should be 0`);
      return;
    }
    const previous = tiers[i - 1];
    if (previous.cap === null || !previous.cap.eq(tier.floor)) problems.push(`tier ${n} starts at ${tier.floor}, not at tier ${n - 1}'s cap ${previous.cap}`);
    if (tier.mmr.lt(previous.mmr)) problems.push(`tier ${n}: MMR falls from ${previous.mmr} to ${tier.mmr}`);
    if (tier.maxLeverage !== null && previous.maxLeverage !== null && tier.maxLeverage.gt(previous.maxLeverage)) {
      problems.push(`tier ${n}: max leverage rises from ${previous.maxLeverage} to ${tier.maxLeverage}`);
    }
    if (table.maintenanceModel === 'tiered-deduction') {
      const expected = nextMaintenanceAmount(tier.floor, tier.mmr, previous.mmr, previous.maintenanceAmount);
      if (expected.minus(tier.maintenanceAmount).abs().gt(TOLERANCE.times(Decimal.max(1, expected.abs())))) {
        problems.push(`tier ${n}: maintenance amount ${tier.maintenanceAmount} breaks the recursion (expected ${expected})`);
      }
    } else if (!tier.maintenanceAmount.isZero()) {
      problems.push(`tier ${n}: a whole-position table has no maintenance amount (got ${tier.maintenanceAmount})`);
    }
  });
  return problems;
}

/** Maintenance amount of tier n from tier n−1: amount_n = floor_n × (mmr_n − mmr_{n−1}) + amount_{n−1}. */
export function nextMaintenanceAmount(floor: Decimal.Value, mmr: Decimal.Value, previousMmr: Decimal.Value, previousAmount: Decimal.Value): Decimal {
  return new Decimal(floor).times(new Decimal(mmr).minus(previousMmr)).plus(previousAmount);
}

/**
 * Amounts for a tiered-deduction table whose venue publishes only rates (Hyperliquid): the
 * recursion from 0, so the maintenance margin stays continuous across tiers.
 */
export function withRecursiveAmounts(tiers: ReadonlyArray<Omit<Tier, 'maintenanceAmount' | 'index'>>): Tier[] {
  const out: Tier[] = [];
  tiers.forEach((tier, i) => {
    const amount = i === 0 ? new Decimal(0) : nextMaintenanceAmount(tier.floor, tier.mmr, out[i - 1].mmr, out[i - 1].maintenanceAmount);
    out.push({ ...tier, index: i + 1, maintenanceAmount: amount });
  });
  return out;
}

/** JSON (shipped, stored or parsed from a venue) → a validated table; throws TierTableError with the reason. */
export function tierTableFromJson(json: unknown): TierTable {
  const parsed = tierTableJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TierTableError(`malformed table: ${issue.path.join('.') || 'root'} ${issue.message}`);
  }
  const t = parsed.data;
  const table: TierTable = {
    venue: t.venue,
    symbol: t.symbol,
    instrument: t.instrument,
    source: t.source,
    basis: t.basis,
    bounds: t.bounds,
    maintenanceModel: t.maintenanceModel,
    url: t.url,
    publishedAt: t.publishedAt,
    fetchedAt: t.fetchedAt,
    tiers: t.tiers.map((tier, i) => ({
      index: i + 1,
      floor: new Decimal(tier.floor),
      cap: tier.cap === null ? null : new Decimal(tier.cap),
      maxLeverage: tier.maxLeverage === null ? null : new Decimal(tier.maxLeverage),
      mmr: new Decimal(tier.mmr),
      maintenanceAmount: new Decimal(tier.maintenanceAmount),
    })),
  };
  return checkedTierTable(table);
}

/** The table itself when sound; TierTableError naming the first problem otherwise. */
export function checkedTierTable(table: TierTable): TierTable {
  const problems = tierTableProblems(table);
  if (problems.length > 0) throw new TierTableError(problems[0]);
  return table;
}

export function tierTableToJson(table: TierTable): TierTableJson {
  return {
    venue: table.venue,
    symbol: table.symbol,
    instrument: table.instrument,
    source: table.source,
    basis: table.basis,
    bounds: table.bounds,
    maintenanceModel: table.maintenanceModel,
    url: table.url,
    ...(table.publishedAt ? { publishedAt: table.publishedAt } : {}),
    ...(table.fetchedAt ? { fetchedAt: table.fetchedAt } : {}),
    tiers: table.tiers.map((t) => ({
      floor: t.floor.toFixed(),
      cap: t.cap === null ? null : t.cap.toFixed(),
      maxLeverage: t.maxLeverage === null ? null : t.maxLeverage.toFixed(),
      mmr: t.mmr.toFixed(),
      maintenanceAmount: t.maintenanceAmount.toFixed(),
    })),
  };
}

export function contractFromJson(json: unknown): ContractSpec {
  const parsed = contractJsonSchema.safeParse(json);
  if (!parsed.success) throw new TierTableError(`malformed contract: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`);
  const c = parsed.data;
  const size = new Decimal(c.size);
  if (size.lte(0)) throw new TierTableError(`contract size ${c.size} is not positive`);
  return {
    instrument: c.instrument,
    size,
    lotSize: c.lotSize === undefined ? undefined : new Decimal(c.lotSize),
    url: c.url,
    fetchedAt: c.fetchedAt,
    publishedAt: c.publishedAt,
  };
}

export function contractToJson(contract: ContractSpec): ContractJson {
  return {
    instrument: contract.instrument,
    size: contract.size.toFixed(),
    ...(contract.lotSize ? { lotSize: contract.lotSize.toFixed() } : {}),
    url: contract.url,
    ...(contract.fetchedAt ? { fetchedAt: contract.fetchedAt } : {}),
    ...(contract.publishedAt ? { publishedAt: contract.publishedAt } : {}),
  };
}

/**
 * The user's own maintenance rate (and amount) from the venue's screen, as a one-tier table:
 * no cap and no known max leverage. It answers for that one position only.
 */
export function userTierTable(venue: string, symbol: string, mmr: Decimal, maintenanceAmount: Decimal = new Decimal(0)): TierTable {
  return {
    venue,
    symbol,
    instrument: symbol,
    source: 'user',
    basis: 'notional',
    bounds: 'cap-inclusive',
    maintenanceModel: 'tiered-deduction',
    url: 'about:user-input',
    tiers: [{ index: 1, floor: new Decimal(0), cap: null, maxLeverage: null, mmr, maintenanceAmount }],
  };
}

/** What the tier bounds of `table` measure for a position of `quantity` at `price`. */
export function tierMeasure(table: Pick<TierTable, 'basis'>, quantity: Decimal, price: Decimal): Decimal {
  return table.basis === 'quantity' ? quantity : quantity.times(price);
}

/**
 * The tier that holds `measure`: [floor, cap) for floor-inclusive tables, (floor, cap] for cap-inclusive
 * ones (the first tier always starts at its floor). Null when above the last capped tier.
 */
export function tierForMeasure(tiers: readonly Tier[], measure: Decimal, bounds: TierBounds = 'floor-inclusive'): Tier | null {
  for (const tier of tiers) {
    const aboveFloor = bounds === 'floor-inclusive' || tier.index === 1 ? measure.gte(tier.floor) : measure.gt(tier.floor);
    const belowCap = tier.cap === null || (bounds === 'floor-inclusive' ? measure.lt(tier.cap) : measure.lte(tier.cap));
    if (aboveFloor && belowCap) return tier;
  }
  const last = tiers[tiers.length - 1];
  // A position exactly at the last cap still belongs to the last tier.
  if (last.cap !== null && measure.eq(last.cap)) return last;
  return null;
}

/** The largest position the table covers (its measure), or null when the last tier is open-ended. */
export function tableLimit(table: Pick<TierTable, 'tiers'>): Decimal | null {
  return table.tiers[table.tiers.length - 1].cap;
}
