import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { projectPath } from '../paths.ts';
import { CalculationInputError } from './errors.ts';
import {
  contractFromJson,
  tierForMeasure,
  tierMeasure,
  tierTableFromJson,
  type ContractSpec,
  type MaintenanceModel,
  type Tier,
  type TierBasis,
  type TierBounds,
  type TierTable,
} from './tier-table.ts';

export type { ContractSpec, Tier, TierBasis, TierBounds, TierTable } from './tier-table.ts';

/**
 * Venue rules: the liquidation-price method, the ADL score and close-out rule, how tiers are bounded
 * and how positions are sized, with sources and the assumptions we had to make (data/venues/<venue>.json).
 * Tier tables are per symbol and handed to the calculators; the only ones read here are the dated
 * tables shipped in the same files, each naming its symbol and the venue's own page.
 */
export type VenueId = 'binance' | 'bybit' | 'okx' | 'bitmex' | 'hyperliquid' | 'dydx';
export const VENUE_IDS: readonly VenueId[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx'];
/** Venues that rank positions for ADL (dYdX picks at random). */
export const RANKED_VENUES: readonly VenueId[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid'];

export type LiquidationMethod = 'binance-one-way' | 'bybit-isolated' | 'okx-margin-ratio' | 'bitmex-linear' | 'hyperliquid' | 'dydx-isolated';
export type AdlFormula = 'binance-leverage-pnl' | 'bitmex-pnl-leverage' | 'okx-leverage-pnl' | 'hyperliquid-index' | 'random';
export type CloseoutRule = 'counterparty-bankruptcy' | 'mark' | 'previous-mark';

export interface VenueAssumption {
  id: string;
  text: string;
  /** Which answers it qualifies: liquidation prices (and margins) or ADL rankings. */
  scope: 'liquidation' | 'adl';
  /** Only for tables from these sources (shipped, venue …); all tables when absent. */
  sources?: string[];
}

export interface VenueRules {
  id: VenueId;
  displayName: string;
  contract: string;
  liquidation: {
    method: LiquidationMethod;
    /** Where the tier is looked up: at the position's value at the liquidation price, or fixed at entry. */
    tierEvaluatedAt: 'liquidation-notional' | 'entry-notional';
    /** The position value the maintenance margin is taken on: at the price (mark / liquidation) or at entry (Bybit's isolated formula). */
    maintenanceValue: 'price' | 'entry';
    maintenanceModel: MaintenanceModel;
    source: string;
  };
  adl: { formula: AdlFormula; ranked: boolean; closeout: CloseoutRule; lights: string; source: string };
  fees: { taker?: Decimal; maker?: Decimal; liquidationFeeRate?: Decimal; source: string };
  tierBounds: TierBounds;
  tierBasis: TierBasis;
  /** How the venue sizes an order: in coins, or in contracts of a fixed coin size. */
  sizing: 'coin' | 'contract';
  sources: Array<{ what: string; url: string; date: string }>;
  assumptions: VenueAssumption[];
  /** Dated tables shipped with the bot, by normalised symbol (source `shipped`). */
  shipped: Record<string, TierTable>;
  /** Contract sizes shipped with the bot, by normalised symbol. */
  contracts: Record<string, ContractSpec>;
}

const shippedTableSchema = z.object({
  instrument: z.string().min(1),
  url: z.string().url(),
  publishedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  fetchedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  note: z.string().min(1),
  tiers: z.array(z.unknown()).min(1),
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
  tierBounds: z.object({ rule: z.enum(['cap-inclusive', 'floor-inclusive']), source: z.string().min(1) }),
  tierBasis: z.object({ basis: z.enum(['notional', 'quantity']), source: z.string().min(1) }),
  sizing: z.object({ unit: z.enum(['coin', 'contract']), source: z.string().min(1) }),
  shipped: z.record(z.string(), shippedTableSchema),
  contracts: z.record(z.string(), z.unknown()).default({}),
  fees: z.object({
    taker: z.string().optional(),
    maker: z.string().optional(),
    liquidationFeeRate: z.string().optional(),
    source: z.string(),
  }),
  sources: z.array(z.object({ what: z.string(), url: z.string().url(), date: z.string() })).min(1),
  assumptions: z.array(
    z.object({ id: z.string().regex(/^[a-z0-9-]+$/), text: z.string(), scope: z.enum(['liquidation', 'adl']), sources: z.array(z.string()).optional() }),
  ),
});

/** Reads and validates one venue file, its shipped tables included (each checked like a fetched one). */
export function loadVenueFile(id: VenueId, path = projectPath('data', 'venues', `${id}.json`)): VenueRules {
  const parsed = venueFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (parsed.id !== id) throw new Error(`data/venues/${id}.json declares id "${parsed.id}"`);
  const shipped: Record<string, TierTable> = {};
  for (const [symbol, table] of Object.entries(parsed.shipped)) {
    if (normaliseSymbol(symbol) !== symbol) throw new Error(`data/venues/${id}.json: shipped table key ${symbol} is not a normalised symbol`);
    try {
      shipped[symbol] = tierTableFromJson({
        venue: id,
        symbol,
        instrument: table.instrument,
        source: 'shipped',
        basis: parsed.tierBasis.basis,
        bounds: parsed.tierBounds.rule,
        maintenanceModel: parsed.liquidation.maintenanceModel,
        url: table.url,
        publishedAt: table.publishedAt,
        fetchedAt: table.fetchedAt,
        tiers: table.tiers,
      });
    } catch (error) {
      throw new Error(`data/venues/${id}.json: shipped ${symbol} table: ${(error as Error).message}`);
    }
  }
  const contracts: Record<string, ContractSpec> = {};
  for (const [symbol, contract] of Object.entries(parsed.contracts)) contracts[symbol] = contractFromJson(contract);
  const decimal = (value?: string) => (value === undefined ? undefined : new Decimal(value));
  return {
    id: parsed.id,
    displayName: parsed.displayName,
    contract: parsed.contract,
    liquidation: parsed.liquidation,
    adl: parsed.adl,
    fees: { taker: decimal(parsed.fees.taker), maker: decimal(parsed.fees.maker), liquidationFeeRate: decimal(parsed.fees.liquidationFeeRate), source: parsed.fees.source },
    tierBounds: parsed.tierBounds.rule,
    tierBasis: parsed.tierBasis.basis,
    sizing: parsed.sizing.unit,
    sources: parsed.sources,
    assumptions: parsed.assumptions,
    shipped,
    contracts,
  };
}

const cache = new Map<VenueId, VenueRules>();

export function isVenueId(value: string): value is VenueId {
  return (VENUE_IDS as readonly string[]).includes(value);
}

/** Venue rules, validated at first use and cached. Unknown ids throw CalculationInputError('unknown-venue'). */
export function getVenue(id: string): VenueRules {
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

/** `btc`, `BTC`, `BTCUSDT`, `BTC-USDT`, `btc/usdt`, `BTC-USDT-SWAP`, `BTC-USD`, `XBTUSDT` → `BTCUSDT`. */
export function normaliseSymbol(input: string): string {
  let s = input.trim().toUpperCase().replace(/[\s/_:-]+/g, '');
  if (!/^[A-Z0-9]{1,30}$/.test(s)) throw new CalculationInputError('unknown-symbol', { symbol: input });
  s = s.replace(/SWAP$/, '').replace(/PERP$/, '');
  for (const quote of QUOTES) {
    if (s.length > quote.length && s.endsWith(quote)) {
      s = s.slice(0, -quote.length);
      break;
    }
  }
  if (s === '') throw new CalculationInputError('unknown-symbol', { symbol: input });
  // BitMEX calls bitcoin XBT.
  if (s === 'XBT') s = 'BTC';
  return `${s}USDT`;
}

/** `BTCUSDT` → `BTC` */
export function baseOfSymbol(symbol: string): string {
  return symbol.replace(/USDT$/, '') || symbol;
}

/** The dated table shipped for this symbol on this venue, if any (never another symbol's). */
export function shippedTable(venue: VenueId | VenueRules, symbol: string): TierTable | undefined {
  const rules = typeof venue === 'string' ? getVenue(venue) : venue;
  return rules.shipped[normaliseSymbol(symbol)];
}

/** The shipped contract size for this symbol, where the venue sizes in contracts. */
export function shippedContract(venue: VenueId | VenueRules, symbol: string): ContractSpec | undefined {
  const rules = typeof venue === 'string' ? getVenue(venue) : venue;
  return rules.contracts[normaliseSymbol(symbol)];
}

/**
 * The shipped table for a symbol, or CalculationInputError('table-missing'): no other symbol's table
 * stands in. Kept for callers that only ever ask for a shipped symbol (the walkthroughs, /simulate).
 */
export function symbolRules(venue: VenueId | VenueRules, symbol: string): TierTable {
  const rules = typeof venue === 'string' ? getVenue(venue) : venue;
  const table = shippedTable(rules, symbol);
  if (!table) throw new CalculationInputError('table-missing', { venue: rules.id, symbol: normaliseSymbol(symbol) });
  return table;
}

/** Compatibility name: the tier holding a notional (bounds default floor-inclusive). */
export const tierForNotional = tierForMeasure;

/** The tier of `table` that holds `measure` (position value, or coins for quantity-based tables). */
export function tierFor(table: Pick<TierTable, 'tiers' | 'bounds'>, measure: Decimal): Tier | null {
  return tierForMeasure(table.tiers, measure, table.bounds);
}

/** The tier of `table` for a position of `quantity` at `price`. */
export function tierAtPrice(table: Pick<TierTable, 'tiers' | 'bounds' | 'basis'>, quantity: Decimal, price: Decimal): Tier | null {
  return tierFor(table, tierMeasure(table, quantity, price));
}

export { nextMaintenanceAmount } from './tier-table.ts';

/** Maintenance margin of a position value under a tier. */
export function maintenanceMargin(tier: Tier, notional: Decimal): Decimal {
  return notional.times(tier.mmr).minus(tier.maintenanceAmount);
}

/** Assumption ids of a venue that qualify an answer of `scope` for a table from `source`. */
export function venueAssumptionIds(venue: VenueRules, scope: 'liquidation' | 'adl', source?: string): string[] {
  return venue.assumptions
    .filter((a) => a.scope === scope && (!a.sources || (source !== undefined && a.sources.includes(source))))
    .map((a) => a.id);
}

/** Hyperliquid: maintenance margin is half the initial margin at max leverage → MMR = 1/(2 × max leverage). */
export function maintenanceRateFromMaxLeverage(maxLeverage: Decimal.Value): Decimal {
  return new Decimal(1).div(new Decimal(maxLeverage).times(2));
}
