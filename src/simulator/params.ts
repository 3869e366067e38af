import { readFileSync } from 'node:fs';
import { projectPath } from '../paths.ts';

/**
 * Simulation inputs: scenario presets (data/scenarios/*.json), venue margin tiers
 * (data/simulator/venues.json) and population regimes (data/simulator/regimes.json),
 * merged with the caller's overrides into one plain, serialisable `SimulationParams`
 * (it crosses the worker-thread boundary as is). This is the simulator's only I/O.
 */
export const SCENARIOS = ['2025-10-10', 'mild', 'custom'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const ADL_POLICIES = ['queue', 'pro-rata', 'socialized', 'vault'] as const;
export type AdlPolicy = (typeof ADL_POLICIES)[number];

export const VENUES = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid'] as const;
export type VenueId = (typeof VENUES)[number];

/**
 * A regime is a calibrated variant of a preset: the leverage mix of the crowded (long) side, plus the
 * preset values that mix needs (its `regimes` section). The winning side always carries the mix
 * measured on the accounts Hyperliquid auto-deleveraged on 10 Oct 2025, the only measured winners.
 * - crash-winners: the Hyperliquid calibration (longs at Hyperliquid's open interest by leverage).
 * - cex-typical: longs at centralised-venue leverage (Binance/BitMEX figures).
 */
export const REGIMES = ['crash-winners', 'cex-typical'] as const;
export type PopulationRegime = (typeof REGIMES)[number];

/** Leverage mixes in data/simulator/regimes.json. */
export const LEVERAGE_MIXES = ['open-interest', 'crash-winners', 'cex-typical'] as const;
export type LeverageMix = (typeof LEVERAGE_MIXES)[number];

/** binance: LeveragePnL; bitmex: PnL% × effective leverage; hyperliquid: side-adjusted profit ratio × leverage. */
export type QueueRanking = 'binance' | 'bitmex' | 'hyperliquid';

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

export interface SimulationParams {
  scenario: ScenarioName;
  seed: number;
  positions: number;
  steps: number;
  minutes: number;
  venue: VenueId;
  queueRanking: QueueRanking;
  tiers: MarginTiers;
  policies: AdlPolicy[];
  /** Leverage mix of the crowded long side; the short side always uses the measured crash-winners mix. */
  regime: PopulationRegime;
  longPopulation: PopulationSpec;
  shortPopulation: PopulationSpec;
  startPrice: number;
  /** Outside selling pressure as a fraction of the start price (liquidations add their own impact). */
  drop: number;
  /** Share of the steps during which the outside selling happens. */
  crashShare: number;
  /** Share of the (log) drop bought back after the crash phase. */
  recovery: number;
  noisePerStep: number;
  openInterestUsd: number;
  longShare: number;
  runUp: number;
  depthUsdPerPct: number;
  depthVolatilitySensitivity: number;
  /** Depth never falls below this share of normal depth. */
  depthFloor: number;
  /** When the book empties (share of the run), for how long, and to what share of normal depth. */
  collapseAt: number;
  collapseMinutes: number;
  collapseDepth: number;
  /** Share of a liquidation's price impact that stays; the rest is a wick the book refills. */
  permanentImpactShare: number;
  /** Share of the wick still there one step later. */
  bookResilience: number;
  /** The local book (its wick, and the fills) stays within this share of the index. */
  maxWick: number;
  fundUsd: number;
  vaultUsd: number;
  /** The vault absorbs deficits until its balance falls to this fraction of its start. */
  vaultFloor: number;
  /** Check the zero-sum ledger after every step (slow: O(N) per step). */
  verify: boolean;
  disclaimer: string;
}

export type SimulationOverrides = Partial<
  Pick<
    SimulationParams,
    | 'seed'
    | 'positions'
    | 'steps'
    | 'minutes'
    | 'venue'
    | 'policies'
    | 'regime'
    | 'drop'
    | 'depthUsdPerPct'
    | 'fundUsd'
    | 'vaultUsd'
    | 'longShare'
    | 'verify'
    | 'tiers'
  >
>;

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
  value: number | string;
  source: string;
}

interface PresetFile {
  name: string;
  disclaimer: string;
  parameters: Record<string, PresetValue>;
  /** Per regime: the crowded side's leverage mix and the parameter values that replace the defaults. */
  regimes: Record<PopulationRegime, { longMix: LeverageMix; source: string; parameters: Record<string, PresetValue> }>;
}

interface VenuesFile {
  venues: Record<VenueId, MarginTiers & { queueRanking: QueueRanking; source: string }>;
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

export function venueSource(venue: VenueId): string {
  return readJson<VenuesFile>('data', 'simulator', 'venues.json').venues[venue].source;
}

export function leverageMixSource(mix: LeverageMix): string {
  return readJson<RegimesFile>('data', 'simulator', 'regimes.json').regimes[mix].source;
}

/** `custom` starts from the 2025-10-10 preset; the caller's overrides replace its values. */
export function resolveParams(scenario: string, overrides: SimulationOverrides = {}): SimulationParams {
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new SimulationInputError('unknown-scenario', scenario);
  const name = scenario as ScenarioName;
  const preset = loadPreset(name === 'custom' ? '2025-10-10' : name);
  const regime = overrides.regime ?? (preset.parameters.regime.value as PopulationRegime);
  if (!(REGIMES as readonly string[]).includes(regime)) throw new SimulationInputError('unknown-regime', regime);
  const regimeSpec = preset.regimes[regime];
  const value = (key: string): number | string => {
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

  const venueSpec = readJson<VenuesFile>('data', 'simulator', 'venues.json').venues[venue];
  const regimes = readJson<RegimesFile>('data', 'simulator', 'regimes.json').regimes;
  const populationOf = (spec: PopulationSpec): PopulationSpec => ({
    equityLogMean: spec.equityLogMean,
    equityLogSd: spec.equityLogSd,
    leverageBuckets: spec.leverageBuckets.map((bucket) => ({ min: bucket.min, max: bucket.max, share: bucket.share })),
  });

  const params: SimulationParams = {
    scenario: name,
    seed: overrides.seed ?? 1010,
    positions: overrides.positions ?? num('positions'),
    steps: overrides.steps ?? num('steps'),
    minutes: overrides.minutes ?? num('minutes'),
    venue,
    queueRanking: venueSpec.queueRanking,
    // Callers with the venue tables of src/core (the /simulate command) pass them in; the copy in
    // data/simulator/venues.json keeps the simulator self-contained for tests and the bench.
    tiers: overrides.tiers ?? {
      floors: [...venueSpec.floors],
      mmrs: [...venueSpec.mmrs],
      maintenanceAmounts: [...venueSpec.maintenanceAmounts],
      maxLeverage: [...venueSpec.maxLeverage],
    },
    policies: [...new Set(policies)],
    regime,
    longPopulation: populationOf(regimes[regimeSpec.longMix]),
    shortPopulation: populationOf(regimes['crash-winners']),
    startPrice: num('startPrice'),
    drop: overrides.drop ?? num('drop'),
    crashShare: num('crashShare'),
    recovery: num('recovery'),
    noisePerStep: num('noisePerStep'),
    openInterestUsd: num('openInterestUsd'),
    longShare: overrides.longShare ?? num('longShare'),
    runUp: num('runUp'),
    depthUsdPerPct: overrides.depthUsdPerPct ?? num('depthUsdPerPct'),
    depthVolatilitySensitivity: num('depthVolatilitySensitivity'),
    depthFloor: num('depthFloor'),
    collapseAt: num('collapseAt'),
    collapseMinutes: num('collapseMinutes'),
    collapseDepth: num('collapseDepth'),
    permanentImpactShare: num('permanentImpactShare'),
    bookResilience: num('bookResilience'),
    maxWick: num('maxWick'),
    fundUsd: overrides.fundUsd ?? num('fundUsd'),
    vaultUsd: overrides.vaultUsd ?? num('vaultUsd'),
    vaultFloor: num('vaultFloor'),
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
  if (!within(params.drop, LIMITS.drop)) throw new SimulationInputError('drop-out-of-range', params.drop);
  if (!Number.isInteger(params.seed) || !within(params.seed, LIMITS.seed)) throw new SimulationInputError('seed-out-of-range', params.seed);
  if (!(params.fundUsd >= 0 && params.fundUsd <= 1e12) || !(params.vaultUsd >= 0 && params.vaultUsd <= 1e12)) {
    throw new SimulationInputError('fund-out-of-range', params.fundUsd);
  }
  if (!(params.depthUsdPerPct > 0 && params.depthUsdPerPct <= 1e12)) throw new SimulationInputError('depth-out-of-range', params.depthUsdPerPct);
  if (!(params.longShare > 0 && params.longShare < 1)) throw new SimulationInputError('long-share-out-of-range', params.longShare);
  const { floors, mmrs, maintenanceAmounts, maxLeverage } = params.tiers;
  const sameLength = [mmrs, maintenanceAmounts, maxLeverage].every((column) => column.length === floors.length);
  if (floors.length === 0 || !sameLength || floors[0] !== 0 || floors.some((floor, k) => k > 0 && floor <= floors[k - 1])) {
    throw new Error('margin tiers must be parallel arrays with increasing floors starting at 0');
  }
}
