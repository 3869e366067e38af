import type { SimulationParams } from './params.ts';
import { stepSeconds } from './params.ts';
import type { Population } from './population.ts';
import type { PassOutcome } from './waterfall.ts';

/**
 * The run next to Hyperliquid's published record of 10 Oct 2025 (21:15–21:27 UTC). Absolute figures
 * (USD, users, accounts, fills) are the model's values inside the same window times one factor, the
 * scale of the population: Hyperliquid's reconstructed accounts ÷ modelled accounts (open interest and
 * funds are divided by the same factor). Ratios and times are compared as they are. ratio = model ÷ published.
 */
export interface PublishedFigure {
  key: string;
  model: number | null;
  published: number;
  ratio: number | null;
  source: string;
}

export interface PublishedComparison {
  /** Only the preset's own venue and scenario have a published record to compare with. */
  comparable: boolean;
  /** Multiplies the model's USD and counts: referenceAccounts ÷ modelled accounts. */
  scale: number;
  scaleBasis: string;
  figures: PublishedFigure[];
}

export function comparePublished(params: SimulationParams, population: Population, production: PassOutcome, comparable: boolean): PublishedComparison {
  const scale = population.scale;
  const w = production.window;
  const lag = w.firstAdlStep >= 0 && w.firstLiquidationStep >= 0 ? (w.firstAdlStep - w.firstLiquidationStep) * stepSeconds(params) : null;
  const model: Record<string, number | null> = {
    liquidatedUsd: w.liquidatedNotional * scale,
    deficitToLiquidated: w.liquidatedNotional > 0 ? w.deficit / w.liquidatedNotional : null,
    adlNotionalUsd: w.adlNotional * scale,
    adlUsers: w.adlUsers * scale,
    adlFills: w.adlFills * scale,
    firstAdlLagSeconds: lag,
    // Chitra's ratio: production haircut ÷ needed, needed = Σ |mark − fill| × size over the ADL fills (what they raised at the moment).
    queueTakenToNeed: production.collected > 0 ? production.taken / production.collected : null,
    negativeEquityAccounts: w.negativeEquityAccounts * scale,
    adlTargetsInProfit: production.adlFills > 0 ? production.closesInProfitShare : null,
  };
  const figures = Object.entries(params.published).map(([key, { value, source }]) => {
    const value_ = model[key] ?? null;
    return { key, model: value_, published: value, ratio: value_ === null || value === 0 ? null : value_ / value, source };
  });
  return {
    comparable,
    scale,
    scaleBasis: `${params.referenceAccounts} accounts ÷ ${population.accountCount} modelled accounts`,
    figures,
  };
}
