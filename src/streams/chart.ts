import type { Lang } from '../chat/command.ts';
import { translator, type Translator } from '../chat/i18n.ts';
import { compactUsd } from '../market/chart.ts';
import { chartRecipe, PALETTE, renderChart, type ChartOption } from '../render/chart.ts';

type PerMinute = ReadonlyArray<{ minute: number; long: number; short: number }>;

/**
 * Longs (green) and shorts (red) liquidated per minute, stacked, with the minutes of no
 * liquidation drawn as gaps rather than left out: the picture behind `/liquidations`.
 * A long window is drawn in 30-minute bars.
 */
export function liquidationChartOption(
  perMinute: PerMinute,
  fromMinute: number,
  toMinute: number,
  bucketMinutes: number,
  subject: string,
  t: Translator,
): ChartOption {
  const first = Math.floor(fromMinute / bucketMinutes);
  const last = Math.floor(toMinute / bucketMinutes);
  const long = new Array<number>(last - first + 1).fill(0);
  const short = new Array<number>(last - first + 1).fill(0);
  for (const row of perMinute) {
    const i = Math.floor(row.minute / bucketMinutes) - first;
    if (i < 0 || i >= long.length) continue;
    long[i] += row.long;
    short[i] += row.short;
  }
  const labels = long.map((_, i) => new Date((first + i) * bucketMinutes * 60_000).toISOString().slice(11, 16));
  const bucket = t(`liquidations.bucket-${bucketMinutes}`);
  return {
    title: { text: t('liquidations.chart-title', { subject, bucket }), left: 'center', textStyle: { fontSize: 18 } },
    legend: { bottom: 0 },
    grid: { left: 80, right: 30, top: 60, bottom: 60 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `$${compactUsd(v)}` } },
    series: [
      { name: t('liquidations.col-longs'), type: 'bar', stack: 'liquidated', itemStyle: { color: PALETTE.long }, data: long },
      { name: t('liquidations.col-shorts'), type: 'bar', stack: 'liquidated', itemStyle: { color: PALETTE.short }, data: short },
    ],
  };
}

export interface LiquidationChartInput {
  perMinute: PerMinute;
  fromMinute: number;
  toMinute: number;
  bucketMinutes: number;
  subject: string;
  lang: Lang;
}

export const liquidationChart = chartRecipe(
  import.meta.url,
  'liquidationChart',
  ({ perMinute, fromMinute, toMinute, bucketMinutes, subject, lang }: LiquidationChartInput) =>
    liquidationChartOption(perMinute, fromMinute, toMinute, bucketMinutes, subject, translator(lang)),
  { width: 800, height: 400 },
);

/** The PNG (drawn by the render worker), or undefined when nothing was liquidated in the span. */
export async function liquidationChartPng(perMinute: PerMinute, fromMinute: number, toMinute: number, subject: string, lang: Lang): Promise<Buffer | undefined> {
  if (!perMinute.some((r) => r.long > 0 || r.short > 0)) return undefined;
  const bucketMinutes = toMinute - fromMinute > 120 ? 30 : 1;
  return renderChart(liquidationChart, { perMinute: [...perMinute], fromMinute, toMinute, bucketMinutes, subject, lang });
}
