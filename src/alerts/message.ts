import type { Lang } from '../chat/command.ts';
import { formatDateTime } from '../chat/dates.ts';
import { translator } from '../chat/i18n.ts';
import type { Reply } from '../chat/reply.ts';
import { formatNumber, formatPercent, formatUsd } from '../core/numbers.ts';
import { VENUE_LABELS, type Venue } from '../market/types.ts';
import type { AlertCandidate, VenueMetrics } from './evaluate.ts';
import { COMMAND_PREFIX as EXPLAIN_PREFIX } from '../explain/payload.ts';

/**
 * The alert as people read it: what (coin, venues), why (the numbers), what it means for
 * liquidation and ADL risk, a chart, a button to the matching explainer, "not financial advice".
 *
 * Buttons: an alert is not the answer to a command, so its buttons carry fully-qualified
 * payloads, sent as they are: `explain:funding` (crowding) and `explain:adl` (crash, ADL risk).
 * The dispatcher splits at the first colon and hands the bare topic (`funding`, `adl`) to the
 * explain command's onAction, which opens step 1 of that walkthrough in a new message (the
 * alert stays). test/alerts/message.test.ts pins these strings.
 */
export const ALERT_BUTTON_PAYLOADS = { funding: `${EXPLAIN_PREFIX}funding`, adl: `${EXPLAIN_PREFIX}adl` } as const;
const ICONS = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;

export function alertTitle(candidate: AlertCandidate, lang: Lang): string {
  const t = translator(lang);
  const venues = venueList(candidate.venues);
  const symbol = candidate.symbol;
  const text =
    candidate.kind === 'crowding'
      ? t('alerts.crowding-title', { symbol, venues, side: t(`alerts.side-${candidate.side ?? 'long'}`) })
      : candidate.kind === 'crash'
        ? t('alerts.crash-title', { symbol, venues })
        : t('alerts.adl-title', { symbol, venues });
  return `${ICONS[candidate.severity]} ${text}`;
}

export function buildAlertReply(candidate: AlertCandidate, lang: Lang, chart?: Buffer): Reply {
  const t = translator(lang);
  const symbol = candidate.symbol;
  const pct = (v: number | null | undefined, signed = true) => (v == null ? '–' : formatPercent(v, lang, { signed, maxDecimals: 2 }));
  const blocks: Reply['blocks'] = [];
  let explainTopic: 'funding' | 'adl' = 'adl';

  if (candidate.kind === 'crowding') {
    const side = candidate.side ?? 'long';
    explainTopic = 'funding';
    blocks.push({
      kind: 'text',
      text: [
        t('alerts.crowding-what', { symbol, side: t(`alerts.side-${side}`), count: candidate.venues.length, total: candidate.metrics.length }),
        t(`alerts.crowding-why-${side}`),
      ].join('\n'),
    });
    blocks.push(metricsTable(candidate.metrics, lang, ['apr', 'z', 'oi4h', 'price1h']));
    blocks.push({ kind: 'text', text: t(`alerts.crowding-means-${side}`) });
  } else if (candidate.kind === 'crash') {
    const crash = candidate.crash!;
    const lines = [t('alerts.crash-what', { symbol, drop: pct(crash.worstDrop, false), minutes: crash.windowMinutes })];
    if (crash.flushVenues.length > 0) lines.push(t('alerts.crash-flush', { flush: pct(crash.worstFlush, false), venues: venueList(crash.flushVenues) }));
    blocks.push({ kind: 'text', text: lines.join('\n') });
    blocks.push(metricsTable(candidate.metrics, lang, ['price', 'drop', 'flush', 'apr']));
    blocks.push({ kind: 'text', text: t('alerts.crash-means') });
  } else {
    const level = candidate.severity === 'info' ? 'medium' : 'high';
    blocks.push({ kind: 'text', text: t('alerts.adl-what', { symbol, level: t(`alerts.adl-level-${level}`), venues: venueList(candidate.venues) }) });
    blocks.push(metricsTable(candidate.metrics, lang, ['adl', 'price', 'price1h', 'oi1h', 'apr']));
    blocks.push({ kind: 'text', text: t('alerts.adl-means') });
  }

  const time = formatDateTime(candidate.time, lang);
  return {
    title: alertTitle(candidate, lang),
    tone: candidate.severity === 'critical' ? 'error' : candidate.severity === 'warning' ? 'warn' : 'info',
    blocks,
    image: chart
      ? { png: chart, alt: t('market.chart-alt', { symbol }), filename: `${symbol.toLowerCase()}-funding-oi.png` }
      : undefined,
    actions: [{ label: t(`alerts.button-${explainTopic}`), payload: ALERT_BUTTON_PAYLOADS[explainTopic], style: 'secondary' }],
    footer: t('alerts.footer', { time }),
    data: { alert: candidate },
  };
}

type Column = 'price' | 'apr' | 'z' | 'oi1h' | 'oi4h' | 'price1h' | 'drop' | 'flush' | 'adl';

function metricsTable(metrics: readonly VenueMetrics[], lang: Lang, columns: Column[]): Reply['blocks'][number] {
  const t = translator(lang);
  const pct = (v: number | null) => (v === null ? '–' : formatPercent(v, lang, { signed: true, maxDecimals: 2 }));
  const headers: Record<Column, string> = {
    price: t('alerts.col-price'),
    apr: t('alerts.col-apr'),
    z: t('alerts.col-z'),
    oi1h: t('alerts.col-oi1h'),
    oi4h: t('alerts.col-oi4h'),
    price1h: t('alerts.col-price1h'),
    drop: t('alerts.col-drop'),
    flush: t('alerts.col-flush'),
    adl: t('alerts.col-adl'),
  };
  const cell = (m: VenueMetrics, c: Column): string => {
    switch (c) {
      case 'price':
        return m.mark === null ? '–' : formatUsd(m.mark, lang);
      case 'apr':
        return m.fundingApr === null ? '–' : formatPercent(m.fundingApr, lang, { maxDecimals: 1 });
      case 'z':
        return m.fundingZ === null ? '–' : formatNumber(m.fundingZ, lang, { decimals: 1, signed: true });
      case 'oi1h':
        return pct(m.oiChange1h);
      case 'oi4h':
        return pct(m.oiChange4h);
      case 'price1h':
        return pct(m.priceChange1h);
      case 'drop':
        return m.dropFromPeak === null ? '–' : pct(-m.dropFromPeak);
      case 'flush':
        return m.oiFlush === null ? '–' : pct(-m.oiFlush);
      case 'adl':
        return t(`alerts.adl-level-${m.adlRisk ?? 'none'}`);
    }
  };
  return {
    kind: 'table',
    columns: [t('alerts.col-venue'), ...columns.map((c) => headers[c])],
    rows: metrics.map((m) => [VENUE_LABELS[m.venue as Venue] ?? m.venue, ...columns.map((c) => cell(m, c))]),
    align: ['left', ...columns.map(() => 'right' as const)],
  };
}

function venueList(venues: readonly string[]): string {
  return venues.map((v) => VENUE_LABELS[v as Venue] ?? v).join(', ');
}
