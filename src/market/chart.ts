import type { Lang } from '../chat/command.ts';
import { translator, type Translator } from '../chat/i18n.ts';
import { chartRecipe, PALETTE, renderChart, type ChartOption } from '../render/chart.ts';
import type { HourlyPoint } from '../store/market-repository.ts';
import { HOUR_MS } from '../store/market-repository.ts';
import { VENUE_LABELS, type Venue } from './types.ts';

/**
 * Funding APR per venue (lines, left axis) and total open interest in USD (bars, right axis),
 * hourly over the last 24 h: the picture behind `/market` and every alert.
 */
const VENUE_COLORS: Record<Venue, string> = {
  binance: PALETTE.fund,
  bybit: PALETTE.price,
  okx: PALETTE.neutral,
  hyperliquid: PALETTE.long,
};

export function fundingOiChartOption(symbol: string, points: ReadonlyArray<HourlyPoint & { venue: Venue }>, t: Translator): ChartOption {
  const hours = [...new Set(points.map((p) => p.hour))].sort((a, b) => a - b);
  const label = (hour: number) => new Date(hour * HOUR_MS).toISOString().slice(11, 16);
  const venues = [...new Set(points.map((p) => p.venue))].sort();
  const oiByHour = new Map<number, number>();
  for (const p of points) if (p.openInterestUsd !== null) oiByHour.set(p.hour, (oiByHour.get(p.hour) ?? 0) + p.openInterestUsd);
  return {
    title: { text: t('market.chart-title', { symbol }), left: 'center', textStyle: { fontSize: 18 } },
    legend: { bottom: 0 },
    grid: { left: 70, right: 90, top: 60, bottom: 60 },
    xAxis: { type: 'category', data: hours.map(label) },
    yAxis: [
      { type: 'value', name: t('market.chart-funding'), axisLabel: { formatter: '{value}%' } },
      { type: 'value', name: t('market.chart-oi'), splitLine: { show: false }, axisLabel: { formatter: (v: number) => compactUsd(v) } },
    ],
    series: [
      {
        name: t('market.chart-oi'),
        type: 'bar',
        yAxisIndex: 1,
        itemStyle: { color: PALETTE.grid },
        data: hours.map((h) => oiByHour.get(h) ?? null),
      },
      ...venues.map((venue) => {
        const byHour = new Map(points.filter((p) => p.venue === venue).map((p) => [p.hour, p.fundingApr]));
        return {
          name: VENUE_LABELS[venue],
          type: 'line',
          yAxisIndex: 0,
          showSymbol: false,
          lineStyle: { width: 2, color: VENUE_COLORS[venue] },
          itemStyle: { color: VENUE_COLORS[venue] },
          data: hours.map((h) => {
            const apr = byHour.get(h);
            return apr == null ? null : Math.round(apr * 10_000) / 100;
          }),
        };
      }),
    ],
  };
}

/** Axis ticks only (language-neutral): 1.2B, 350M. */
export function compactUsd(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(0)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(0)}K`;
  return String(value);
}

export interface FundingOiChartInput {
  symbol: string;
  points: Array<HourlyPoint & { venue: Venue }>;
  lang: Lang;
}

export const fundingOiChart = chartRecipe(
  import.meta.url,
  'fundingOiChart',
  ({ symbol, points, lang }: FundingOiChartInput) => fundingOiChartOption(symbol, points, translator(lang)),
  { width: 800, height: 450 },
);

/** The PNG (drawn by the render worker), or undefined when there are fewer than two hours to draw. */
export async function fundingOiChartPng(symbol: string, points: ReadonlyArray<HourlyPoint & { venue: Venue }>, lang: Lang): Promise<Buffer | undefined> {
  if (new Set(points.map((p) => p.hour)).size < 2) return undefined;
  return renderChart(fundingOiChart, { symbol, points: [...points], lang });
}
