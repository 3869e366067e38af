import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../paths.ts';
import type { VenueId } from './venues.ts';

/**
 * The seeded reference population that ADL percentiles are estimated against
 * (parameters and their sources: data/adl/reference-population.json).
 */
const bucket = z.object({ min: z.number().positive(), max: z.number().positive(), share: z.number().min(0).max(1) });
const populationSchema = z.object({
  seed: z.number().int(),
  size: z.number().int().min(100).max(100_000),
  equity: z.object({ meanLn: z.number(), sdLn: z.number().positive(), min: z.number().positive(), max: z.number().positive(), source: z.string() }),
  sideShares: z.object({ long: z.number(), short: z.number() }),
  profit: z.object({
    profitableShare: z.number().min(0).max(1),
    /** Quantiles of uPnL ÷ position value among profitable positions (the source's own unit). */
    profitToValueQuantiles: z.array(z.object({ q: z.number().min(0).max(1), value: z.number().min(0) })).min(2),
    /** Losing positions: loss as a share of margin, uniformly in this range. */
    losingRoeRange: z.tuple([z.number(), z.number()]),
  }),
  leverageRegimes: z.record(z.string(), z.object({ venues: z.array(z.string()), buckets: z.array(bucket).min(1), source: z.string() })),
});
export type PopulationParameters = z.infer<typeof populationSchema>;

let parameters: PopulationParameters | undefined;
export function populationParameters(): PopulationParameters {
  parameters ??= populationSchema.parse(JSON.parse(readFileSync(projectPath('data', 'adl', 'reference-population.json'), 'utf8')));
  return parameters;
}

/** mulberry32: a small, fast, deterministic 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One reference position, entry price 100, isolated margin. */
export interface ReferenceMember {
  sign: 1 | -1;
  equity: number;
  /** Leverage before the venue cap. */
  leverage: number;
  /** Profitable members: uPnL ÷ position value at mark (the population's unit); null for losing members. */
  profitToValue: number | null;
  /** Losing members: uPnL ÷ margin (≤ 0); 0 for profitable members. */
  lossOnMargin: number;
}

function interpolateQuantile(points: Array<{ q: number; value: number }>, u: number): number {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (u <= b.q) return a.value + ((u - a.q) / (b.q - a.q || 1)) * (b.value - a.value);
  }
  return points[points.length - 1].value;
}

export function regimeFor(venue: VenueId, params = populationParameters()): string {
  for (const [name, regime] of Object.entries(params.leverageRegimes)) if (regime.venues.includes(venue)) return name;
  return Object.keys(params.leverageRegimes)[0];
}

const membersByRegime = new Map<string, ReferenceMember[]>();

/** The members of a leverage regime: generated once from the fixed seed, then cached. */
export function referenceMembers(regime: string, params = populationParameters()): ReferenceMember[] {
  const cached = membersByRegime.get(regime);
  if (cached) return cached;
  const buckets = params.leverageRegimes[regime]?.buckets;
  if (!buckets) throw new Error(`reference population: no leverage regime "${regime}"`);
  const totalShare = buckets.reduce((sum, b) => sum + b.share, 0);
  const random = mulberry32(params.seed);
  const normal = () => {
    const u1 = Math.max(random(), Number.EPSILON);
    const u2 = random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  const members: ReferenceMember[] = [];
  for (let i = 0; i < params.size; i++) {
    const sign: 1 | -1 = random() < params.sideShares.long / (params.sideShares.long + params.sideShares.short) ? 1 : -1;
    const equity = Math.min(params.equity.max, Math.max(params.equity.min, Math.exp(params.equity.meanLn + params.equity.sdLn * normal())));
    let pick = random() * totalShare;
    let chosen = buckets[buckets.length - 1];
    for (const b of buckets) {
      if (pick < b.share) {
        chosen = b;
        break;
      }
      pick -= b.share;
    }
    const leverage = Math.exp(Math.log(chosen.min) + random() * (Math.log(chosen.max) - Math.log(chosen.min)));
    const profitable = random() < params.profit.profitableShare;
    const [lossLow, lossHigh] = params.profit.losingRoeRange;
    const draw = random();
    members.push(
      profitable
        ? { sign, equity, leverage, profitToValue: interpolateQuantile(params.profit.profitToValueQuantiles, draw), lossOnMargin: 0 }
        : { sign, equity, leverage, profitToValue: null, lossOnMargin: lossLow + draw * (lossHigh - lossLow) },
    );
  }
  membersByRegime.set(regime, members);
  return members;
}
