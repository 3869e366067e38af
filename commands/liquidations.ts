import type { Command } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import { localized } from '../src/chat/i18n.ts';
import type { Reply } from '../src/chat/reply.ts';
import { serviceKey } from '../src/chat/services.ts';
import { formatNumber, formatPercent, formatUsd, formatUsdCompact } from '../src/core/numbers.ts';
import { VENUE_LABELS } from '../src/market/types.ts';
import { liquidationChartPng } from '../src/streams/chart.ts';
import type { LiquidationReport, VenueLiquidations } from '../src/streams/feed.ts';
import type { SideTotal } from '../src/store/stream-repository.ts';
import { MARKET_DATA, normalizeSymbol } from './market.ts';

/** What `/liquidations` reads (src/streams/feed.ts provides it, through src/app.ts). */
export interface Liquidations {
  now(): number;
  /** Stored per-minute aggregates over [from, to], with each venue's state. */
  window(symbol: string | undefined, from: number, to: number): LiquidationReport;
  perMinute(symbol: string | undefined, from: number, to: number): Array<{ minute: number; long: number; short: number }>;
  /** Listens to the live streams for `seconds` (opening them for the time when none run here). */
  listen(symbol: string | undefined, seconds: number): Promise<LiquidationReport>;
}

export const LIQUIDATIONS = serviceKey<Liquidations>('liquidations');

const WINDOWS = { '5m': 5, '1h': 60, '24h': 1440 } as const;
type Window = keyof typeof WINDOWS;

/**
 * `/liquidations [symbol] [window=5m|1h|24h]`: long and short liquidations per venue (count, USD),
 * the largest orders, a chart per minute, from the venues' live streams as the bot stored them.
 * `seconds=N` (terminal and CLI) listens live for N seconds instead.
 * CLI `--json`: `{ venues: [{ venue, connected, liquidations, long: { count, usd }, short: { count, usd },
 * largest: { symbol, side, usd } }], crash }`, with `long`, `short` and `largest` null for a venue that
 * publishes no liquidation stream (Hyperliquid), and `largest` null when nothing was liquidated.
 */
export const liquidationsCommand: Command = {
  name: 'liquidations',
  aliases: ['liqs'],
  description: localized('liquidations.description'),
  options: [
    { name: 'symbol', kind: 'string', positional: true, autocomplete: 'symbol', description: localized('liquidations.opt-symbol') },
    { name: 'window', kind: 'enum', choices: Object.keys(WINDOWS), default: '1h', positional: true, description: localized('liquidations.opt-window') },
    { name: 'seconds', kind: 'integer', min: 1, max: 3600, description: localized('liquidations.opt-seconds') },
  ],
  examples: [{ args: { symbol: 'BTC', window: '1h' } }, { args: { window: '24h' } }],
  cost: 'light',
  slow: true,
  async run(args, ctx) {
    const feed = ctx.services.get(LIQUIDATIONS);
    if (!feed) throw new UserError('liquidations.unavailable');
    const typed = args.symbol === undefined ? undefined : String(args.symbol);
    const symbol = typed === undefined || /^(all|\*)$/i.test(typed) ? undefined : normalizeSymbol(typed);
    if (typed !== undefined && symbol === undefined && !/^(all|\*)$/i.test(typed)) {
      throw new UserError('liquidations.unknown-symbol', { symbol: typed }, { key: 'liquidations.hint-symbol' });
    }
    const seconds = args.seconds as number | undefined;
    if (seconds !== undefined) {
      if (!ctx.face.operator) throw new UserError('liquidations.seconds-operator-only', {}, { key: 'liquidations.hint-window' });
      const report = await feed.listen(symbol, seconds);
      return liquidationsReply(report, symbol, { seconds }, undefined, ctx);
    }
    const window = (args.window as Window | undefined) ?? '1h';
    const to = feed.now();
    const from = to - WINDOWS[window] * 60_000;
    const report = feed.window(symbol, from, to);
    if (symbol && !hasLiquidations(report)) {
      // A coin no venue lists is a typing mistake, not a quiet market.
      const known = ctx.services.get(MARKET_DATA)?.knownSymbols() ?? [];
      if (known.length > 0 && !known.includes(symbol)) throw new UserError('liquidations.unknown-symbol', { symbol }, { key: 'liquidations.hint-symbol' });
    }
    const chart = report.noData
      ? undefined
      : await liquidationChartPng(feed.perMinute(symbol, from, to), Math.floor(from / 60_000), Math.floor(to / 60_000), symbol ?? ctx.t('liquidations.all-coins'), ctx.lang);
    return liquidationsReply(report, symbol, { window }, chart, ctx);
  },
};

function hasLiquidations(report: LiquidationReport): boolean {
  return report.venues.some((v) => (v.long?.count ?? 0) + (v.short?.count ?? 0) > 0);
}

function liquidationsReply(report: LiquidationReport, symbol: string | undefined, span: { window?: Window; seconds?: number }, chart: Buffer | undefined, ctx: ChatContext): Reply {
  const { t, lang } = ctx;
  const subject = symbol ?? t('liquidations.all-coins');
  const amount = (total: SideTotal | null) =>
    total === null ? '–' : t('liquidations.amount', { usd: formatUsdCompact(total.usd, lang), count: formatNumber(total.count, lang) });
  const streamState = (v: VenueLiquidations) => (v.connected ? t('liquidations.stream-live') : t('liquidations.stream-down'));
  const rows = report.venues.map((v) => {
    if (!v.liquidations) return [VENUE_LABELS[v.venue], streamState(v), t(v.watchedOnly ? 'liquidations.not-watched' : 'liquidations.no-stream'), '–', '–'];
    return [
      VENUE_LABELS[v.venue],
      streamState(v),
      amount(v.long),
      amount(v.short),
      v.largest ? `${v.largest.symbol} ${formatUsdCompact(v.largest.usd, lang)}` : '–',
    ];
  });

  const blocks: Reply['blocks'] = [];
  const crashCoins = symbol ? report.crashCoins.filter((c) => c === symbol) : report.crashCoins;
  if (crashCoins.length > 0) blocks.push({ kind: 'text', text: `**${t('liquidations.crash-on', { coins: crashCoins.join(', ') })}**` });
  if (report.noData) {
    const lines = [t('liquidations.no-data')];
    if (ctx.face.operator) lines.push(t('liquidations.no-data-listen', { command: `\`npm run -s cli -- liquidations --symbol ${symbol ?? 'BTC'} --seconds 30\`` }));
    blocks.push({ kind: 'text', text: lines.join('\n') });
  }
  blocks.push({
    kind: 'table',
    columns: ['col-venue', 'col-stream', 'col-longs', 'col-shorts', 'col-largest'].map((k) => t(`liquidations.${k}`)),
    rows,
    align: ['left', 'left', 'right', 'right', 'right'],
  });

  const counted = report.venues.filter((v) => v.liquidations);
  const long = counted.reduce((sum, v) => sum + (v.long?.usd ?? 0), 0);
  const short = counted.reduce((sum, v) => sum + (v.short?.usd ?? 0), 0);
  const lines: string[] = [];
  if (long + short > 0) {
    lines.push(t('liquidations.total', { long: formatUsdCompact(long, lang), short: formatUsdCompact(short, lang), share: formatPercent(long / (long + short), lang, { maxDecimals: 1 }) }));
    lines.push(t('liquidations.largest-title'));
    for (const order of report.largest.slice(0, 3)) {
      lines.push(
        `• ${t('liquidations.largest-line', {
          venue: VENUE_LABELS[order.venue],
          symbol: order.symbol,
          side: t(`liquidations.side-${order.side}`),
          usd: formatUsd(order.usd, lang),
          price: formatUsd(order.price, lang),
          time: new Date(order.at).toISOString().slice(11, 16),
        })}`,
      );
    }
  } else if (!report.noData) {
    lines.push(t('liquidations.nothing'));
  }
  if (lines.length) blocks.push({ kind: 'text', text: lines.join('\n') });

  const notes = [t('liquidations.note-binance')];
  if (report.venues.some((v) => v.venue === 'bybit' && v.watchedOnly)) notes.push(t('liquidations.note-bybit', { count: report.watched.length }));
  notes.push(t('liquidations.note-okx'), t('liquidations.note-hyperliquid'));
  const partial = report.venues.filter((v) => v.liquidations && v.partial).map((v) => VENUE_LABELS[v.venue]);
  if (partial.length > 0 && !report.noData) notes.push(t('liquidations.note-partial', { venues: partial.join(', ') }));
  blocks.push({ kind: 'text', text: `_${notes.join(' ')}_` });

  return {
    title: span.seconds !== undefined ? t('liquidations.title-listen', { subject, seconds: span.seconds }) : t('liquidations.title', { subject, window: t(`liquidations.window-${span.window}`) }),
    tone: crashCoins.length > 0 ? 'warn' : 'info',
    blocks,
    image: chart ? { png: chart, alt: t('liquidations.chart-alt', { subject, bucket: t(span.window === '24h' ? 'liquidations.bucket-30' : 'liquidations.bucket-1') }), filename: `${(symbol ?? 'all').toLowerCase()}-liquidations.png` } : undefined,
    footer: t('liquidations.footer'),
    data: liquidationsJson(report, symbol),
  };
}

/** The issue's JSON contract, and nothing else: USD to the cent, nulls where a venue cannot say. */
export function liquidationsJson(report: LiquidationReport, symbol: string | undefined): Record<string, unknown> {
  const side = (total: SideTotal | null) => (total === null ? null : { count: total.count, usd: Math.round(total.usd * 100) / 100 });
  const crash = symbol ? report.crashCoins.includes(symbol) : report.crashCoins.length > 0;
  return {
    venues: report.venues.map((v) => ({
      venue: v.venue,
      connected: v.connected,
      liquidations: v.liquidations,
      long: side(v.long),
      short: side(v.short),
      largest: v.largest ? { symbol: v.largest.symbol, side: v.largest.side, usd: Math.round(v.largest.usd * 100) / 100 } : null,
    })),
    crash,
  };
}
