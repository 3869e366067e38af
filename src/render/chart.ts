import type * as Echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The one chart renderer: an ECharts option → SVG (ECharts' server-side renderer, no DOM)
 * → PNG (resvg, no system libraries). Walkthroughs, the simulator, /market and alerts all draw
 * through here, so every picture shares fonts, colours and size rules.
 *
 * Drawing takes 250–300 ms warm and over a second cold, so it never runs on the chat thread:
 * `renderChart` hands the work to the one render worker (./render-worker.ts) and returns a
 * Promise. ECharts options carry functions (axis formatters), which cannot cross threads, so a
 * chart is a `ChartRecipe`: an exported builder the worker imports and calls with plain data.
 *
 *   export const fundingOiChart = chartRecipe(import.meta.url, 'fundingOiChart', (input: In) => option);
 *   const png = await renderChart(fundingOiChart, input);
 *
 * Fonts come from the `dejavu-fonts-ttf` package, never from the system, so a slim Docker
 * image renders the same pixels as a developer machine, Vietnamese diacritics included.
 */
export type ChartOption = Echarts.EChartsCoreOption;

export interface ChartSize {
  width: number;
  height: number;
}

export const DEFAULT_SIZE: ChartSize = { width: 960, height: 540 };
export const FONT_FAMILY = 'DejaVu Sans';

/** Colours with enough contrast on Discord's dark theme and Telegram's light one (white background). */
export const PALETTE = {
  long: '#16a34a',
  short: '#dc2626',
  price: '#2563eb',
  fund: '#f59e0b',
  adl: '#7c3aed',
  neutral: '#64748b',
  grid: '#e2e8f0',
  text: '#0f172a',
} as const;

const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => join(fontDir, file));

// Loaded on the first chart, from ECharts' single-file CommonJS build: importing the ESM build
// costs every process ~1.4 s at start (hundreds of modules), the bundle ~0.3 s, and only when drawing.
let echartsLib: typeof Echarts | undefined;
const echarts = (): typeof Echarts => (echartsLib ??= require('echarts') as typeof Echarts);

export function renderChartSvg(option: ChartOption, size: ChartSize = DEFAULT_SIZE): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT_FAMILY, color: PALETTE.text },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function svgToPng(svg: string, width: number): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

/** On the calling thread: for the render worker itself (and for tests of an option's SVG). */
export function drawChartPng(option: ChartOption, size: ChartSize = DEFAULT_SIZE): Buffer {
  return svgToPng(renderChartSvg(option, size), size.width);
}

const RECIPE = Symbol.for('adl-sentinel.chart-recipe');

/** A chart the render worker can draw: `build` turns plain (structured-cloneable) input into an option. */
export interface ChartRecipe<I> {
  readonly [RECIPE]: true;
  /** `import.meta.url` of the module that exports the recipe … */
  readonly module: string;
  /** … under this name. */
  readonly name: string;
  readonly size: ChartSize;
  build(input: I): ChartOption;
}

/** Declare as `export const <name> = chartRecipe(import.meta.url, '<name>', build)`. */
export function chartRecipe<I>(module: string, name: string, build: (input: I) => ChartOption, size: ChartSize = DEFAULT_SIZE): ChartRecipe<I> {
  return Object.freeze({ [RECIPE]: true as const, module, name, size, build });
}

export function isChartRecipe(value: unknown): value is ChartRecipe<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RECIPE] === true;
}

/** The PNG of `recipe` for `input`, drawn by the render worker. */
export async function renderChart<I>(recipe: ChartRecipe<I>, input: I, size: ChartSize = recipe.size): Promise<Buffer> {
  const { renderWorker } = await import('./render-worker.ts');
  return renderWorker.render({ module: recipe.module, name: recipe.name, input, size });
}

/** A chart whose option is plain data (no formatter functions), drawn by the render worker. */
export const plainChart = chartRecipe(import.meta.url, 'plainChart', (option: ChartOption) => option);

export function renderChartPng(option: ChartOption, size: ChartSize = DEFAULT_SIZE): Promise<Buffer> {
  return renderChart(plainChart, option, size);
}
