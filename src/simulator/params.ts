import { readFileSync } from 'node:fs';
import type { AdlFormula } from '../core/venues.ts';
import { projectPath } from '../paths.ts';

/**
 * Simulation inputs: scenario presets (data/scenarios/*.json), venue margin tiers per market
 * (data/simulator/venues.json) and population regimes (data/simulator/regimes.json), merged with
 * the caller's overrides into one plain, serialisable `SimulationParams` (it crosses the
 * worker-thread boundary as is). This is the simulator's only I/O.
 */
export const SCENARIOS = ['2025-10-10', 'mild', 'custom'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const ADL_POLICIES = ['queue', 'pro-rata', 'socialized', 'vault'] as const;
export type AdlPolicy = (typeof ADL_POLICIES)[number];

export const VENUES = ['hyperliquid', 'binance', 'bybit', 'okx', 'bitmex'] as const;
export type VenueId = (typeof VENUES)[number];

/**
 * A regime is a calibrated variant of a preset: the leverage mix of the crowded (long) side, plus the
 * preset values that mix needs (its `regimes` section). The winning side always carries the mix
 * measured on the accounts Hyperliquid auto-deleveraged on 10 Oct 2025, the only measured winners.
 */
export const REGIMES = ['crash-winners', 'cex-typical'] as const;
export type PopulationRegime = (typeof REGIMES)[number];

/** Leverage mixes in data/simulator/regimes.json. */
export const LEVERAGE_MIXES = ['open-interest', 'crash-winners', 'cex-typical'] as const;
export type LeverageMix = (typeof LEVERAGE_MIXES)[number];

/**
 * Liquidation rules. `hyperliquid`: book orders (positions above `partialAboveUsd` 20% at a time,
 * then a cooldown), the liquidator vault takes the account below 2/3 of maintenance, ADL when an
 * account (or the vault) is below zero (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations).
 * `insurance-fund`: the whole account goes to the book; what is left goes to the insurance fund, a
 * shortfall is paid by it, and ADL covers what it cannot (Binance, Bybit, OKX, BitMEX).
 */
export type LiquidationRules = 'hyperliquid' | 'insurance-fund';

/** Tiered maintenance margin as plain arrays: MM(notional) = notional × mmrs[k] − maintenanceAmounts[k], k = last tier with floors[k] ≤ notional. */
export interface MarginTiers {
  floors: number[];
  mmrs: number[];
  maintenanceAmounts: number[];
  maxLeverage: number[];
}

export interface LeverageBucket {
  min: number;
  max: number;
  share: number;
}

export interface PopulationSpec {
  equityLogMean: number;
  equityLogSd: number;
  leverageBuckets: LeverageBucket[];
}

/** One market of the run: its path and book, at the venue's size (scaled to the modelled accounts later). */
export interface MarketParams {
  id: string;
  /** The venue table it uses (BTCUSDT, ETHUSDT, SOLUSDT or the venue's default). */
  table: string;
  tiers: MarginTiers;
  /** Share of the venue's open interest. */
  openInterestShare: number;
  startPrice: number;
  /** Lowest price as a fraction of the start (the path never goes below it). */
  low: number;
  /** Price at the end as a fraction of the start. */
  end: number;
  /** Standard deviation of the path's mean-reverting noise per step (log). */
  noisePerStep: number;
  /** Typical size of a one-step jump down in the steep fall (log; each jump is 0.5–1.5 times it). */
  jumpSize: number;
  /** Book depth: USD that moves the price 1%, as a share of this market's open interest. */
  depthShare: number;
  /** Entries spread ±this (log) around the start price. */
  entrySpread: number;
  /** Highest leverage an account may open in this market (the table's first tier, or lower for small coins). */
  maxLeverage: number;
}

export interface SimulationParams {
  scenario: ScenarioName;
  seed: number;
  positions: number;
  steps: number;
  minutes: number;
  /** Wall-clock time of step 0 (seconds after midnight UTC) and the published comparison window. */
  clock: { date: string; startSecond: number; windowFromSecond: number; windowToSecond: number };
  venue: VenueId;
  liquidationRules: LiquidationRules;
  adlFormula: AdlFormula;
  markets: MarketParams[];
  policies: AdlPolicy[];
  /** Leverage mix of the crowded long side; the short side always uses the measured crash-winners mix. */
  regime: PopulationRegime;
  longPopulation: PopulationSpec;
  shortPopulation: PopulationSpec;
  /** Open interest of the whole venue (one side), USD. */
  openInterestUsd: number;
  /** Accounts of the venue that the modelled accounts stand for: the scale of every absolute figure. */
  referenceAccounts: number;
  /** Share of accounts on the long side. */
  longShare: number;
  /** At the start every account's maintenance margin is at most this share of its equity. */
  startMaintenanceShare: number;
  /** Probability that an account holds 1, 2, 3 … positions (cross margin). */
  positionsPerAccount: number[];
  /** Path shape: minute the steep fall starts, share of the fall done by then, minute of the low. */
  steepFromMinute: number;
  preShare: number;
  /** Share of the crash's noise before the steep fall. */
  calmNoiseShare: number;
  /** Jumps down per minute from `jumpsFromMinute` to the low, each market on its own (each its own size). */
  jumpsPerMinute: number;
  jumpsFromMinute: number;
  /** Minutes over which the noise builds up from calm to its full size once the steep fall starts. */
  noiseRampMinutes: number;
  lowAtMinute: number;
  /** Minutes during which the book holds only `crashDepth` of its normal depth. */
  crashDepthFromMinute: number;
  crashDepthToMinute: number;
  crashDepth: number;
  /** Hyperliquid: positions above this notional are liquidated `partialShare` at a time, then wait `cooldownSeconds`. */
  partialAboveUsd: number;
  partialShare: number;
  cooldownSeconds: number;
  /** Hyperliquid: the liquidator vault takes an account whose equity is below this share of maintenance. */
  backstopShare: number;
  /** Capital of the backstop (liquidator vault) at the venue's size, USD. */
  backstopVaultUsd: number;
  /** Share of the backstop vault's inventory it sells on the book each step. */
  vaultUnwindPerStep: number;
  /** Insurance fund at the venue's size (insurance-fund rules), USD. */
  fundUsd: number;
  /** `vault` policy: a vault absorbs deficits before ADL, down to `vaultFloor` of its capital (venue's size). */
  vaultUsd: number;
  vaultFloor: number;
  /** Published figures to compare with (Hyperliquid's record), keyed as in the `published` list. */
  published: Record<string, { value: number; source: string }>;
  /** Check the zero-sum ledger after every step (slow: O(N) per step). */
  verify: boolean;
  disclaimer: string;
}

export type SimulationOverrides = Partial<
  Pick<SimulationParams, 'seed' | 'positions' | 'steps' | 'minutes' | 'venue' | 'policies' | 'regime' | 'fundUsd' | 'vaultUsd' | 'backstopVaultUsd' | 'longShare' | 'verify'>
> & {
  /** Lead market's (BTC's) fall, 0–0.9; the other markets fall in proportion. */
  drop?: number;
  /** Depth of the lead market (USD per 1%) at the venue's size; the others scale with it. */
  depthUsdPerPct?: number;
  /** Margin tiers per market table (BTCUSDT …, default), from src/core. */
  tiersByTable?: Record<string, MarginTiers>;
};

export type SimulationInputProblem =
  | 'unknown-scenario'
  | 'unknown-policy'
  | 'unknown-venue'
  | 'unknown-regime'
  | 'drop-out-of-range'
  | 'minutes-out-of-range'
  | 'positions-out-of-range'
  | 'steps-out-of-range'
  | 'fund-out-of-range'
  | 'depth-out-of-range'
  | 'long-share-out-of-range'
  | 'seed-out-of-range';

/** Bad simulation input. The simulator knows nothing of chats: commands turn this into a UserError. */
export class SimulationInputError extends Error {
  readonly problem: SimulationInputProblem;
  readonly value: string;

  constructor(problem: SimulationInputProblem, value: unknown) {
    super(`${problem}: ${String(value)}`);
    this.name = 'SimulationInputError';
    this.problem = problem;
    this.value = String(value);
  }
}

export const LIMITS = {
  positions: { min: 100, max: 5_000_000 },
  steps: { min: 10, max: 5_000 },
  minutes: { min: 1, max: 24 * 60 },
  drop: { min: 0, max: 0.9 },
  seed: { min: 0, max: 4_294_967_295 },
} as const;

interface PresetValue {
  value: number | string | number[];
  source: string;
}

interface PresetMarket {
  id: string;
  table: string;
  parameters: Record<string, PresetValue>;
}

export interface PresetFile {
  name: string;
  disclaimer: string;
  clock: { date: string; start: string; windowFrom: string; windowTo: string; source: string };
  parameters: Record<string, PresetValue>;
  markets: PresetMarket[];
  published: Record<string, { value: number; source: string }>;
  /** Per regime: the crowded side's leverage mix and the parameter values that replace the defaults. */
  regimes: Record<PopulationRegime, { longMix: LeverageMix; source: string; parameters: Record<string, PresetValue> }>;
}

interface VenueSpec {
  liquidationRules: LiquidationRules;
  adlFormula: AdlFormula;
  source: string;
  tables: Record<string, MarginTiers & { source: string }>;
}

interface VenuesFile {
  venues: Record<VenueId, VenueSpec>;
}

interface RegimesFile {
  regimes: Record<LeverageMix, PopulationSpec & { source: string }>;
}

const cache = new Map<string, unknown>();
function readJson<T>(...parts: string[]): T {
  const path = projectPath(...parts);
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(path, 'utf8')));
  return cache.get(path) as T;
}

export function loadPreset(name: Exclude<ScenarioName, 'custom'>): PresetFile {
  return readJson<PresetFile>('data', 'scenarios', `${name}.json`);
}

export function venueSpec(venue: VenueId): VenueSpec {
  return readJson<VenuesFile>('data', 'simulator', 'venues.json').venues[venue];
}

/** "21:15:00" → seconds after midnight. */
export function clockSeconds(text: string): number {
  const [h, m, s] = text.split(':').map(Number);
  return h * 3600 + m * 60 + (s ?? 0);
}

const copyTiers = (tiers: MarginTiers): MarginTiers => ({
  floors: [...tiers.floors],
  mmrs: [...tiers.mmrs],
  maintenanceAmounts: [...tiers.maintenanceAmounts],
  maxLeverage: [...tiers.maxLeverage],
});

/**
 * Hyperliquid's maintenance margin for an asset with one tier: MMR = 1 / (2 × max leverage)
 * ("half of the initial margin at max leverage", https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations).
 */
export function hyperliquidTiers(maxLeverage: number): MarginTiers {
  return { floors: [0], mmrs: [1 / (2 * maxLeverage)], maintenanceAmounts: [0], maxLeverage: [maxLeverage] };
}

/** The venue a scenario runs on unless told otherwise. */
export function presetVenue(scenario: string): VenueId {
  return loadPreset(scenario === 'custom' || !(SCENARIOS as readonly string[]).includes(scenario) ? '2025-10-10' : (scenario as 'mild')).parameters.venue.value as VenueId;
}

/** `custom` starts from the 2025-10-10 preset; the caller's overrides replace its values. */
export function resolveParams(scenario: string, overrides: SimulationOverrides = {}): SimulationParams {
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new SimulationInputError('unknown-scenario', scenario);
  const name = scenario as ScenarioName;
  const preset = loadPreset(name === 'custom' ? '2025-10-10' : name);
  const regime = overrides.regime ?? (preset.parameters.regime.value as PopulationRegime);
  if (!(REGIMES as readonly string[]).includes(regime)) throw new SimulationInputError('unknown-regime', regime);
  const regimeSpec = preset.regimes[regime];
  const value = (key: string): PresetValue['value'] => {
    const entry = regimeSpec.parameters[key] ?? preset.parameters[key];
    if (!entry) throw new Error(`scenario ${preset.name} has no parameter ${key}`);
    return entry.value;
  };
  const num = (key: string): number => Number(value(key));

  const venue = overrides.venue ?? (value('venue') as VenueId);
  if (!(VENUES as readonly string[]).includes(venue)) throw new SimulationInputError('unknown-venue', venue);
  const policies = overrides.policies ?? [...ADL_POLICIES];
  for (const policy of policies) {
    if (!(ADL_POLICIES as readonly string[]).includes(policy)) throw new SimulationInputError('unknown-policy', policy);
  }
  const drop = overrides.drop;
  if (drop !== undefined && !(Number.isFinite(drop) && drop >= LIMITS.drop.min && drop <= LIMITS.drop.max)) {
    throw new SimulationInputError('drop-out-of-range', drop);
  }
  const depth = overrides.depthUsdPerPct;
  if (depth !== undefined && !(depth > 0 && depth <= 1e12)) throw new SimulationInputError('depth-out-of-range', depth);

  const spec = venueSpec(venue);
  const regimes = readJson<RegimesFile>('data', 'simulator', 'regimes.json').regimes;
  const populationOf = (source: PopulationSpec): PopulationSpec => ({
    equityLogMean: source.equityLogMean,
    equityLogSd: source.equityLogSd,
    leverageBuckets: source.leverageBuckets.map((bucket) => ({ min: bucket.min, max: bucket.max, share: bucket.share })),
  });

  const openInterestUsd = num('openInterestUsd');
  const leadFall = 1 - Number(preset.markets[0].parameters.low.value);
  const markets: MarketParams[] = preset.markets.map((market) => {
    const p = (key: string) => Number(market.parameters[key].value);
    // A custom drop moves the lead market's low; every other market's fall keeps its ratio to the lead's.
    const fall = drop === undefined ? 1 - p('low') : Math.min(0.95, (drop * (1 - p('low'))) / leadFall);
    const low = 1 - fall;
    const recovered = (1 - p('end')) / (1 - p('low'));
    const table = overrides.tiersByTable?.[market.table] ?? spec.tables[market.table] ?? spec.tables.default;
    // Hyperliquid sets maintenance by rule, half the initial margin at the asset's maximum leverage: a
    // market with its own maximum gets that rate rather than another symbol's table.
    const tiers = spec.liquidationRules === 'hyperliquid' && market.parameters.maxLeverage ? hyperliquidTiers(p('maxLeverage')) : table;
    const depthShare = depth === undefined ? p('depthShare') : (depth / (openInterestUsd * p('openInterestShare'))) * (p('depthShare') / Number(preset.markets[0].parameters.depthShare.value));
    return {
      id: market.id,
      table: market.table,
      tiers: copyTiers(tiers),
      openInterestShare: p('openInterestShare'),
      startPrice: p('startPrice'),
      low,
      end: 1 - fall * (Number.isFinite(recovered) ? recovered : 0),
      noisePerStep: p('noisePerStep'),
      jumpSize: p('jumpSize'),
      depthShare,
      entrySpread: p('entrySpread'),
      maxLeverage: Math.min(tiers.maxLeverage[0], market.parameters.maxLeverage ? p('maxLeverage') : Infinity),
    };
  });

  const minutes = overrides.minutes ?? num('minutes');
  // A custom length stretches the path's timing with it.
  const stretch = minutes / num('minutes');
  const params: SimulationParams = {
    scenario: name,
    seed: overrides.seed ?? 1010,
    positions: overrides.positions ?? num('positions'),
    steps: overrides.steps ?? num('steps'),
    minutes,
    clock: {
      date: preset.clock.date,
      startSecond: clockSeconds(preset.clock.start),
      windowFromSecond: clockSeconds(preset.clock.windowFrom),
      windowToSecond: clockSeconds(preset.clock.windowTo),
    },
    venue,
    liquidationRules: spec.liquidationRules,
    adlFormula: spec.adlFormula,
    markets,
    policies: [...new Set(policies)],
    regime,
    longPopulation: populationOf(regimes[regimeSpec.longMix]),
    shortPopulation: populationOf(regimes['crash-winners']),
    openInterestUsd,
    referenceAccounts: num('referenceAccounts'),
    longShare: overrides.longShare ?? num('longShare'),
    positionsPerAccount: (value('positionsPerAccount') as number[]).map(Number),
    startMaintenanceShare: num('startMaintenanceShare'),
    steepFromMinute: num('steepFromMinute') * stretch,
    preShare: num('preShare'),
    calmNoiseShare: num('calmNoiseShare'),
    jumpsPerMinute: num('jumpsPerMinute') / stretch,
    jumpsFromMinute: num('jumpsFromMinute') * stretch,
    noiseRampMinutes: Math.max(1e-9, num('noiseRampMinutes') * stretch),
    lowAtMinute: num('lowAtMinute') * stretch,
    crashDepthFromMinute: num('crashDepthFromMinute') * stretch,
    crashDepthToMinute: num('crashDepthToMinute') * stretch,
    crashDepth: num('crashDepth'),
    partialAboveUsd: num('partialAboveUsd'),
    partialShare: num('partialShare'),
    cooldownSeconds: num('cooldownSeconds'),
    backstopShare: num('backstopShare'),
    backstopVaultUsd: overrides.backstopVaultUsd ?? num('backstopVaultUsd'),
    vaultUnwindPerStep: num('vaultUnwindPerStep'),
    fundUsd: overrides.fundUsd ?? num('fundUsd'),
    vaultUsd: overrides.vaultUsd ?? num('vaultUsd'),
    vaultFloor: num('vaultFloor'),
    published: preset.published,
    verify: overrides.verify ?? false,
    disclaimer: preset.disclaimer,
  };
  validateParams(params);
  return params;
}

export function validateParams(params: SimulationParams): void {
  const within = (v: number, range: { min: number; max: number }) => Number.isFinite(v) && v >= range.min && v <= range.max;
  if (!Number.isInteger(params.positions) || !within(params.positions, LIMITS.positions)) {
    throw new SimulationInputError('positions-out-of-range', params.positions);
  }
  if (!Number.isInteger(params.steps) || !within(params.steps, LIMITS.steps)) throw new SimulationInputError('steps-out-of-range', params.steps);
  if (!within(params.minutes, LIMITS.minutes)) throw new SimulationInputError('minutes-out-of-range', params.minutes);
  if (!Number.isInteger(params.seed) || !within(params.seed, LIMITS.seed)) throw new SimulationInputError('seed-out-of-range', params.seed);
  const fundOk = (v: number) => v >= 0 && v <= 1e12;
  if (!fundOk(params.fundUsd) || !fundOk(params.vaultUsd) || !fundOk(params.backstopVaultUsd)) {
    throw new SimulationInputError('fund-out-of-range', params.fundUsd);
  }
  if (!(params.longShare > 0 && params.longShare < 1)) throw new SimulationInputError('long-share-out-of-range', params.longShare);
  for (const market of params.markets) {
    const { floors, mmrs, maintenanceAmounts, maxLeverage } = market.tiers;
    const sameLength = [mmrs, maintenanceAmounts, maxLeverage].every((column) => column.length === floors.length);
    if (floors.length === 0 || !sameLength || floors[0] !== 0 || floors.some((floor, k) => k > 0 && floor <= floors[k - 1])) {
      throw new Error(`margin tiers of ${market.id} must be parallel arrays with increasing floors starting at 0`);
    }
  }
}

/** Minutes per step, and the step's length in seconds (3 s: Hyperliquid's oracle cadence in the preset). */
export function stepSeconds(params: SimulationParams): number {
  return (params.minutes * 60) / params.steps;
}
