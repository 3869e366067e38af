import { Decimal } from 'decimal.js';
import type { Lang } from '../chat/command.ts';
import { formatDateTime } from '../chat/dates.ts';
import { translator, type Translator } from '../chat/i18n.ts';
import type { Reply } from '../chat/reply.ts';
import type { AdlAdvice } from '../core/adl.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../core/numbers.ts';
import { COMMAND_PREFIX as EXPLAIN_PREFIX } from '../explain/payload.ts';
import type { PositionReport } from './evaluate.ts';
import type { AdlSignal } from './plausibility.ts';
import { isKeyedVenue, type FillKind, type ForcedFill, type Side, type VenueAdl } from './types.ts';

/**
 * What the watch list sends to a trader's private chat, as stored in the outbox (plain JSON, so a
 * restart sends exactly what was decided) and as rendered in their language: an alert when a
 * position crosses a liquidation-distance or ADL-queue tier, a receipt when a fill shows it was
 * auto-deleveraged or liquidated. The account is named by the owner's label and a shortened
 * address; these messages only ever go to the owner.
 */
interface NoticeBase {
  venue: string;
  account: string;
  label: string;
  coin: string;
  side: Side;
  /** epoch ms */
  time: number;
}

export interface DistanceNotice extends NoticeBase {
  type: 'liquidation-distance';
  /** The tier crossed (fraction, e.g. 0.1). */
  tier: number;
  distance: string;
  markPrice: string;
  liquidationPrice: string;
  liquidationFrom: 'venue' | 'ours';
  ourLiquidationPrice: string | null;
  leverage: string;
  marginMode: 'cross' | 'isolated';
  unrealizedPnl: string;
}

export interface AdviceData {
  kind: AdlAdvice['kind'];
  addMargin?: string;
  targetLeverage?: string;
  reducePct?: string;
  closeQuantity?: string;
  lightsAfter?: number;
}

export interface AdlNotice extends NoticeBase {
  type: 'adl-queue';
  tier: number;
  /** Our estimate's lights (Hyperliquid), or the venue's own indicator on our scale (keyed venues). */
  lights: number;
  /** Our estimate's percentile; null when we have no estimate for the position. */
  percentile: number | null;
  markPrice: string;
  unrealizedPnl: string;
  leverage: string;
  /** Why ADL is plausible now; keyed venues alert on their own indicator, also when nothing says so. */
  signal: AdlSignal | null;
  advice: AdviceData[];
  /** Keyed venues: the venue's own indicator (raw level and scale), and our estimate beside it. */
  venueAdl?: VenueAdl;
  ourLights?: number | null;
}

export interface ReceiptNotice extends NoticeBase {
  type: 'receipt';
  kind: FillKind;
  size: string;
  /** Volume-weighted over the fills of the event. */
  price: string;
  markPrice: string | null;
  /** Null when a fill of the event does not give its realized PnL. */
  closedPnl: string | null;
  method: string | null;
  fills: number;
}

/** The venue no longer accepts the watch's read-only key: the watch is paused until the key is replaced. */
export interface KeyRejectedNotice {
  type: 'key-rejected';
  venue: string;
  account: string;
  label: string;
  /** epoch ms */
  time: number;
}

export type WatchNotice = DistanceNotice | AdlNotice | ReceiptNotice | KeyRejectedNotice;

export const EXPLAIN_PAYLOADS = { adl: `${EXPLAIN_PREFIX}adl`, liquidation: `${EXPLAIN_PREFIX}liquidation` } as const;

const plain = (value: Decimal) => value.toFixed();

/** `0x2ea18c23…23f4` */
export function shortAddress(account: string): string {
  return account.length > 14 ? `${account.slice(0, 6)}…${account.slice(-4)}` : account;
}

/** en `2025-10-10 21:16 UTC`, vi `10/10/2025 21:16 UTC`. */
export function timeText(ms: number, lang: Lang): string {
  return `${formatDateTime(ms, lang)} UTC`;
}

export function adviceData(advice: AdlAdvice): AdviceData {
  switch (advice.kind) {
    case 'add-margin':
      return { kind: advice.kind, addMargin: plain(advice.addMargin), targetLeverage: plain(advice.targetLeverage), lightsAfter: advice.lightsAfter };
    case 'take-profit':
      return { kind: advice.kind, reducePct: plain(advice.reducePct), closeQuantity: plain(advice.closeQuantity), lightsAfter: advice.lightsAfter };
    default:
      return { kind: advice.kind };
  }
}

/** One line of "what moves it down the queue", in the words /adl-rank uses. */
export function adviceLine(advice: AdviceData, coin: string, t: Translator, lang: Lang): string {
  switch (advice.kind) {
    case 'add-margin':
      return t('adl.advice.add-margin', { amount: formatUsd(advice.addMargin!, lang), leverage: formatLeverage(advice.targetLeverage!, lang), lights: advice.lightsAfter! });
    case 'take-profit':
      return t('adl.advice.take-profit', {
        pct: formatPercent(advice.reducePct!, lang, { decimals: 1 }),
        quantity: formatNumber(advice.closeQuantity!, lang, { maxDecimals: 6 }),
        base: coin,
        lights: advice.lightsAfter!,
      });
    default:
      return t(`adl.advice.${advice.kind}`);
  }
}

interface WatchRef {
  venue: string;
  account: string;
  label: string;
}

function noticeBase(watch: WatchRef, p: Pick<PositionReport, 'coin' | 'side'>, time: number): NoticeBase {
  return { venue: watch.venue, account: watch.account, label: watch.label, coin: p.coin, side: p.side, time };
}

export function distanceNotice(watch: WatchRef, p: PositionReport, tier: number, time: number): DistanceNotice {
  const liquidation = (p.liquidationPrice ?? p.ourLiquidationPrice)!;
  return {
    type: 'liquidation-distance',
    ...noticeBase(watch, p, time),
    tier,
    distance: plain(p.distanceFromMarkPct!),
    markPrice: plain(p.markPrice),
    liquidationPrice: plain(liquidation),
    liquidationFrom: p.liquidationPrice ? 'venue' : 'ours',
    ourLiquidationPrice: p.ourLiquidationPrice ? plain(p.ourLiquidationPrice) : null,
    leverage: plain(p.leverage),
    marginMode: p.marginMode,
    unrealizedPnl: plain(p.unrealizedPnl),
  };
}

export function adlNotice(watch: WatchRef, p: PositionReport, tier: number, signal: AdlSignal | null, time: number): AdlNotice {
  const adl = p.adl;
  const base = {
    type: 'adl-queue' as const,
    ...noticeBase(watch, p, time),
    tier,
    markPrice: plain(p.markPrice),
    unrealizedPnl: plain(p.unrealizedPnl),
    leverage: plain(p.leverage),
    signal,
    advice: adl?.inProfit ? adl.advice.map(adviceData) : [],
  };
  if (p.venueAdl) {
    // The venue's own ranking decides; our estimate stands beside it.
    const ours = adl?.inProfit ? adl : null;
    return { ...base, lights: p.venueAdl.lights, percentile: ours?.percentile ?? null, venueAdl: p.venueAdl, ourLights: ours?.lights ?? null };
  }
  return { ...base, lights: adl!.lights, percentile: adl!.percentile };
}

export function keyRejectedNotice(watch: WatchRef, time: number): KeyRejectedNotice {
  return { type: 'key-rejected', venue: watch.venue, account: watch.account, label: watch.label, time };
}

/**
 * Fills of one forced close (an ADL or a liquidation often fills in several pieces within a few
 * seconds) make one receipt: same coin, kind and side, each within `gapMs` of the previous.
 */
export function groupForcedFills(fills: readonly ForcedFill[], gapMs = 60_000): ForcedFill[][] {
  const groups: ForcedFill[][] = [];
  for (const fill of [...fills].sort((a, b) => a.time - b.time)) {
    const group = groups.find((g) => {
      const last = g[g.length - 1];
      return last.coin === fill.coin && last.kind === fill.kind && last.side === fill.side && fill.time - last.time <= gapMs;
    });
    if (group) group.push(fill);
    else groups.push([fill]);
  }
  return groups;
}

export function receiptNotice(watch: WatchRef, fills: readonly ForcedFill[]): ReceiptNotice {
  const first = fills[0];
  const size = fills.reduce((sum, f) => sum.plus(f.size), new Decimal(0));
  const value = fills.reduce((sum, f) => sum.plus(f.size.times(f.price)), new Decimal(0));
  return {
    type: 'receipt',
    ...noticeBase(watch, first, first.time),
    kind: first.kind,
    size: plain(size),
    price: plain(size.isZero() ? first.price : value.div(size).toSignificantDigits(12)),
    markPrice: first.markPrice ? plain(first.markPrice) : null,
    closedPnl: fills.every((f) => f.closedPnl !== null) ? plain(fills.reduce((sum, f) => sum.plus(f.closedPnl!), new Decimal(0))) : null,
    method: first.method,
    fills: fills.length,
  };
}

/**
 * A fill or mark price as the venue gave it: its own decimals, 2 to 4 (22.075 stays 22.075, not
 * 22.08), the usual automatic precision below 1 and cents from 1,000 up.
 */
export function priceText(value: Decimal.Value, lang: Lang): string {
  const d = new Decimal(value);
  if (d.abs().lt(1) || d.abs().gte(1000)) return formatUsd(d, lang);
  return formatUsd(d, lang, { decimals: Math.min(4, Math.max(2, d.decimalPlaces())) });
}

const VENUE_NAMES: Record<string, string> = { hyperliquid: 'Hyperliquid', binance: 'Binance', bybit: 'Bybit', okx: 'OKX' };
export const venueName = (venue: string) => VENUE_NAMES[venue] ?? venue;

/** The account in a sentence: its label with the shortened address, or, for a keyed venue, with "read-only key". */
export function accountIn(watch: { venue: string; account: string; label: string }, t: Translator): string {
  return isKeyedVenue(watch.venue)
    ? t('keys.account-in', { label: watch.label, venue: venueName(watch.venue) })
    : t('watch.account-in', { label: watch.label, address: shortAddress(watch.account), venue: venueName(watch.venue) });
}

/** The notice as a message in the owner's language. */
export function noticeReply(notice: WatchNotice, lang: Lang): Reply {
  const t = translator(lang);
  if (notice.type === 'key-rejected') return keyRejectedReply(notice, lang);
  const side = t(`watch.side-${notice.side}`);
  const who = accountIn(notice, t);
  const footer = [t('watch.notice-footer', { time: timeText(notice.time, lang) }), t('watch.disclaimer')].join('\n');
  if (notice.type === 'liquidation-distance') {
    const fields = [
      { label: t('watch.field-distance'), value: formatPercent(notice.distance, lang), inline: true },
      { label: t('watch.field-mark'), value: priceText(notice.markPrice, lang), inline: true },
      {
        label: t(notice.liquidationFrom === 'venue' ? 'watch.field-liq-venue' : 'watch.field-liq-ours', { venue: venueName(notice.venue) }),
        value: priceText(notice.liquidationPrice, lang),
        inline: true,
      },
      { label: t('watch.field-leverage'), value: `${formatLeverage(notice.leverage, lang)} ${t(`watch.mode-${notice.marginMode}`)}`, inline: true },
      { label: t('watch.field-upnl'), value: formatUsd(notice.unrealizedPnl, lang, { signed: true }), inline: true },
    ];
    return {
      title: t('watch.distance-title', { coin: notice.coin, side, tier: formatPercent(notice.tier, lang, { decimals: 0 }) }),
      tone: notice.tier <= 0.05 ? 'error' : 'warn',
      blocks: [
        { kind: 'text', text: t('watch.distance-what', { who, coin: notice.coin, side, distance: formatPercent(notice.distance, lang) }) },
        { kind: 'fields', fields },
        { kind: 'text', text: t('watch.distance-means') },
      ],
      actions: [{ label: t('watch.button-liquidation'), payload: EXPLAIN_PAYLOADS.liquidation, style: 'secondary' }],
      footer,
      data: { notice },
    };
  }
  if (notice.type === 'adl-queue' && notice.venueAdl) return venueAdlReply(notice, who, side, footer, lang);
  if (notice.type === 'adl-queue') {
    const why = signalText(notice.signal!, notice.coin, t, lang);
    return {
      title: t('watch.adl-title', { coin: notice.coin, side, lights: notice.lights }),
      tone: notice.lights >= 5 ? 'error' : 'warn',
      blocks: [
        { kind: 'text', text: `${t('watch.adl-what', { who, coin: notice.coin, side, lights: notice.lights, pct: formatPercent(notice.percentile ?? 0, lang, { decimals: 0 }) })}\n${why}` },
        {
          kind: 'fields',
          fields: [
            { label: t('watch.field-lights'), value: `${'●'.repeat(notice.lights)}${'○'.repeat(5 - notice.lights)} ${notice.lights}/5`, inline: true },
            { label: t('watch.field-upnl'), value: formatUsd(notice.unrealizedPnl, lang, { signed: true }), inline: true },
            { label: t('watch.field-leverage'), value: formatLeverage(notice.leverage, lang), inline: true },
          ],
        },
        { kind: 'text', text: [t('adl.advice.title'), ...notice.advice.map((a) => `• ${adviceLine(a, notice.coin, t, lang)}`)].join('\n') },
      ],
      actions: [{ label: t('watch.button-adl'), payload: EXPLAIN_PAYLOADS.adl, style: 'secondary' }],
      footer: [t('watch.adl-estimate'), footer].join('\n'),
      data: { notice },
    };
  }
  const vsMark = notice.markPrice
    ? t('watch.receipt-vs-mark', {
        mark: priceText(notice.markPrice, lang),
        gap: formatPercent(new Decimal(notice.price).div(notice.markPrice).minus(1), lang, { signed: true }),
      })
    : t('watch.receipt-no-mark');
  const fields = [
    { label: t('watch.field-closed'), value: `${formatNumber(notice.size, lang, { maxDecimals: 6 })} ${notice.coin} (${side})`, inline: true },
    { label: t('watch.field-price'), value: `${priceText(notice.price, lang)} ${vsMark}`, inline: true },
    { label: t('watch.field-realized'), value: notice.closedPnl === null ? '—' : formatUsd(notice.closedPnl, lang, { signed: true }), inline: true },
  ];
  const method = notice.method === 'backstop' || notice.method === 'market' ? notice.method : 'unknown';
  const explain = notice.kind === 'adl' ? 'adl' : 'liquidation';
  const keyed = isKeyedVenue(notice.venue);
  const why = keyed ? t(`keys.receipt-why-${notice.kind}-${notice.venue}`) : t(`watch.receipt-why-${notice.kind}-${method}`);
  return {
    title: t(`watch.receipt-title-${notice.kind}`, { coin: notice.coin, side, venue: venueName(notice.venue) }),
    tone: 'warn',
    blocks: [
      { kind: 'text', text: t(`watch.receipt-what-${notice.kind}`, { who, time: timeText(notice.time, lang), fills: notice.fills }) },
      { kind: 'fields', fields },
      { kind: 'text', text: `${t('watch.receipt-why')}\n${why}` },
    ],
    actions: [{ label: t(`watch.button-${explain}`), payload: EXPLAIN_PAYLOADS[explain], style: 'primary' }],
    footer: [keyed ? t(`keys.receipt-footer-${notice.venue}`) : t('watch.receipt-footer'), t('watch.disclaimer')].join('\n'),
    data: { notice },
  };
}

function signalText(signal: AdlSignal, coin: string, t: Translator, lang: Lang): string {
  return signal.reason === 'crash-alert'
    ? t('watch.adl-why-crash', { coin })
    : t(`watch.adl-why-move-${signal.direction}`, { coin, move: formatPercent(signal.move, lang), minutes: signal.minutes });
}

const lightsBar = (lights: number) => `${'●'.repeat(lights)}${'○'.repeat(5 - lights)} ${lights}/5`;

/** A keyed venue's own ADL indicator at its top levels: its raw level, our lights for it, and our estimate beside it. */
function venueAdlReply(notice: AdlNotice, who: string, side: string, footer: string, lang: Lang): Reply {
  const t = translator(lang);
  const adl = notice.venueAdl!;
  const venue = venueName(notice.venue);
  const ours =
    notice.ourLights != null && notice.percentile != null
      ? t('keys.adl-ours', { lights: notice.ourLights, pct: formatPercent(notice.percentile, lang, { decimals: 0 }) })
      : t('keys.adl-ours-none');
  const lines = [t('keys.adl-what', { who, coin: notice.coin, side, venue, raw: adl.raw, scale: adl.scale, lights: adl.lights }), ours];
  lines.push(notice.signal ? signalText(notice.signal, notice.coin, t, lang) : t('keys.adl-why-none', { venue }));
  const blocks: Reply['blocks'] = [
    { kind: 'text', text: lines.join('\n') },
    {
      kind: 'fields',
      fields: [
        { label: t('keys.field-venue-adl', { venue }), value: `${lightsBar(adl.lights)} (${t('keys.venue-level', { raw: adl.raw, scale: adl.scale })})`, inline: true },
        { label: t('keys.field-our-lights'), value: notice.ourLights != null ? lightsBar(notice.ourLights) : '—', inline: true },
        { label: t('watch.field-upnl'), value: formatUsd(notice.unrealizedPnl, lang, { signed: true }), inline: true },
        { label: t('watch.field-leverage'), value: formatLeverage(notice.leverage, lang), inline: true },
      ],
    },
  ];
  if (notice.advice.length) blocks.push({ kind: 'text', text: [t('adl.advice.title'), ...notice.advice.map((a) => `• ${adviceLine(a, notice.coin, t, lang)}`)].join('\n') });
  return {
    title: t('keys.adl-title', { coin: notice.coin, side, venue, lights: adl.lights }),
    tone: adl.lights >= 5 ? 'error' : 'warn',
    blocks,
    actions: [{ label: t('watch.button-adl'), payload: EXPLAIN_PAYLOADS.adl, style: 'secondary' }],
    footer: [t('keys.adl-footer', { venue }), footer].join('\n'),
    data: { notice },
  };
}

function keyRejectedReply(notice: KeyRejectedNotice, lang: Lang): Reply {
  const t = translator(lang);
  const venue = venueName(notice.venue);
  return {
    title: t('keys.rejected-title', { label: notice.label, venue }),
    tone: 'warn',
    blocks: [{ kind: 'text', text: t('keys.rejected-what', { label: notice.label, venue, time: timeText(notice.time, lang) }) }],
    footer: t('watch.disclaimer'),
    data: { notice },
  };
}
