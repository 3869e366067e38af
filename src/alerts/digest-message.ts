import type { Lang } from '../chat/command.ts';
import { translator } from '../chat/i18n.ts';
import type { Reply } from '../chat/reply.ts';
import { formatNumber, formatPercent, formatUsd, formatUsdCompact } from '../core/numbers.ts';
import type { Severity } from '../core/signals.ts';
import { VENUE_LABELS, type AdlRisk, type Venue } from '../market/types.ts';
import type { SideTotal } from '../store/stream-repository.ts';
import { ALERT_BUTTON_PAYLOADS } from './message.ts';

/**
 * The live digest of a crash, as people read it: one message per chat, edited as the cascade
 * unfolds (the crash alert is its first version), then a final summary. What it shows: each coin's
 * price against the high it fell from and the low so far, how much was liquidated per side, per
 * venue across the chat's coins, the venues' own ADL flags, and what the numbers cannot vouch for.
 * It is text only, so every face can edit it in place within one message.
 */
export interface DigestCoin {
  symbol: string;
  severity: Severity;
  high: number;
  last: number;
  low: number;
  long: SideTotal;
  short: SideTotal;
}

export interface DigestView {
  startedAt: number;
  /** The last second the crash condition held on a coin. */
  lastActiveAt: number;
  /** The episode ended (the final summary). */
  endedAt: number | null;
  now: number;
  coins: DigestCoin[];
  /** Per venue, the chat's coins together. */
  venues: Array<{ venue: Venue; liquidations: boolean; long: SideTotal; short: SideTotal; adl: AdlRisk | null; partial: boolean }>;
  editIntervalSeconds: number;
}

const ICONS: Record<Severity, string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function digestSeverity(view: Pick<DigestView, 'coins'>): Severity {
  return view.coins.some((c) => c.severity === 'critical') ? 'critical' : 'warning';
}

export function buildDigestReply(view: DigestView, lang: Lang): Reply {
  const t = translator(lang);
  const coins = view.coins.map((c) => c.symbol).join(', ');
  const severity = digestSeverity(view);
  const ended = view.endedAt !== null;
  const usd = (total: SideTotal) => t('liquidations.amount', { usd: formatUsdCompact(total.usd, lang), count: formatNumber(total.count, lang) });
  const minutes = Math.max(1, Math.round(((ended ? view.lastActiveAt : view.now) - view.startedAt) / 60_000));

  const blocks: Reply['blocks'] = [
    {
      kind: 'text',
      text: ended
        ? t('liquidations.digest-ended', { time: hhmm(view.lastActiveAt), minutes })
        : t('liquidations.digest-since', { time: hhmm(view.startedAt), minutes, seconds: view.editIntervalSeconds }),
    },
    {
      kind: 'table',
      columns: ['col-coin', 'col-price', 'col-move', 'col-low', 'col-longs', 'col-shorts'].map((k) => t(`liquidations.${k}`)),
      rows: view.coins.map((c) => [
        c.symbol,
        formatUsd(c.last, lang),
        formatPercent(c.last / c.high - 1, lang, { signed: true, maxDecimals: 2 }),
        formatUsd(c.low, lang),
        usd(c.long),
        usd(c.short),
      ]),
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
    },
    {
      kind: 'table',
      columns: ['col-venue', 'col-longs', 'col-shorts', 'col-adl'].map((k) => t(`liquidations.${k}`)),
      rows: view.venues.map((v) => [
        VENUE_LABELS[v.venue],
        v.liquidations ? usd(v.long) : t('liquidations.no-stream'),
        v.liquidations ? usd(v.short) : '–',
        v.adl ? t(`liquidations.adl-${v.adl}`) : '–',
      ]),
      align: ['left', 'right', 'right', 'left'],
    },
  ];
  const notes = [t('liquidations.note-binance'), t('liquidations.note-hyperliquid')];
  const partial = view.venues.filter((v) => v.partial).map((v) => VENUE_LABELS[v.venue]);
  if (partial.length > 0) notes.push(t('liquidations.note-partial', { venues: partial.join(', ') }));
  blocks.push({ kind: 'text', text: `_${notes.join(' ')}_` });
  if (!ended) blocks.push({ kind: 'text', text: t('alerts.crash-means') });

  return {
    title: ended ? t('liquidations.digest-title-final', { coins }) : t('liquidations.digest-title-live', { icon: ICONS[severity], coins }),
    tone: ended ? 'info' : severity === 'critical' ? 'error' : 'warn',
    blocks,
    actions: [{ label: t('alerts.button-adl'), payload: ALERT_BUTTON_PAYLOADS.adl, style: 'secondary' }],
    footer: t('liquidations.digest-footer', { time: hhmmss(view.now) }),
  };
}

/** What the digest shows, without the clock: an edit is due only when this changes (or the crash ends). */
export function digestFingerprint(view: DigestView): string {
  const round = (usd: number) => Math.round(usd / 1_000);
  return JSON.stringify([
    view.endedAt !== null,
    view.coins.map((c) => [c.symbol, c.severity, c.last.toPrecision(5), c.low.toPrecision(5), c.long.count, round(c.long.usd), c.short.count, round(c.short.usd)]),
    view.venues.map((v) => [v.venue, v.adl, v.partial, round(v.long.usd), round(v.short.usd)]),
  ]);
}
