import { Decimal } from 'decimal.js';
import type { Lang, ParsedArgs } from '../../chat/command.ts';
import { translator, type Translator } from '../../chat/i18n.ts';
import { computeAdlRank, type AdlAdvice, type AdlRankResult } from '../../core/adl.ts';
import { isCalculationInputError } from '../../core/errors.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../../core/numbers.ts';
import { getVenue, shippedTable, VENUE_IDS, type VenueId } from '../../core/venues.ts';
import type { LiveValues } from '../live-values.ts';

/**
 * The adl walkthrough's numbers: the reader's position (`/explain adl side=short entry=122k
 * mark=102k lev=20`) or, without one, a default short opened near the 10 Oct 2025 high and
 * marked near the low, run through the same ADL calculator as `/adl-rank`, on the chosen venue
 * and on every other venue for comparison.
 */
export const DEFAULT_ADL_POSITION = {
  side: 'short' as const,
  entry: new Decimal(122_000),
  mark: new Decimal(102_000),
  leverage: new Decimal(20),
  venue: 'binance' as VenueId,
  qty: new Decimal(1),
};
export const ADL_SYMBOL = 'BTCUSDT';
const BASE_ASSET = 'BTC';

export interface AdlPosition {
  side: 'long' | 'short';
  entry: Decimal;
  mark: Decimal;
  leverage: Decimal;
  venue: VenueId;
  qty: Decimal;
}

/** The reader's position from the command's args, or the default example on the venue asked for (`given: false`). */
export function adlPositionFrom(args: ParsedArgs): { position: AdlPosition; given: boolean } {
  const venue = typeof args.venue === 'string' && (VENUE_IDS as readonly string[]).includes(args.venue) ? (args.venue as VenueId) : 'binance';
  if (args.side === undefined || args.entry === undefined || args.mark === undefined || args.leverage === undefined) {
    return { position: { ...DEFAULT_ADL_POSITION, venue }, given: false };
  }
  return {
    given: true,
    position: {
      side: args.side === 'short' ? 'short' : 'long',
      entry: new Decimal(args.entry),
      mark: new Decimal(args.mark),
      leverage: new Decimal(args.leverage),
      venue,
      qty: args.qty !== undefined ? new Decimal(args.qty) : DEFAULT_ADL_POSITION.qty,
    },
  };
}

export function adlRankFor(position: AdlPosition, venue: VenueId = position.venue): AdlRankResult {
  return computeAdlRank({
    venue,
    symbol: ADL_SYMBOL,
    side: position.side,
    entryPrice: position.entry,
    markPrice: position.mark,
    quantity: position.qty,
    leverage: position.leverage,
    // The venue's shipped BTCUSDT table where there is one; elsewhere ranked without a table (assumption adl-no-table).
    table: shippedTable(venue, ADL_SYMBOL) ?? null,
  });
}

export function lightsText(lights: number | null, t: Translator): string {
  if (lights === null) return t('explain.live.adl.not-ranked');
  return `${'●'.repeat(lights)}${'○'.repeat(5 - lights)} ${lights}/5`;
}

function closeoutText(result: AdlRankResult, t: Translator, lang: Lang): string {
  if (result.closeoutRule === 'counterparty-bankruptcy') return t('explain.live.adl.closeout.counterparty-bankruptcy');
  if (result.closeoutRule === 'mark') {
    return t('explain.live.adl.closeout.mark', { price: formatUsd(result.markPrice, lang) });
  }
  return t('explain.live.adl.closeout.previous-mark');
}

function adviceText(advice: AdlAdvice, t: Translator, lang: Lang): string {
  switch (advice.kind) {
    case 'add-margin':
      return t('explain.live.adl.advice.add-margin', {
        amount: formatUsd(advice.addMargin, lang),
        leverage: formatLeverage(advice.targetLeverage, lang),
        lights: advice.lightsAfter,
      });
    case 'take-profit':
      return t('explain.live.adl.advice.take-profit', {
        percent: formatPercent(advice.reducePct, lang),
        qty: formatNumber(advice.closeQuantity, lang, { maxDecimals: 4 }),
        asset: BASE_ASSET,
        lights: advice.lightsAfter,
      });
    default:
      return t(`explain.live.adl.advice.${advice.kind}`);
  }
}

/** `Binance USDⓈ-M` → `Binance`: the comparison list names venues, not contracts. */
function venueShortName(venue: VenueId): string {
  return getVenue(venue).displayName.split(' ')[0];
}

/** Whole prices without cents (`$122,000`), others with them. */
function price(value: Decimal, lang: Lang): string {
  return formatUsd(value, lang, value.isInteger() ? { decimals: 0 } : {});
}

function venueLine(position: AdlPosition, venue: VenueId, t: Translator, lang: Lang): string {
  const name = venueShortName(venue);
  try {
    const result = adlRankFor(position, venue);
    return `• ${name}: ${lightsText(result.lights, t)}`;
  } catch (error) {
    if (!isCalculationInputError(error)) throw error;
    if (error.code === 'leverage-above-max') {
      return `• ${name}: ${t('explain.live.adl.venue-max-leverage', { max: formatLeverage(new Decimal(error.params.max), lang) })}`;
    }
    return `• ${name}: ${t('explain.live.adl.venue-not-computable')}`;
  }
}

export const live: LiveValues = (lang, args) => {
  const t = translator(lang);
  const { position, given } = adlPositionFrom(args);
  const result = adlRankFor(position);
  const venueName = getVenue(position.venue).displayName;
  const positionLine = t(`explain.live.adl.position.${position.side}`, {
    qty: formatNumber(position.qty, lang, { maxDecimals: 8 }),
    asset: BASE_ASSET,
    venue: venueName,
    entry: price(position.entry, lang),
    mark: price(position.mark, lang),
    leverage: formatLeverage(position.leverage, lang),
  });
  return {
    position_intro: t(given ? 'explain.live.adl.intro.given' : 'explain.live.adl.intro.example'),
    position_line: positionLine,
    venue_name: venueName,
    pnl: formatUsd(result.pnl, lang, { signed: true }),
    pnl_pct: formatPercent(result.pnlPct, lang, { signed: true }),
    effective_leverage: result.effectiveLeverage ? formatLeverage(result.effectiveLeverage, lang) : '—',
    lights: lightsText(result.lights, t),
    percentile: result.percentile === null ? t('explain.live.adl.not-ranked') : formatPercent(result.percentile, lang, { decimals: 0 }),
    population_size: formatNumber(result.populationSize, lang),
    closeout: closeoutText(result, t, lang),
    venue_lights: VENUE_IDS.map((venue) => venueLine(position, venue, t, lang)).join('\n'),
    advice: result.advice.map((advice) => `• ${adviceText(advice, t, lang)}`).join('\n'),
  };
};
