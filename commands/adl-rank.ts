import type { Command, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import type { Reply } from '../src/chat/reply.ts';
import { referenceMembers, regimeFor } from '../src/core/adl-population.ts';
import { computeAdlRank, type AdlAdvice, type AdlRankResult } from '../src/core/adl.ts';
import { isCalculationInputError } from '../src/core/errors.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../src/core/numbers.ts';
import { normaliseSymbol, RANKED_VENUES, VENUE_IDS, type VenueId } from '../src/core/venues.ts';
import { UserError } from '../src/chat/errors.ts';
import type { Fallback } from '../src/market/tiers/service.ts';
import {
  assumptionLines,
  baseAsset,
  decimalString,
  positionFromArgs,
  positionOptions,
  positionWithTable,
  retryCommand,
  tableData,
  tableNote,
  userErrorFor,
  venueName,
  withUserErrors,
  type PositionArgs,
} from './position-args.ts';

const EXAMPLE = '/adl-rank binance short 122000 102000 1 20x';
const ALL = 'all';

function adviceData(advice: AdlAdvice): Record<string, unknown> {
  switch (advice.kind) {
    case 'add-margin':
      return { kind: advice.kind, addMargin: decimalString(advice.addMargin), targetLeverage: decimalString(advice.targetLeverage), lightsAfter: advice.lightsAfter };
    case 'take-profit':
      return { kind: advice.kind, reducePct: decimalString(advice.reducePct), closeQuantity: decimalString(advice.closeQuantity), lightsAfter: advice.lightsAfter };
    default:
      return { kind: advice.kind };
  }
}

export function adlRankData(result: AdlRankResult, fallbacks: readonly Fallback[] = []): Record<string, unknown> {
  return {
    venue: result.venue,
    symbol: result.symbol,
    side: result.side,
    ranked: result.ranked,
    formula: result.formula,
    score: decimalString(result.score),
    lights: result.lights,
    percentile: result.percentile,
    estimate: true,
    closeoutRule: result.closeoutRule,
    closeoutPrice: decimalString(result.closeoutPrice),
    ownBankruptcyPrice: decimalString(result.ownBankruptcyPrice),
    markPrice: decimalString(result.markPrice),
    entryPrice: decimalString(result.entryPrice),
    pnl: decimalString(result.pnl),
    pnlPct: decimalString(result.pnlPct),
    pnlToValue: decimalString(result.pnlToValue),
    priceChangePct: decimalString(result.priceChangePct),
    effectiveLeverage: decimalString(result.effectiveLeverage),
    leverage: decimalString(result.leverage),
    advice: result.advice.map(adviceData),
    assumptions: result.assumptions,
    source: result.source,
    populationSize: result.populationSize,
    comparedOn: 'pnl-to-position-value',
    table: result.table ? tableData(result.table, fallbacks) : null,
  };
}

/** ●●●○○ */
export function lightsBar(lights: number): string {
  return '●'.repeat(lights) + '○'.repeat(5 - lights);
}

function adviceLine(advice: AdlAdvice, result: AdlRankResult, ctx: ChatContext): string {
  const { t, lang } = ctx;
  switch (advice.kind) {
    case 'add-margin':
      return `• ${t('adl.advice.add-margin', { amount: formatUsd(advice.addMargin, lang), leverage: formatLeverage(advice.targetLeverage, lang), lights: advice.lightsAfter })}`;
    case 'take-profit':
      return `• ${t('adl.advice.take-profit', {
        pct: formatPercent(advice.reducePct, lang, { decimals: 1 }),
        quantity: formatNumber(advice.closeQuantity, lang, { maxDecimals: 6 }),
        base: baseAsset(result.symbol),
        lights: advice.lightsAfter,
      })}`;
    default:
      return `• ${t(`adl.advice.${advice.kind}`)}`;
  }
}

function closeoutText(result: AdlRankResult, ctx: ChatContext): string {
  const rule = ctx.t(`venues.closeout.${result.closeoutRule}`);
  return result.closeoutPrice ? ctx.t('adl.closeout.at-price', { rule, price: formatUsd(result.closeoutPrice, ctx.lang) }) : rule;
}

export function adlRankReply(result: AdlRankResult, ctx: ChatContext, fallbacks: readonly Fallback[] = []): Reply {
  const { t, lang } = ctx;
  const venue = venueName(result.venue, ctx);
  const fields = [];
  if (result.ranked && result.lights !== null && result.percentile !== null) {
    fields.push(
      { label: t('adl.field.lights'), value: t('adl.field.lights-value', { bar: lightsBar(result.lights), lights: result.lights }), inline: true },
      { label: t('adl.field.percentile'), value: t('adl.field.percentile-value', { pct: formatPercent(result.percentile, lang, { decimals: 0 }) }), inline: true },
      { label: t('adl.field.score'), value: result.score && result.score.gte(0) ? formatNumber(result.score, lang, { maxDecimals: 6 }) : t('adl.value.not-ranked'), inline: true },
    );
  }
  fields.push(
    { label: t('adl.field.pnl'), value: t('adl.field.pnl-value', { pnl: formatUsd(result.pnl, lang, { signed: true }), roe: formatPercent(result.pnlPct, lang, { signed: true }) }), inline: true },
    { label: t('adl.field.pnl-to-value'), value: formatPercent(result.pnlToValue, lang, { signed: true }), inline: true },
    { label: t('adl.field.effective-leverage'), value: result.effectiveLeverage ? formatLeverage(result.effectiveLeverage, lang) : '—', inline: true },
    { label: t('adl.field.closeout'), value: closeoutText(result, ctx), inline: false },
    { label: t('adl.field.own-bankruptcy'), value: result.ownBankruptcyPrice ? formatUsd(result.ownBankruptcyPrice, lang) : t('liq.value.none'), inline: true },
  );
  const intro = result.ranked
    ? t('adl.intro', { venue, formula: t(`venues.formula.${result.formula}`) })
    : t('adl.not-ranked', { venue });
  const advice = [t('adl.advice.title'), ...result.advice.map((a) => adviceLine(a, result, ctx))].join('\n');
  return {
    title: t('adl.title', { venue, symbol: result.symbol, side: t(`liq.side.${result.side}`) }),
    tone: result.lights !== null && result.lights >= 4 ? 'warn' : 'info',
    blocks: [
      { kind: 'fields', fields },
      { kind: 'text', text: `${intro}\n\n${advice}` },
    ],
    footer: [
      ...(result.ranked ? [t('adl.estimate', { size: formatNumber(result.populationSize, lang) }), t('adl.estimate-roe')] : []),
      ...assumptionLines(result.assumptions.filter((id) => id !== 'percentile-estimate'), ctx),
      t('adl.footer.source', { source: result.source }),
      ...(result.table ? [tableNote(result.table, fallbacks, result.venue, ctx)] : []),
      t('liq.footer.disclaimer'),
    ].join('\n'),
    data: adlRankData(result, fallbacks),
  };
}

/** `btc` → `BTCUSDT`; text that is no symbol is shown as typed (each venue row then says why it failed). */
function readableSymbol(symbol: string): string {
  try {
    return normaliseSymbol(symbol);
  } catch {
    return symbol;
  }
}

/**
 * All five ranked venues side by side, each with that symbol's own table. A venue that refuses the
 * position (leverage above its max) or has no table for the symbol shows why.
 */
async function allVenuesReply(position: PositionArgs, ctx: ChatContext): Promise<Reply> {
  const { t, lang } = ctx;
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};
  const assumptions = new Set<string>();
  const sizes = new Set<number>();
  const lookups = await Promise.all(
    RANKED_VENUES.map((venue) =>
      positionWithTable(venue, position.input, ctx, EXAMPLE).then(
        (ok) => ({ ok, error: undefined }),
        (error: unknown) => {
          if (!(error instanceof UserError)) throw error;
          return { ok: undefined, error };
        },
      ),
    ),
  );
  for (const [i, venue] of RANKED_VENUES.entries()) {
    const name = venueName(venue, ctx);
    const found = lookups[i];
    if (!found.ok) {
      rows.push([name, '—', '—', t('adl.table.no-table')]);
      results[venue] = { error: 'table-missing', params: found.error.params };
      continue;
    }
    try {
      const result = computeAdlRank({ ...found.ok.input, markPrice: position.input.markPrice! });
      result.assumptions.forEach((id) => assumptions.add(id));
      sizes.add(result.populationSize);
      rows.push([
        name,
        result.lights !== null ? `${lightsBar(result.lights)} ${result.lights}/5` : '—',
        result.percentile !== null ? formatPercent(result.percentile, lang, { decimals: 0 }) : '—',
        t(`adl.table.closeout.${result.closeoutRule}`),
      ]);
      results[venue] = adlRankData(result, found.ok.lookup.fallbacks);
    } catch (error) {
      if (!isCalculationInputError(error)) throw error;
      const message = userErrorFor(error.code, error.params, lang, EXAMPLE);
      rows.push([name, '—', '—', t(message.key, message.params)]);
      results[venue] = { error: error.code, params: error.params };
    }
  }
  const symbol = readableSymbol(position.input.symbol ?? 'BTCUSDT');
  // Queues are per side: each venue compares the position with the reference members on its side.
  const sign = position.input.side === 'long' ? 1 : -1;
  const sideSize = sizes.size > 0 ? Math.min(...sizes) : referenceMembers(regimeFor('binance')).filter((m) => m.sign === sign).length;
  return {
    title: t('adl.title-all', { symbol, side: t(`liq.side.${position.input.side}`) }),
    tone: 'info',
    blocks: [
      {
        kind: 'table',
        columns: [t('adl.table.venue'), t('adl.table.lights'), t('adl.table.percentile'), t('adl.table.closeout')],
        rows,
        align: ['left', 'left', 'right', 'left'],
      },
    ],
    footer: [
      t('adl.estimate', { size: formatNumber(sideSize, lang) }),
      ...assumptionLines([...assumptions].filter((id) => id !== 'percentile-estimate'), ctx),
      ...(rows.some((row) => row[3] === t('adl.table.no-table')) ? [t('adl.table.no-table-hint')] : []),
      t('liq.footer.disclaimer'),
    ].join('\n'),
    data: { estimate: true, venues: results },
  };
}

export const adlRankCommand: Command = {
  name: 'adl-rank',
  aliases: ['adlrank', 'adl'],
  description: {
    en: 'Where your position sits in the ADL queue (estimate) and what would move it back',
    vi: 'Vị trí ước tính của vị thế trong hàng chờ ADL và cách lùi về sau',
  },
  options: positionOptions({ venueChoices: [...VENUE_IDS, ALL], markRequired: true }),
  examples: [
    { args: { venue: 'binance', side: 'short', entry: '122000', mark: '102000', qty: '1', leverage: '20x' }, positional: ['binance', 'short', '122000', '102000', '1', '20x'] },
    { args: { venue: 'all', side: 'short', entry: '122k', mark: '102k', qty: '1', leverage: '10x' }, positional: ['all', 'short', '122k', '102k', '1', '10x'] },
  ],
  cost: 'light',
  async run(args: ParsedArgs, ctx: ChatContext): Promise<Reply> {
    const position = positionFromArgs(args, ctx, EXAMPLE, [...VENUE_IDS, ALL]);
    if (position.input.markPrice === undefined) throw userErrorFor('missing', { field: 'mark', example: EXAMPLE }, ctx.lang, EXAMPLE);
    if (position.venue === ALL) {
      // A maintenance rate read on one venue's screen says nothing about the others.
      if (position.input.mmrOverride !== undefined || position.input.maintenanceAmountOverride !== undefined) {
        throw userErrorFor('mmr-one-venue', {}, ctx.lang, EXAMPLE);
      }
      return allVenuesReply(position, ctx);
    }
    const { input, lookup } = await positionWithTable(position.venue as VenueId, position.input, ctx, EXAMPLE, (extra) =>
      retryCommand(adlRankCommand, args, ctx, extra),
    );
    const result = withUserErrors(ctx.lang, EXAMPLE, () => computeAdlRank({ ...input, markPrice: position.input.markPrice! }));
    return adlRankReply(result, ctx, lookup.fallbacks);
  },
};
