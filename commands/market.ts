import type { Command } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { localized } from '../src/chat/i18n.ts';
import { UserError } from '../src/chat/errors.ts';
import type { Reply } from '../src/chat/reply.ts';
import { serviceKey } from '../src/chat/services.ts';
import { formatNumber, formatPercent, formatUsd, formatUsdCompact } from '../src/core/numbers.ts';
import { fundingOiChartPng } from '../src/market/chart.ts';
import { localizeVenueError } from '../src/market/http.ts';
import type { MarketRow, MarketService } from '../src/market/service.ts';
import type { HourlyPoint } from '../src/store/market-repository.ts';
import { VENUE_LABELS, VENUES, type Venue } from '../src/market/types.ts';
import type { StreamHealth } from '../src/streams/types.ts';

/** What `/market` reads (src/market/service.ts provides it, through src/app.ts). */
export interface MarketData {
  /** Polls the venues unless the stored data is fresh. */
  ensureFresh(): Promise<void>;
  knownSymbols(): readonly string[];
  rowsFor(symbol: string): MarketRow[];
  history(symbol: string, hours: number): Array<HourlyPoint & { venue: Venue }>;
  /** The last error of each venue that has one (when nothing is stored, the reply says why). */
  venueErrors(): string[];
  /** The live streams' state (this bot's, or as the bot sharing the database last stored it); empty when none ever ran. */
  streams?(): StreamStatus[];
}

export type StreamStatus = Pick<StreamHealth, 'venue' | 'connected' | 'liquidations' | 'lastMessageAt' | 'reconnects'>;

export const MARKET_DATA = serviceKey<MarketData>('market-data');

/** The market service as `/market` reads it, with the streams' state when there are streams. */
export function marketData(market: MarketService, streams?: { status(): StreamStatus[] }): MarketData {
  return {
    ...(streams ? { streams: () => streams.status() } : {}),
    ensureFresh: () => market.ensureFresh(),
    knownSymbols: () => market.knownSymbols(),
    rowsFor: (symbol) => market.rowsFor(symbol),
    history: (symbol, hours) => market.history(symbol, hours),
    venueErrors: () => VENUES.map((venue) => market.repo.venueStatus(venue).lastError).filter((error): error is string => !!error),
  };
}

/**
 * `/market BTC [venue]`: the coin on every venue (mark, funding per interval and APR, OI,
 * 24 h change, the venue's ADL-risk flag, stale marker) and a 24 h funding + OI chart.
 * CLI `--json`: `{ symbol, venues: [{ venue, mark, fundingRate, fundingIntervalHours, fundingApr,
 * openInterestUsd, change24hPct, stale, adlRisk, time }] }`, rates as fractions.
 */
export const marketCommand: Command = {
  name: 'market',
  description: localized('market.description'),
  options: [
    { name: 'symbol', kind: 'string', required: true, positional: true, cliPositional: true, autocomplete: 'symbol', description: localized('market.opt-symbol') },
    { name: 'venue', kind: 'enum', choices: VENUES, positional: true, description: localized('market.opt-venue') },
  ],
  examples: [{ args: { symbol: 'BTC' } }, { args: { symbol: 'ETH', venue: 'binance' } }],
  cost: 'light',
  slow: true,
  async run(args, ctx) {
    const market = ctx.services.get(MARKET_DATA);
    if (!market) throw new UserError('market.unavailable');
    const symbol = normalizeSymbol(String(args.symbol ?? ''));
    if (!symbol) throw new UserError('market.unknown-symbol', { symbol: String(args.symbol ?? '') }, { key: 'market.hint-symbol' });
    await market.ensureFresh();
    if (market.knownSymbols().length === 0) {
      // Nothing stored at all: every venue failed (offline, blocked), which is not the coin's fault.
      const errors = market.venueErrors().map((error) => localizeVenueError(error, ctx.t));
      throw new UserError('market.no-data', { errors: errors.length ? errors.join('; ') : '–' });
    }
    const venue = args.venue as Venue | undefined;
    const rows = market.rowsFor(symbol).filter((r) => !venue || r.venue === venue);
    if (rows.length === 0) throw new UserError('market.unknown-symbol', { symbol }, { key: 'market.hint-symbol' });
    const chart = await fundingOiChartPng(symbol, market.history(symbol, 24).filter((p) => !venue || p.venue === venue), ctx.lang);
    return marketReply(symbol, rows, chart, ctx, market.streams?.() ?? []);
  },
};

function marketReply(symbol: string, rows: MarketRow[], chart: Buffer | undefined, ctx: ChatContext, streams: readonly StreamStatus[]): Reply {
  const { t, lang } = ctx;
  const dash = '–';
  const table = rows.map((r) => [
    `${VENUE_LABELS[r.venue]}${r.stale ? ` ${t('market.stale')}` : ''}`,
    formatUsd(r.mark, lang),
    r.fundingRate === null
      ? dash
      : t('market.funding-per', { rate: formatPercent(r.fundingRate, lang, { maxDecimals: 4 }), hours: formatNumber(r.fundingIntervalHours, lang) }),
    r.fundingApr === null ? dash : formatPercent(r.fundingApr, lang, { decimals: 2 }),
    r.openInterestUsd === null ? dash : formatUsdCompact(r.openInterestUsd, lang),
    r.change24hPct === null ? dash : formatPercent(r.change24hPct, lang, { signed: true, maxDecimals: 2 }),
    r.adlRisk === null ? t('market.adl-none') : t(`market.adl-${r.adlRisk}`),
  ]);
  const blocks: Reply['blocks'] = [
    {
      kind: 'table',
      columns: ['col-venue', 'col-price', 'col-funding', 'col-apr', 'col-oi', 'col-change', 'col-adl'].map((k) => t(`market.${k}`)),
      rows: table,
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
    },
    { kind: 'text', text: `_${t('market.legend')}_` },
  ];
  if (rows.some((r) => r.stale)) blocks.push({ kind: 'text', text: t('market.stale-note') });
  if (streams.length > 0) blocks.push({ kind: 'text', text: streamsLine(streams, ctx) });
  return {
    title: t('market.title', { symbol }),
    tone: 'info',
    blocks,
    image: chart ? { png: chart, alt: t('market.chart-alt', { symbol }), filename: `${symbol.toLowerCase()}-market.png` } : undefined,
    footer: t('market.footer'),
    data: {
      symbol,
      venues: rows.map((r) => ({
        venue: r.venue,
        mark: r.mark,
        fundingRate: r.fundingRate,
        fundingIntervalHours: r.fundingIntervalHours,
        fundingApr: significant(r.fundingApr),
        openInterestUsd: significant(r.openInterestUsd),
        change24hPct: significant(r.change24hPct),
        stale: r.stale,
        adlRisk: r.adlRisk,
        time: new Date(r.time).toISOString(),
      })),
    },
  };
}

/** `Live streams: Binance live (2 s ago) · Bybit down (3 reconnects) · …` */
function streamsLine(streams: readonly StreamStatus[], ctx: ChatContext): string {
  const { t, lang } = ctx;
  const now = ctx.now().getTime();
  const parts = streams.map((s) => {
    const venue = VENUE_LABELS[s.venue];
    const ago = s.lastMessageAt === null ? '–' : formatNumber(Math.max(0, Math.round((now - s.lastMessageAt) / 1000)), lang);
    const state = s.connected ? t('market.stream-up', { venue, ago }) : t('market.stream-down', { venue, reconnects: formatNumber(s.reconnects, lang) });
    return s.liquidations ? state : `${state} ${t('market.stream-prices-only')}`;
  });
  return `_${t('market.streams', { list: parts.join(' · ') })}_`;
}

/** Derived numbers to 12 significant digits: 0.1095, not 0.10950000000000001 (float noise of the arithmetic). */
function significant(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(12));
}

/** `btc`, `$BTC`, `BTCUSDT`, `BTC-USDT-SWAP`, `btc/usdt` → `BTC`; anything else → undefined. */
export function normalizeSymbol(input: string): string | undefined {
  let s = input.trim().toUpperCase().replace(/^\$/, '');
  for (const suffix of ['-USDT-SWAP', '/USDT', '-USDT', 'USDT', '-PERP', 'PERP']) {
    if (s.endsWith(suffix) && s.length > suffix.length) {
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  return /^[A-Z0-9]{1,20}$/.test(s) ? s : undefined;
}
