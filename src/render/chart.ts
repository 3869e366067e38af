import type * as Echarts from 'echarts';
import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The one chart renderer: an ECharts option → SVG (ECharts' server-side renderer, no DOM)
 * → PNG (resvg, no system libraries). Walkthroughs, the simulator and alerts all draw
 * through here, so every picture shares fonts, colours and size rules.
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

export function renderChartPng(option: ChartOption, size: ChartSize = DEFAULT_SIZE): Buffer {
  return svgToPng(renderChartSvg(option, size), size.width);
}
