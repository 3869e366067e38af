import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { projectPath } from '../paths.ts';
import { CalculationInputError } from './errors.ts';

/**
 * Venue rules: maintenance-margin tiers, the liquidation-price method, the ADL score and
 * close-out rule, with sources and the assumptions we had to make. The tables live in
 * data/venues/<venue>.json; each table names where it comes from.
 */
export type VenueId = 'binance' | 'bybit' | 'okx' | 'bitmex' | 'hyperliquid' | 'dydx';
export const VENUE_IDS: readonly VenueId[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx'];
/** Venues that rank positions for ADL (dYdX picks at random). */
export const RANKED_VENUES: readonly VenueId[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid'];

export type LiquidationMethod = 'binance-one-way' | 'bybit-isolated' | 'okx-margin-ratio' | 'bitmex-linear' | 'hyperliquid' | 'dydx-isolated';
export type AdlFormula = 'binance-leverage-pnl' | 'bitmex-pnl-leverage' | 'okx-leverage-pnl' | 'hyperliquid-index' | 'random';
export type CloseoutRule = 'counterparty-bankruptcy' | 'mark' | 'previous-mark';
export type TableSource = 'official' | 'third-party' | 'historical' | 'stand-in';
/**
 * Which end of a tier owns a boundary notional. Binance ("0 < Position ≤ 50,000"), Bybit ("2,000,000 USDT
 * or below"), OKX ("Max. amount (Cont)") and BitMEX (a risk limit is the largest position of a step) close
 * the tier at its cap; Hyperliquid's tiers start at their `lowerBound`.
 */
export type TierBounds = 'cap-inclusive' | 'floor-inclusive';

export interface Tier {
  /** 1-based, as venues number them. */
  index: number;
  floor: Decimal;
  /** null: no upper bound. */
  cap: Decimal | null;
  maxLeverage: Decimal;
  mmr: Decimal;
  /** Binance "cum", Bybit/Hyperliquid "maintenance deduction": MM = notional × MMR − amount. */
  maintenanceAmount: Decimal;
}

export interface SymbolRules {
  venue: VenueId;
  tierBounds: TierBounds;
  /** The normalised symbol asked for (`BTCUSDT`). */
  symbol: string;
  /** The table actually used (`default` when the symbol has none). */
  table: string;
  usedDefault: boolean;
  tableSource: TableSource;
  source: string;
  /** Where the tiers were read (a stand-in gives the table it copies), and when. */
  url: string;
  date: string;
  tiers: Tier[];
}

export interface VenueAssumption {
  id: string;
  text: string;
  /** Which answers it qualifies: liquidation prices (and margins) or ADL rankings. */
  scope: 'liquidation' | 'adl';
  /** Only for these tables (symbol keys); all tables when absent. */
  tables?: string[];
}

export interface VenueRules {
  id: VenueId;
  displayName: string;
  contract: string;
  liquidation: {
    method: LiquidationMethod;
    /** Where the tier is looked up: at the position's notional at the liquidation price, or fixed at entry. */
    tierEvaluatedAt: 'liquidation-notional' | 'entry-notional';
    /** The position value the maintenance margin is taken on: at the price (mark / liquidation) or at entry (Bybit's isolated formula). */
    maintenanceValue: 'price' | 'entry';
    /** tiered-deduction: MM = N×MMR − amount (tax brackets); whole-position: the tier's MMR applies to the whole notional. */
    maintenanceModel: 'tiered-deduction' | 'whole-position';
    source: string;
  };
  adl: { formula: AdlFormula; ranked: boolean; closeout: CloseoutRule; lights: string; source: string };
  fees: { taker?: Decimal; maker?: Decimal; liquidationFeeRate?: Decimal; source: string };
  tierBounds: TierBounds;
  sources: Array<{ what: string; url: string; date: string }>;
  assumptions: VenueAssumption[];
  /** Raw tables by symbol key, tiers resolved (stand-ins point at another table). */
  tables: Record<string, Omit<SymbolRules, 'venue' | 'symbol' | 'usedDefault' | 'tierBounds'>>;
}

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'decimal string');
const tierSchema = z.object({
  floor: decimalString,
  cap: decimalString.nullable(),
  maxLeverage: decimalString,
  mmr: decimalString,
  maintenanceAmount: decimalString,
});
const tableSchema = z.object({
  tableSource: z.enum(['official', 'third-party', 'historical', 'stand-in']),
  source: z.string().min(1),
  standInFor: z.string().optional(),
  /** Required with `tiers`: where the table was read and the date of the table (or of the reading). */
  url: z.string().url().optional(),
  date: z.string().min(1).optional(),
  tiers: z.array(tierSchema).min(1).optional(),
});
const venueFileSchema = z.object({
  id: z.enum(['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx']),
  displayName: z.string(),
  contract: z.string(),
  liquidation: z.object({
    method: z.enum(['binance-one-way', 'bybit-isolated', 'okx-margin-ratio', 'bitmex-linear', 'hyperliquid', 'dydx-isolated']),
    tierEvaluatedAt: z.enum(['liquidation-notional', 'entry-notional']),
    maintenanceValue: z.enum(['price', 'entry']),
    maintenanceModel: z.enum(['tiered-deduction', 'whole-position']),
    source: z.string().url(),
  }),
  adl: z.object({
    formula: z.enum(['binance-leverage-pnl', 'bitmex-pnl-leverage', 'okx-leverage-pnl', 'hyperliquid-index', 'random']),
    ranked: z.boolean(),
    closeout: z.enum(['counterparty-bankruptcy', 'mark', 'previous-mark']),
    lights: z.string(),
    source: z.string().url(),
  }),
  symbols: z.record(z.string(), tableSchema),
  tierBounds: z.object({ rule: z.enum(['cap-inclusive', 'floor-inclusive']), source: z.string().min(1) }),
  fees: z.object({
    taker: decimalString.optional(),
    maker: decimalString.optional(),
    liquidationFeeRate: decimalString.optional(),
    source: z.string(),
  }),
  sources: z.array(z.object({ what: z.string(), url: z.string().url(), date: z.string() })).min(1),
  assumptions: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), text: z.string(), scope: z.enum(['liquidation', 'adl']), tables: z.array(z.string()).optional() })),
});

function toTiers(raw: Array<z.infer<typeof tierSchema>>): Tier[] {
  return raw.map((t, i) => ({
    index: i + 1,
    floor: new Decimal(t.floor),
    cap: t.cap === null ? null : new Decimal(t.cap),
    maxLeverage: new Decimal(t.maxLeverage),
    mmr: new Decimal(t.mmr),
    maintenanceAmount: new Decimal(t.maintenanceAmount),
  }));
}

/** Reads and validates one venue file. Exported for tests of the data itself. */
export function loadVenueFile(id: VenueId, path = projectPath('data', 'venues', `${id}.json`)): VenueRules {
  const parsed = venueFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (parsed.id !== id) throw new Error(`data/venues/${id}.json declares id "${parsed.id}"`);
  if (!parsed.symbols.default) throw new Error(`data/venues/${id}.json has no "default" table`);
  const tables: VenueRules['tables'] = {};
  for (const [key, table] of Object.entries(parsed.symbols)) {
    if (table.tiers && (!table.url || !table.date)) throw new Error(`data/venues/${id}.json: table ${key} has tiers but no url or date`);
    const origin = table.tiers ? table : table.standInFor ? parsed.symbols[table.standInFor] : undefined;
    if (!origin?.tiers || !origin.url || !origin.date) throw new Error(`data/venues/${id}.json: table ${key} has no tiers and no usable standInFor`);
    tables[key] = {
      table: table.standInFor && !table.tiers ? `${key}→${table.standInFor}` : key,
      tableSource: table.tableSource,
      source: table.source,
      url: origin.url,
      date: origin.date,
      tiers: toTiers(origin.tiers),
    };
  }
  return {
    id: parsed.id,
    displayName: parsed.displayName,
    contract: parsed.contract,
    liquidation: parsed.liquidation,
    adl: parsed.adl,
    fees: {
      taker: parsed.fees.taker ? new Decimal(parsed.fees.taker) : undefined,
      maker: parsed.fees.maker ? new Decimal(parsed.fees.maker) : undefined,
      liquidationFeeRate: parsed.fees.liquidationFeeRate ? new Decimal(parsed.fees.liquidationFeeRate) : undefined,
      source: parsed.fees.source,
    },
    tierBounds: parsed.tierBounds.rule,
    sources: parsed.sources,
    assumptions: parsed.assumptions,
    tables,
  };
}

const cache = new Map<VenueId, VenueRules>();

export function isVenueId(value: string): value is VenueId {
  return (VENUE_IDS as readonly string[]).includes(value);
}

/** Venue rules, validated at first use and cached. Unknown ids throw CalculationInputError('unknown-venue'). */
export function getVenue(id: VenueId | string): VenueRules {
  const key = String(id).trim().toLowerCase();
  if (!isVenueId(key)) throw new CalculationInputError('unknown-venue', { venue: String(id), venues: VENUE_IDS.join(', ') });
  let rules = cache.get(key);
  if (!rules) {
    rules = loadVenueFile(key);
    cache.set(key, rules);
  }
  return rules;
}

const QUOTES = ['USDT', 'USDC', 'USD', 'PERP'];

/** `btc`, `BTC`, `BTCUSDT`, `BTC-USDT`, `btc/usdt`, `BTC-USDT-SWAP`, `BTC-USD` → `BTCUSDT`. */
export function normaliseSymbol(input: string): string {
  let s = input.trim().toUpperCase().replace(/[\s/_:-]+/g, '');
  if (!/^[A-Z0-9]{1,30}$/.test(s)) throw new CalculationInputError('unknown-symbol', { symbol: input });
  s = s.replace(/SWAP$/, '').replace(/PERP$/, '');
  for (const quote of QUOTES) {
    if (s.length > quote.length && s.endsWith(quote)) return `${s.slice(0, -quote.length)}USDT`;
  }
  if (s === '') throw new CalculationInputError('unknown-symbol', { symbol: input });
  return `${s}USDT`;
}

/** The tier table for a symbol; falls back to the venue's `default` table and says so. */
export function symbolRules(venue: VenueId | VenueRules, symbol: string): SymbolRules {
  const rules = typeof venue === 'string' ? getVenue(venue) : venue;
  const normalised = normaliseSymbol(symbol);
  const own = rules.tables[normalised];
  const table = own ?? rules.tables.default;
  return { venue: rules.id, symbol: normalised, usedDefault: !own, tierBounds: rules.tierBounds, ...table };
}

/**
 * The tier that holds `notional`: [floor, cap) for floor-inclusive tables, (floor, cap] for cap-inclusive
 * ones (the first tier always starts at its floor). Null when above the last capped tier.
 */
export function tierForNotional(tiers: readonly Tier[], notional: Decimal, bounds: TierBounds = 'floor-inclusive'): Tier | null {
  for (const tier of tiers) {
    const aboveFloor = bounds === 'floor-inclusive' || tier.index === 1 ? notional.gte(tier.floor) : notional.gt(tier.floor);
    const belowCap = tier.cap === null || (bounds === 'floor-inclusive' ? notional.lt(tier.cap) : notional.lte(tier.cap));
    if (aboveFloor && belowCap) return tier;
  }
  const last = tiers[tiers.length - 1];
  // A position exactly at the last cap still belongs to the last tier.
  if (last.cap !== null && notional.eq(last.cap)) return last;
  return null;
}

/** The tier of `rules` that holds `notional`, with the venue's boundary rule. */
export function tierFor(rules: Pick<SymbolRules, 'tiers' | 'tierBounds'>, notional: Decimal): Tier | null {
  return tierForNotional(rules.tiers, notional, rules.tierBounds);
}

/** Maintenance amount of tier n from tier n−1: cum_n = floor_n × (mmr_n − mmr_{n−1}) + cum_{n−1}. */
export function nextMaintenanceAmount(floor: Decimal.Value, mmr: Decimal.Value, previousMmr: Decimal.Value, previousAmount: Decimal.Value): Decimal {
  return new Decimal(floor).times(new Decimal(mmr).minus(previousMmr)).plus(previousAmount);
}

/** Maintenance margin of a notional under a tier. */
export function maintenanceMargin(tier: Tier, notional: Decimal): Decimal {
  return notional.times(tier.mmr).minus(tier.maintenanceAmount);
}

/** Assumption ids of a venue that qualify an answer of `scope` for the table in `rules`. */
export function venueAssumptionIds(venue: VenueRules, scope: 'liquidation' | 'adl', rules?: SymbolRules): string[] {
  const tableKey = rules ? (rules.usedDefault ? 'default' : rules.symbol) : undefined;
  return venue.assumptions
    .filter((a) => a.scope === scope && (!a.tables || (tableKey !== undefined && a.tables.includes(tableKey))))
    .map((a) => a.id);
}

/** Hyperliquid: maintenance margin is half the initial margin at max leverage → MMR = 1/(2 × max leverage). */
export function maintenanceRateFromMaxLeverage(maxLeverage: Decimal.Value): Decimal {
  return new Decimal(1).div(new Decimal(maxLeverage).times(2));
}
