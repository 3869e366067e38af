import { chartRecipe, PALETTE, renderChart, type ChartOption } from '../render/chart.ts';
import type { SimulationResult } from './simulate.ts';

/** Chart text in the reader's language (the command translates; the simulator stays chat-free). */
export interface SimulationChartLabels {
  title: string;
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

/** Price path with ADL marks and the fund balance on top; liquidations per step below. */
export function simulationChartOption(result: Pick<SimulationResult, 'minutes' | 'series'>, labels: SimulationChartLabels): ChartOption {
  const { series } = result;
  const pairs = (values: number[]) => values.map((value, k) => [series.minute[k], value]);
  const priceAt = (minute: number) => {
    const k = series.minute.findIndex((m) => m >= minute);
    return series.price[k === -1 ? series.price.length - 1 : k];
  };
  const millions = (value: number) => Math.round(value / 1e4) / 100;
  const compact = (value: number) =>
    Math.abs(value) >= 1e9 ? `${(value / 1e9).toFixed(1)}${labels.billion}` : `${(value / 1e6).toFixed(0)}${labels.million}`;
  return {
    title: { text: labels.title, left: 'center', top: 8, textStyle: { fontSize: 18 } },
    // resvg's DejaVu runs wider than ECharts' text estimate: generous gaps keep legend items apart.
    legend: { top: 36, itemGap: 36, textStyle: { fontSize: 12 }, data: [labels.price, labels.fund, labels.adl, labels.liquidatedLong, labels.liquidatedShort] },
    grid: [
      { left: 80, right: 80, top: 80, height: 250 },
      { left: 80, right: 80, top: 370, height: 110 },
    ],
    xAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: result.minutes, axisLabel: { show: false } },
      { type: 'value', gridIndex: 1, min: 0, max: result.minutes, name: labels.minutes, nameLocation: 'middle', nameGap: 28 },
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, scale: true, name: labels.price, axisLabel: { formatter: (v: number) => `${Math.round(v / 1000)}k` } },
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
      { name: labels.price, type: 'line', xAxisIndex: 0, yAxisIndex: 0, data: pairs(series.price), showSymbol: false, lineStyle: { color: PALETTE.price, width: 2 }, itemStyle: { color: PALETTE.price } },
      { name: labels.fund, type: 'line', xAxisIndex: 0, yAxisIndex: 1, data: pairs(series.fund), showSymbol: false, lineStyle: { color: PALETTE.fund, width: 2 }, itemStyle: { color: PALETTE.fund } },
      {
        name: labels.adl,
        type: 'scatter',
        xAxisIndex: 0,
        yAxisIndex: 0,
        symbol: 'triangle',
        symbolSize: 12,
        itemStyle: { color: PALETTE.adl },
        data: series.adlMinutes.map((minute) => [minute, priceAt(minute)]),
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
