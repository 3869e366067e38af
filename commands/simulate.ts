import type { Command, OptionValue, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import { localized } from '../src/chat/i18n.ts';
import type { Block, Reply } from '../src/chat/reply.ts';
import { serviceKey } from '../src/chat/services.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd, formatUsdCompact, type NumberLang } from '../src/core/numbers.ts';
import { getVenue, shippedTable } from '../src/core/venues.ts';
import { renderSimulationChart } from '../src/simulator/chart.ts';
import {
  ADL_POLICIES,
  LIMITS,
  presetVenue,
  REGIMES,
  resolveParams,
  SCENARIOS,
  SimulationInputError,
  VENUES,
  type AdlPolicy,
  type MarginTiers,
  type PopulationRegime,
  type SimulationOverrides,
  type SimulationParams,
  type VenueId,
} from '../src/simulator/params.ts';
import type { PublishedFigure } from '../src/simulator/published.ts';
import { SimulationBusyError, type SimulationRunner } from '../src/simulator/runner.ts';
import { runSimulation, type SimulationResult } from '../src/simulator/simulate.ts';

/** Chat runs are capped at this many positions unless the runner says otherwise (config.simulateMaxPositions). */
export const DEFAULT_CHAT_MAX_POSITIONS = 200_000;

const POLICY_CHOICES = [...ADL_POLICIES, 'all'] as const;

/** The worker pool that runs simulations off the chat thread (src/app.ts provides it; absent: runs in-process). */
export const SIMULATOR = serviceKey<Pick<SimulationRunner, 'run' | 'maxChatPositions'>>('simulator');

export const simulateCommand: Command = {
  name: 'simulate',
  aliases: ['sim'],
  description: localized('simulate.description'),
  cost: 'heavy',
  slow: true,
  options: [
    { name: 'scenario', kind: 'enum', choices: SCENARIOS, default: '2025-10-10', positional: true, description: localized('simulate.option-scenario') },
    { name: 'positions', aliases: ['n'], kind: 'integer', description: localized('simulate.option-positions') },
    { name: 'seed', kind: 'integer', description: localized('simulate.option-seed') },
    { name: 'venue', kind: 'enum', choices: VENUES, description: localized('simulate.option-venue') },
    { name: 'policy', kind: 'enum', choices: POLICY_CHOICES, default: 'all', description: localized('simulate.option-policy') },
    { name: 'drop', kind: 'percent', description: localized('simulate.option-drop') },
    { name: 'minutes', aliases: ['min'], kind: 'number', description: localized('simulate.option-minutes') },
    { name: 'fund', kind: 'number', description: localized('simulate.option-fund') },
    { name: 'depth', kind: 'number', description: localized('simulate.option-depth') },
    { name: 'regime', aliases: ['mix', 'leverage'], kind: 'enum', choices: REGIMES, description: localized('simulate.option-regime') },
  ],
  examples: [
    { args: { scenario: '2025-10-10' }, positional: ['2025-10-10'] },
    { args: { scenario: 'custom', drop: '15%', minutes: '30', fund: '50m' }, positional: ['custom'] },
    { args: { scenario: '2025-10-10', venue: 'binance' }, positional: ['2025-10-10'] },
    { args: { scenario: 'mild', policy: 'queue' }, positional: ['mild'] },
  ],
  async run(args, ctx) {
    const params = paramsFromArgs(args, ctx);
    let result: SimulationResult;
    try {
      const simulator = ctx.services.get(SIMULATOR);
      result = simulator ? await simulator.run(params) : runSimulation(params);
    } catch (error) {
      if (error instanceof SimulationBusyError) throw new UserError('simulate.error-busy');
      throw error;
    }
    return await simulationReply(result, ctx);
  },
};

/** Parsed chat options → simulator parameters; every bad value becomes a UserError with an example. */
export function paramsFromArgs(args: ParsedArgs, ctx: ChatContext): SimulationParams {
  const maxPositions =
    ctx.face.oneShot ? LIMITS.positions.max : (ctx.services.get(SIMULATOR)?.maxChatPositions ?? DEFAULT_CHAT_MAX_POSITIONS);
  const overrides: SimulationOverrides = {};
  const positions = numberOf(args.positions);
  if (positions !== undefined) {
    if (!Number.isInteger(positions) || positions < LIMITS.positions.min || positions > maxPositions) {
      throw new UserError('simulate.error-positions', { value: String(args.positions), max: formatNumber(maxPositions, ctx.lang) });
    }
    overrides.positions = positions;
  }
  const scenario = typeof args.scenario === 'string' ? args.scenario : '2025-10-10';
  const seed = numberOf(args.seed);
  if (seed !== undefined) overrides.seed = seed;
  if (typeof args.venue === 'string') overrides.venue = args.venue as VenueId;
  // Shipped, dated venue tables (the ones /liq and /adl-rank use) replace the simulator's model copy where they exist.
  const venue = overrides.venue ?? ((SCENARIOS as readonly string[]).includes(scenario) ? presetVenue(scenario) : undefined);
  if (venue !== undefined && (VENUES as readonly string[]).includes(venue)) overrides.tiersByTable = marketTables(venue);
  if (typeof args.regime === 'string') overrides.regime = args.regime as PopulationRegime;
  const policy = typeof args.policy === 'string' ? args.policy : 'all';
  if (policy !== 'all') overrides.policies = [policy as AdlPolicy];
  const drop = numberOf(args.drop);
  if (drop !== undefined) overrides.drop = drop;
  const minutes = numberOf(args.minutes);
  if (minutes !== undefined) overrides.minutes = minutes;
  const fund = numberOf(args.fund);
  // The backstop that pays first: the insurance fund, or on Hyperliquid the liquidator vault.
  if (fund !== undefined) {
    overrides.fundUsd = fund;
    overrides.backstopVaultUsd = fund;
  }
  const depth = numberOf(args.depth);
  if (depth !== undefined) overrides.depthUsdPerPct = depth;

  try {
    const params = resolveParams(scenario, overrides);
    // A preset's default size yields to a smaller chat cap.
    return params.positions > maxPositions ? resolveParams(scenario, { ...overrides, positions: maxPositions }) : params;
  } catch (error) {
    if (error instanceof SimulationInputError) throw userErrorFor(error, ctx, maxPositions);
    throw error;
  }
}

/** The market tables a run uses: BTC, ETH and SOL their own; HYPE and the alt basket the venue's `default`. */
export const MARKET_TABLES = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'default'] as const;

/**
 * The venue's dated tables shipped in data/venues (the same ones /liq and /adl-rank use), as the
 * simulator's plain arrays, for the market tables a run uses. A table not shipped for that symbol is left
 * out: the simulator then uses its own model copy (data/simulator/venues.json, each table naming its source,
 * stand-ins marked as such). Venues that apply one tier's rate to the whole position (OKX, BitMEX) have no
 * deduction.
 */
export function marketTables(venue: VenueId): Record<string, MarginTiers> {
  const rules = getVenue(venue);
  const wholePosition = rules.liquidation.maintenanceModel === 'whole-position';
  const tables: Record<string, MarginTiers> = {};
  for (const symbol of MARKET_TABLES) {
    const table = symbol === 'default' ? undefined : shippedTable(rules, symbol);
    if (!table) continue;
    tables[symbol] = {
      floors: table.tiers.map((tier) => tier.floor.toNumber()),
      mmrs: table.tiers.map((tier) => tier.mmr.toNumber()),
      maintenanceAmounts: table.tiers.map((tier) => (wholePosition ? 0 : tier.maintenanceAmount.toNumber())),
      maxLeverage: table.tiers.map((tier) => tier.maxLeverage?.toNumber() ?? Number.POSITIVE_INFINITY),
    };
  }
  return tables;
}

function numberOf(value: OptionValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

function userErrorFor(error: SimulationInputError, ctx: ChatContext, maxPositions: number): UserError {
  const shown = (percent: boolean) => {
    const n = Number(error.value);
    return Number.isFinite(n) ? (percent ? formatPercent(n, ctx.lang) : formatNumber(n, ctx.lang)) : error.value;
  };
  switch (error.problem) {
    case 'unknown-scenario':
    case 'unknown-policy':
    case 'unknown-venue':
    case 'unknown-regime':
      return new UserError(`simulate.error-${error.problem}`, { value: error.value });
    case 'drop-out-of-range':
      return new UserError('simulate.error-drop', {
        value: shown(true),
        min: formatPercent(LIMITS.drop.min, ctx.lang),
        max: formatPercent(LIMITS.drop.max, ctx.lang),
      });
    case 'minutes-out-of-range':
      return new UserError('simulate.error-minutes', {
        value: shown(false),
        min: formatNumber(LIMITS.minutes.min, ctx.lang),
        max: formatNumber(LIMITS.minutes.max, ctx.lang),
      });
    case 'positions-out-of-range':
      return new UserError('simulate.error-positions', { value: shown(false), max: formatNumber(maxPositions, ctx.lang) });
    case 'seed-out-of-range':
      return new UserError('simulate.error-seed', { value: shown(false), max: formatNumber(LIMITS.seed.max, ctx.lang) });
    case 'fund-out-of-range':
      return new UserError('simulate.error-fund', { value: shown(false) });
    case 'depth-out-of-range':
      return new UserError('simulate.error-depth', { value: shown(false) });
    case 'steps-out-of-range':
      return new UserError('simulate.error-steps', {
        value: shown(false),
        min: formatNumber(LIMITS.steps.min, ctx.lang),
        max: formatNumber(LIMITS.steps.max, ctx.lang),
      });
    case 'long-share-out-of-range':
      return new UserError('simulate.error-long-share', { value: shown(true) });
  }
}

/** en: the ISO date; vi: dd/mm/yyyy. Custom runs have no date. */
function scenarioLabel(result: SimulationResult, lang: NumberLang): string {
  if (result.scenario !== '2025-10-10') return result.scenario;
  const [year, month, day] = result.clock.date.split('-');
  return lang === 'vi' ? `${day}/${month}/${year}` : result.clock.date;
}

/** A published figure in people's units: USD compact, shares as percents, counts whole, seconds, ratios as ×. */
function figureValue(figure: PublishedFigure, value: number | null, lang: NumberLang): string {
  if (value === null) return '–';
  switch (figure.key) {
    case 'liquidatedUsd':
    case 'adlNotionalUsd':
      return formatUsdCompact(value, lang);
    case 'deficitToLiquidated':
      return formatPercent(value, lang, { decimals: 2 });
    case 'adlTargetsInProfit':
      return formatPercent(value, lang, { decimals: 1 });
    case 'firstAdlLagSeconds':
      return `${formatNumber(Math.round(value), lang)} s`;
    case 'queueTakenToNeed':
      return `${formatNumber(value, lang, { decimals: 2 })}×`;
    default:
      return formatNumber(Math.round(value), lang);
  }
}

export async function simulationReply(result: SimulationResult, ctx: ChatContext): Promise<Reply> {
  const { t, lang } = ctx;
  const scale = result.scale;
  // Absolute figures at the venue's size: the model's × its scale (published.ts).
  const usd = (value: number) => formatUsdCompact(value * scale, lang);
  const price = (value: number) => formatUsd(value, lang, { decimals: 0 });
  const label = scenarioLabel(result, lang);
  const blocks: Block[] = [
    {
      kind: 'text',
      text: t('simulate.intro', {
        positions: formatNumber(result.positions, lang),
        accounts: formatNumber(result.accounts, lang),
        scale: formatNumber(scale, lang, { decimals: 2 }),
        seed: String(result.seed),
        venue: getVenue(result.venue).displayName,
        regime: t(`simulate.regime-${result.regime}`),
        from: result.clock.start.slice(0, 5),
        minutes: formatNumber(result.minutes, lang),
        start: price(result.price.start),
        low: price(result.price.low),
        lowPct: formatPercent(result.price.lowPct, lang, { signed: true }),
        markets: result.markets
          .slice(1)
          .map((market) => `${market.id} ${formatPercent(market.lowPct, lang, { signed: true })}`)
          .join(', '),
      }),
    },
    {
      kind: 'fields',
      fields: [
        { label: t('simulate.field-liquidated'), value: `${usd(result.liquidatedNotional.long)} / ${usd(result.liquidatedNotional.short)}`, inline: true },
        {
          label: t(result.fund.kind === 'backstop-vault' ? 'simulate.field-vault' : 'simulate.field-fund'),
          value: `${usd(result.fund.start)} / ${usd(result.fund.min)} / ${usd(result.fund.end)}`,
          inline: true,
        },
        { label: t('simulate.field-deficit'), value: usd(result.deficit), inline: true },
        {
          label: t('simulate.field-population'),
          value: t('simulate.population-value', {
            oi: usd(result.population.openInterest.long),
            share: formatPercent(result.population.top1PctNotionalShare, lang),
          }),
          inline: true,
        },
      ],
    },
  ];

  const adlHappened = result.policies.some((policy) => policy.need > 0) || result.deficit > 0;
  if (result.policies.length > 0) {
    blocks.push({
      kind: 'table',
      columns: ['policy', 'adl-notional', 'hit', 'max-haircut', 'taken', 'winners-hit', 'gini'].map((c) => t(`simulate.col-${c}`)),
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: result.policies.map((policy) => [
        t(`simulate.policy-${policy.policy}`),
        // Haircut policies close no positions: no ADL'd notional to show.
        policy.policy === 'pro-rata' || policy.policy === 'socialized' ? '–' : usd(policy.adlNotional),
        formatNumber(Math.round(policy.tradersHit * scale), lang),
        formatPercent(policy.maxHaircutPct, lang),
        policy.need > 0 ? `${formatNumber(policy.takenToNeed, lang, { decimals: 2 })}×` : '–',
        formatPercent(policy.shareOfWinnersHit, lang),
        formatNumber(policy.giniHaircut, lang, { decimals: 2 }),
      ]),
    });
  }
  if (result.published.length > 0) {
    blocks.push({
      kind: 'text',
      text: result.publishedBasis.comparable
        ? t('simulate.published-intro', { scale: formatNumber(scale, lang, { decimals: 2 }) })
        : t('simulate.published-not-comparable', { venue: getVenue(result.venue).displayName }),
    });
    if (result.publishedBasis.comparable) {
      blocks.push({
        kind: 'table',
        columns: ['figure', 'model', 'published', 'ratio'].map((c) => t(`simulate.col-published-${c}`)),
        align: ['left', 'right', 'right', 'right'],
        rows: result.published.map((figure) => [
          t(`simulate.figure-${figure.key}`),
          figureValue(figure, figure.model, lang),
          figureValue(figure, figure.published, lang),
          figure.ratio === null || figure.ratio < 0 ? '–' : `${formatNumber(figure.ratio, lang, { decimals: 2 })}×`,
        ]),
      });
      const lag = result.published.find((figure) => figure.key === 'firstAdlLagSeconds')?.model;
      if (lag !== undefined && lag !== null && lag < 0) {
        blocks.push({ kind: 'text', text: t('simulate.adl-before-window', { seconds: formatNumber(Math.round(-lag), lang) }) });
      }
    }
  }
  const queue = result.policies.find((p) => p.policy === 'queue');
  const proRata = result.policies.find((p) => p.policy === 'pro-rata');
  if (!adlHappened) {
    blocks.push({ kind: 'text', text: t('simulate.no-adl') });
  } else if (queue && proRata && queue.need > 0) {
    blocks.push({
      kind: 'text',
      text: t('simulate.adl-happened', {
        need: usd(proRata.need),
        queueHit: formatNumber(Math.round(queue.tradersHit * scale), lang),
        queueTaken: usd(queue.taken),
        queueRatio: formatNumber(queue.takenToNeed, lang, { decimals: 2 }),
        proRataHit: formatNumber(Math.round(proRata.tradersHit * scale), lang),
      }),
    });
  }
  if (result.queueProfile) {
    const { firstAdled, eligibleWinners } = result.queueProfile;
    blocks.push({
      kind: 'text',
      text: t('simulate.queue-profile', {
        pnl: formatPercent(firstAdled.medianPnlPct, lang),
        leverage: formatLeverage(round2(firstAdled.medianLeverage), lang),
        allPnl: formatPercent(eligibleWinners.medianPnlPct, lang),
        allLeverage: formatLeverage(round2(eligibleWinners.medianLeverage), lang),
      }),
    });
  }
  blocks.push({ kind: 'text', text: `_${t('simulate.policies-note')}_` });

  const image = {
    png: await renderSimulationChart(result, {
      title: t('simulate.chart-title', { scenario: label }),
      price: t('simulate.chart-price'),
      fund: t(result.fund.kind === 'backstop-vault' ? 'simulate.chart-vault' : 'simulate.chart-fund'),
      liquidatedLong: t('simulate.chart-liquidated-long'),
      liquidatedShort: t('simulate.chart-liquidated-short'),
      adl: t('simulate.chart-adl'),
      minutes: t('simulate.chart-minutes', { from: result.clock.start.slice(0, 5) }),
      million: t('simulate.chart-million'),
      billion: t('simulate.chart-billion'),
    }),
    alt: t('simulate.chart-alt', { scenario: label }),
    filename: `simulation-${result.scenario}-${result.seed}.png`,
  };

  return {
    title: t('simulate.title', { scenario: label }),
    tone: adlHappened ? 'warn' : 'info',
    blocks,
    image,
    footer: `${t('simulate.footer')} ${t('simulate.limits')}`,
    data: result as unknown as Record<string, unknown>,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
