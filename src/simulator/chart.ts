import { chartRecipe, PALETTE, renderChart, type ChartOption } from '../render/chart.ts';
import type { SimulationResult } from './simulate.ts';

/** Chart text in the reader's language (the command translates; the simulator stays chat-free). */
export interface SimulationChartLabels {
  title: string;
  /** Axis name of the price lines: each market as a share of its start. */
  price: string;
  fund: string;
  liquidatedLong: string;
  liquidatedShort: string;
  adl: string;
  minutes: string;
  /** Axis suffixes: en `M`/`B`, vi ` tr`/` tỷ`. */
  million: string;
  billion: string;
}

/** One colour per market line; the lead market (BTC) takes the price colour. */
const MARKET_COLOURS = [PALETTE.price, '#0891b2', '#9333ea', '#db2777', PALETTE.neutral];

/**
 * Every market's price as a share of its start, the fund or backstop vault, and the ADL moments on top;
 * liquidations per bucket of steps below. The x axis is minutes from the run's start.
 */
export function simulationChartOption(result: Pick<SimulationResult, 'minutes' | 'series'>, labels: SimulationChartLabels): ChartOption {
  const { series } = result;
  const pairs = (values: number[]) => values.map((value, k) => [series.minute[k], value]);
  const relativeAt = (minute: number) => {
    const k = series.minute.findIndex((m) => m >= minute);
    return series.markets[0].relative[k === -1 ? series.minute.length - 1 : k];
  };
  const millions = (value: number) => Math.round(value / 1e4) / 100;
  const compact = (value: number) =>
    Math.abs(value) >= 1e9 ? `${(value / 1e9).toFixed(1)}${labels.billion}` : `${(value / 1e6).toFixed(1)}${labels.million}`;
  const marketLines = series.markets.map((market, k) => ({
    name: market.id,
    type: 'line',
    xAxisIndex: 0,
    yAxisIndex: 0,
    data: pairs(market.relative.map((r) => Math.round(r * 10_000) / 100)),
    showSymbol: false,
    lineStyle: { color: MARKET_COLOURS[k % MARKET_COLOURS.length], width: k === 0 ? 2.5 : 1.5 },
    itemStyle: { color: MARKET_COLOURS[k % MARKET_COLOURS.length] },
  }));
  return {
    title: { text: labels.title, left: 'center', top: 8, textStyle: { fontSize: 18 } },
    // resvg's DejaVu runs wider than ECharts' text estimate: generous gaps keep legend items apart.
    legend: {
      top: 36,
      itemGap: 20,
      textStyle: { fontSize: 12 },
      data: [...series.markets.map((m) => m.id), labels.fund, labels.adl, labels.liquidatedLong, labels.liquidatedShort],
    },
    grid: [
      { left: 80, right: 80, top: 90, height: 240 },
      { left: 80, right: 80, top: 370, height: 110 },
    ],
    xAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: result.minutes, axisLabel: { show: false } },
      { type: 'value', gridIndex: 1, min: 0, max: result.minutes, name: labels.minutes, nameLocation: 'middle', nameGap: 28 },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, name: labels.price, axisLabel: { formatter: (v: number) => `${v}%` } },
      {
        type: 'value',
        gridIndex: 0,
        name: labels.fund,
        position: 'right',
        splitLine: { show: false },
        axisLabel: { formatter: (v: number) => compact(v) },
      },
      { type: 'value', gridIndex: 1, name: 'USD', axisLabel: { formatter: (v: number) => compact(v * 1e6) } },
    ],
    series: [
      ...marketLines,
      { name: labels.fund, type: 'line', xAxisIndex: 0, yAxisIndex: 1, data: pairs(series.fund), showSymbol: false, lineStyle: { color: PALETTE.fund, width: 2, type: 'dashed' }, itemStyle: { color: PALETTE.fund } },
      {
        name: labels.adl,
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        symbol: 'triangle',
        symbolSize: 12,
        itemStyle: { color: PALETTE.adl },
        data: series.adlMinutes.map((minute) => [minute, Math.round(relativeAt(minute) * 10_000) / 100]),
      },
      { name: labels.liquidatedLong, type: 'bar', stack: 'liquidations', xAxisIndex: 1, yAxisIndex: 2, barWidth: 3, itemStyle: { color: PALETTE.long }, data: pairs(series.liquidatedLong.map(millions)) },
      { name: labels.liquidatedShort, type: 'bar', stack: 'liquidations', xAxisIndex: 1, yAxisIndex: 2, barWidth: 3, itemStyle: { color: PALETTE.short }, data: pairs(series.liquidatedShort.map(millions)) },
    ],
  };
}

export const simulationChart = chartRecipe(
  import.meta.url,
  'simulationChart',
  ({ result, labels }: { result: Pick<SimulationResult, 'minutes' | 'series'>; labels: SimulationChartLabels }) => simulationChartOption(result, labels),
);

/** Drawn by the render worker (src/render/chart.ts), off the chat thread. */
export function renderSimulationChart(result: SimulationResult, labels: SimulationChartLabels): Promise<Buffer> {
  return renderChart(simulationChart, { result: { minutes: result.minutes, series: result.series }, labels });
}
