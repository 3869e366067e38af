import { readFileSync } from 'node:fs';
import type { Lang } from '../chat/command.ts';
import { translator } from '../chat/i18n.ts';
import type { ReplyImage } from '../chat/reply.ts';
import { formatNumber, formatUsd } from '../core/numbers.ts';
import { projectPath } from '../paths.ts';
import { chartRecipe, PALETTE, renderChart, type ChartOption } from '../render/chart.ts';
import type { ImageName } from './content.ts';

/**
 * The named pictures a walkthrough can carry (front matter `image:`), drawn by the render worker
 * in the reader's language. Rendering takes a few hundred milliseconds, so each picture is made
 * once per language and kept (a failed drawing is tried again next time).
 */
const SIZE = { width: 960, height: 540 };
const cache = new Map<string, Promise<ReplyImage>>();

export function walkthroughImage(name: ImageName, lang: Lang): Promise<ReplyImage> {
  const key = `${name}/${lang}`;
  let image = cache.get(key);
  if (!image) {
    image = name === 'adl-waterfall' ? adlWaterfall(lang) : crashTimeline(lang);
    image.catch(() => cache.delete(key));
    cache.set(key, image);
  }
  return image;
}

export const adlWaterfallChart = chartRecipe(import.meta.url, 'adlWaterfallChart', (lang: Lang) => adlWaterfallOption(lang), SIZE);
export const crashTimelineChart = chartRecipe(import.meta.url, 'crashTimelineChart', (lang: Lang) => crashTimelineOption(lang), SIZE);

// ---------------------------------------------------------------------------------------
// adl-waterfall: liquidation → order book → insurance fund / vault → ADL

export function adlWaterfallOption(lang: Lang): ChartOption {
  const t = translator(lang);
  const stages = [
    { key: 'liquidation', colour: PALETTE.short, text: '#ffffff' },
    { key: 'book', colour: PALETTE.price, text: '#ffffff' },
    { key: 'fund', colour: PALETTE.fund, text: PALETTE.text },
    { key: 'adl', colour: PALETTE.adl, text: '#ffffff' },
  ] as const;
  const boxWidth = 190;
  const xs = [115, 361, 607, 853];
  const boxY = 210;
  const nodes = stages.map((stage, i) => ({
    name: stage.key,
    x: xs[i],
    y: boxY,
    symbol: 'roundRect',
    symbolSize: [boxWidth, 130],
    itemStyle: { color: stage.colour },
    label: { show: true, formatter: t(`explain.image.waterfall.${stage.key}`), color: stage.text, fontSize: 15, lineHeight: 21, fontWeight: 'bold' },
  }));
  const edgeKeys = ['book', 'fund', 'adl'] as const;
  const links = edgeKeys.map((_, i) => ({ source: stages[i].key, target: stages[i + 1].key }));
  const text = (left: number, top: number, value: string, extra: Record<string, unknown> = {}) => ({
    type: 'text',
    left,
    top,
    style: { text: value, fill: PALETTE.text, fontSize: 14, lineHeight: 20, ...extra },
  });
  return {
    title: { text: t('explain.image.waterfall.title'), left: 'center', top: 24, textStyle: { fontSize: 24 } },
    graphic: [
      // what moves the loss on to the next stage, above each arrow
      ...edgeKeys.map((key, i) =>
        text((xs[i] + xs[i + 1]) / 2 - 70, 100, `→ ${t(`explain.image.waterfall.edge.${key}`)}`, { fill: PALETTE.neutral, fontSize: 13 }),
      ),
      // what happens at each stage, under its box
      ...stages.map((stage, i) => text(xs[i] - boxWidth / 2, 295, t(`explain.image.waterfall.note.${stage.key}`))),
      text(20, 480, t('explain.image.waterfall.footer'), { fill: PALETTE.neutral, fontSize: 13 }),
      text(820, 505, 'ADL Sentinel', { fill: PALETTE.neutral, fontSize: 12 }),
    ],
    series: [
      {
        type: 'graph',
        layout: 'none',
        left: 0,
        top: 0,
        right: 0,
        bottom: 0,
        // Node coordinates are pixels: two invisible corner nodes pin the view box to the picture.
        data: [
          ...nodes,
          { name: 'corner-a', x: 0, y: 0, symbolSize: 0, label: { show: false } },
          { name: 'corner-b', x: SIZE.width, y: SIZE.height, symbolSize: 0, label: { show: false } },
        ],
        links,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 14,
        lineStyle: { color: PALETTE.neutral, width: 3 },
        roam: false,
      },
    ],
  };
}

async function adlWaterfall(lang: Lang): Promise<ReplyImage> {
  const t = translator(lang);
  return {
    png: await renderChart(adlWaterfallChart, lang),
    alt: t('explain.image.waterfall.alt'),
    filename: 'adl-waterfall.png',
  };
}

// ---------------------------------------------------------------------------------------
// crash-timeline: BTC on 10–11 Oct 2025 from cited points only (data/explain/crash-timeline.json)

export interface CrashPoints {
  btcHigh: { price: number };
  btcLow: { price: number };
  cascadeStart: { time: string };
  firstFortyMinutesUsd: number;
  peak: { time: string; liquidatedUsdInOneMinute: number };
  total24hUsd: { value: number };
}

let crashPoints: CrashPoints | undefined;
export function loadCrashPoints(): CrashPoints {
  crashPoints ??= JSON.parse(readFileSync(projectPath('data', 'explain', 'crash-timeline.json'), 'utf8')) as CrashPoints;
  return crashPoints;
}

export function crashTimelineOption(lang: Lang): ChartOption {
  const t = translator(lang);
  const p = loadCrashPoints();
  const categories = [t('explain.image.crash.axis.before'), `${p.cascadeStart.time} UTC`, `${p.peak.time} UTC`, t('explain.image.crash.axis.after')];
  const usd = (v: number) => formatUsd(v, lang, { decimals: 0 });
  return {
    title: {
      text: t('explain.image.crash.title'),
      subtext: t('explain.image.crash.subtitle'),
      left: 'center',
      top: 12,
      textStyle: { fontSize: 24 },
      subtextStyle: { fontSize: 13, color: PALETTE.neutral, width: 900, overflow: 'break' },
    },
    grid: { left: 110, right: 60, top: 150, bottom: 80 },
    xAxis: {
      type: 'category',
      data: categories,
      boundaryGap: true,
      axisLabel: { fontSize: 14, color: PALETTE.text },
    },
    yAxis: {
      type: 'value',
      name: t('explain.image.crash.price'),
      nameTextStyle: { fontSize: 13, color: PALETTE.neutral, align: 'left' },
      min: 100000,
      max: 125000,
      interval: 5000,
      axisLabel: { fontSize: 13, formatter: (value: number) => usd(value) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        type: 'line',
        // The low's label goes under its point: above it, the falling line runs through the text.
        data: [p.btcHigh.price, null, null, { value: p.btcLow.price, label: { position: 'bottom' } }],
        connectNulls: true,
        lineStyle: { type: 'dashed', width: 3, color: PALETTE.price },
        itemStyle: { color: PALETTE.price },
        symbolSize: 12,
        label: {
          show: true,
          fontSize: 14,
          fontWeight: 'bold',
          position: 'top',
          formatter: (params: { dataIndex: number }) =>
            params.dataIndex === 0
              ? t('explain.image.crash.high', { price: usd(p.btcHigh.price) })
              : t('explain.image.crash.low', { price: usd(p.btcLow.price) }),
        },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: PALETTE.short, width: 2 },
          label: { fontSize: 13, lineHeight: 18, color: PALETTE.short, formatter: '{b}', position: 'end' },
          data: [
            { name: t('explain.image.crash.cascade'), xAxis: categories[1] },
            {
              name: t('explain.image.crash.peak', { amount: usdBillions(p.peak.liquidatedUsdInOneMinute, lang) }),
              xAxis: categories[2],
            },
          ],
        },
      },
    ],
    graphic: [
      {
        type: 'text',
        left: 110,
        bottom: 24,
        style: {
          text: [
            t('explain.image.crash.forty', { amount: usdBillions(p.firstFortyMinutesUsd, lang) }),
            t('explain.image.crash.total', { amount: usdBillions(p.total24hUsd.value, lang) }),
          ].join('   ·   '),
          fill: PALETTE.text,
          fontSize: 14,
        },
      },
    ],
  };
}

/** Reported figures keep their two decimals: en `$19.13B`, vi `19,13 tỷ USD`. */
export function usdBillions(value: number, lang: Lang): string {
  const body = formatNumber(value / 1e9, lang, { decimals: 2, keepZeros: true });
  return lang === 'en' ? `$${body}B` : `${body} tỷ USD`;
}

async function crashTimeline(lang: Lang): Promise<ReplyImage> {
  const t = translator(lang);
  const p = loadCrashPoints();
  return {
    png: await renderChart(crashTimelineChart, lang),
    alt: t('explain.image.crash.alt', {
      high: formatUsd(p.btcHigh.price, lang, { decimals: 0 }),
      low: formatUsd(p.btcLow.price, lang, { decimals: 0 }),
      peak: usdBillions(p.peak.liquidatedUsdInOneMinute, lang),
    }),
    filename: 'crash-timeline.png',
  };
}
