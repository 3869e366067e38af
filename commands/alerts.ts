import type { Command, Lang } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { formatDateTime } from '../src/chat/dates.ts';
import type { DeliveryResult } from '../src/chat/delivery.ts';
import { localized } from '../src/chat/i18n.ts';
import { UserError } from '../src/chat/errors.ts';
import { LANGUAGE_PREFERENCES } from '../src/chat/preferences.ts';
import type { Reply } from '../src/chat/reply.ts';
import { serviceKey } from '../src/chat/services.ts';
import { ALERT_KINDS, SEVERITIES, type AlertKind, type Severity } from '../src/core/signals.ts';
import { VENUES, VENUE_LABELS, type Venue } from '../src/market/types.ts';
import type { AlertCandidate } from '../src/alerts/evaluate.ts';
import type { PlannedAlert } from '../src/alerts/service.ts';
import { localizeVenueError } from '../src/market/http.ts';
import type { PollResult } from '../src/market/service.ts';
import type { Subscription } from '../src/store/alerts-repository.ts';
import { alertTitle } from '../src/alerts/message.ts';

/** What `/alerts` uses (src/alerts/service.ts provides it, through src/app.ts). */
export interface AlertSubscriptions {
  /** Coins a subscription watches when it names none. */
  readonly defaultSymbols: readonly string[];
  subscription(face: string, chatId: string): Subscription | undefined;
  /** Creates or replaces the chat's subscription (and resumes it if it was paused). */
  subscribe(subscription: Omit<Subscription, 'pausedAt' | 'pausedReason'>): void;
  /** Removes the chat's subscription and drops what is still queued for it. */
  unsubscribe(face: string, chatId: string): boolean;
  /** A sample alert, sent straight to the chat. */
  sendTest(face: string, chatId: string, lang: Lang): Promise<DeliveryResult>;
  /** poll → store → evaluate, no delivery. */
  evaluate(): Promise<{ poll: PollResult; candidates: AlertCandidate[]; subscriptions: Subscription[] }>;
  /** Dedup and the per-chat cap, read-only. */
  plan(candidates: readonly AlertCandidate[], subscriptions: readonly Subscription[], now: number): PlannedAlert[];
}

export const ALERT_SUBSCRIPTIONS = serviceKey<AlertSubscriptions>('alert-subscriptions');

/**
 * `/alerts subscribe [crowding|crash|adl|all] [symbols=BTC,ETH] [venues=binance,okx] [severity=warning]`,
 * `/alerts list`, `/alerts unsubscribe`, `/alerts test`, and `alerts run-once` (one poll → evaluate
 * cycle, printing what would be sent; the CLI's `--json` gets `{ at, venues, alerts }`).
 * `managesChat`: the dispatcher's permission guard applies; changes are checked here too.
 */
const ACTIONS = ['subscribe', 'unsubscribe', 'list', 'test', 'run-once'] as const;
type AlertsAction = (typeof ACTIONS)[number];

export const alertsCommand: Command = {
  name: 'alerts',
  description: localized('alerts.description'),
  options: [
    { name: 'action', kind: 'enum', choices: ACTIONS, required: true, positional: true, cliPositional: true, description: localized('alerts.opt-action') },
    { name: 'kind', kind: 'enum', choices: [...ALERT_KINDS, 'all'], default: 'all', positional: true, description: localized('alerts.opt-kind') },
    { name: 'symbols', aliases: ['symbol', 'coins'], kind: 'string', description: localized('alerts.opt-symbols') },
    { name: 'venues', aliases: ['venue'], kind: 'string', description: localized('alerts.opt-venues') },
    { name: 'severity', kind: 'enum', choices: SEVERITIES, default: 'warning', description: localized('alerts.opt-severity') },
  ],
  examples: [
    { args: { action: 'subscribe', kind: 'all', symbols: 'BTC,ETH' } },
    { args: { action: 'subscribe', kind: 'crash', venues: 'binance,bybit', severity: 'critical' } },
    { args: { action: 'list' } },
  ],
  managesChat: true,
  slow: true,
  async run(args, ctx) {
    const alerts = ctx.services.get(ALERT_SUBSCRIPTIONS);
    if (!alerts) throw new UserError('alerts.unavailable');
    const action = args.action as AlertsAction;
    if (action === 'run-once') return runOnce(alerts, ctx);
    const platform = pushPlatform(ctx);
    if (action === 'list') return listReply(alerts.subscription(platform, ctx.chat.id), ctx);
    if (!ctx.canManageChat) throw new UserError('alerts.not-allowed');
    if (action === 'unsubscribe') {
      const removed = alerts.unsubscribe(platform, ctx.chat.id);
      return { tone: removed ? 'success' : 'info', blocks: [{ kind: 'text', text: ctx.t(removed ? 'alerts.unsubscribed' : 'alerts.not-subscribed') }] };
    }
    if (action === 'test') {
      const result = await alerts.sendTest(platform, ctx.chat.id, ctx.lang);
      return result.ok
        ? { tone: 'success', ephemeral: true, blocks: [{ kind: 'text', text: ctx.t('alerts.test-sent') }] }
        : { tone: 'error', ephemeral: true, blocks: [{ kind: 'text', text: ctx.t('alerts.test-failed', { detail: result.detail }) }] };
    }
    const kind = String(args.kind ?? 'all');
    const subscription = {
      platform,
      chatId: ctx.chat.id,
      kinds: kind === 'all' ? [...ALERT_KINDS] : [kind as AlertKind],
      symbols: args.symbols === undefined ? [...alerts.defaultSymbols] : parseSymbols(String(args.symbols)),
      venues: args.venues === undefined ? ['*'] : parseVenues(String(args.venues)),
      minSeverity: (args.severity as Severity | undefined) ?? 'warning',
      createdBy: ctx.user.id,
      createdAt: ctx.now().toISOString(),
    };
    alerts.subscribe(subscription);
    // Alerts are posted in the chat's language. A chat that never chose one gets the language of
    // the manager who subscribed it, so a Vietnamese group gets Vietnamese alerts without a /lang step.
    const preferences = ctx.services.get(LANGUAGE_PREFERENCES);
    if (!preferences) throw new Error('alerts: no LANGUAGE_PREFERENCES service');
    let alertLang = preferences.chatLang(platform, ctx.chat.id);
    if (alertLang === undefined) {
      alertLang = ctx.lang;
      preferences.setChatLang(platform, ctx.chat.id, alertLang, ctx.now());
    }
    const other: Lang = alertLang === 'vi' ? 'en' : 'vi';
    return {
      title: ctx.t('alerts.subscribed-title'),
      tone: 'success',
      blocks: [
        {
          kind: 'text',
          text: [
            ctx.t('alerts.subscribed', describe({ ...subscription, pausedAt: null, pausedReason: null }, ctx)),
            ctx.t('alerts.subscribed-lang', { lang: ctx.t(`alerts.lang-${alertLang}`), other }),
          ].join('\n'),
        },
      ],
      data: { subscription: { ...subscription, pausedAt: null, pausedReason: null }, alertLang },
    };
  },
};

/** Alerts go to chats of faces that can post unasked; the terminal and the CLI cannot. */
function pushPlatform(ctx: ChatContext): string {
  if (ctx.face.push) return ctx.face.id;
  throw new UserError('alerts.push-only');
}

export function parseSymbols(input: string): string[] {
  const words = input.split(/[\s,;]+/).filter(Boolean).map((w) => w.toUpperCase().replace(/^\$/, '').replace(/USDT$/, ''));
  if (words.length === 1 && (words[0] === 'ALL' || words[0] === '*')) return ['*'];
  if (words.length === 0 || words.some((w) => !/^[A-Z0-9]{1,20}$/.test(w))) {
    throw new UserError('alerts.bad-symbols', { input }, { key: 'alerts.hint-symbols' });
  }
  return [...new Set(words)];
}

export function parseVenues(input: string): string[] {
  const words = input.split(/[\s,;]+/).filter(Boolean).map((w) => w.toLowerCase());
  if (words.length === 1 && (words[0] === 'all' || words[0] === '*')) return ['*'];
  const unknown = words.find((w) => !(VENUES as readonly string[]).includes(w));
  if (unknown !== undefined || words.length === 0) {
    throw new UserError('alerts.bad-venues', { venue: unknown ?? input }, { key: 'alerts.hint-venues' });
  }
  return [...new Set(words)].sort();
}

function describe(sub: Subscription, ctx: ChatContext): Record<string, string> {
  const { t } = ctx;
  return {
    kinds: sub.kinds.map((k) => t(`alerts.kind-${k}`)).join(', '),
    symbols: sub.symbols.includes('*') ? t('alerts.all-coins') : sub.symbols.join(', '),
    venues: sub.venues.includes('*') ? t('alerts.all-venues') : sub.venues.map((v) => VENUE_LABELS[v as Venue] ?? v).join(', '),
    severity: t(`alerts.severity-${sub.minSeverity}`),
  };
}

function listReply(sub: Subscription | undefined, ctx: ChatContext): Reply {
  if (!sub) return { tone: 'info', blocks: [{ kind: 'text', text: ctx.t('alerts.not-subscribed') }] };
  const d = describe(sub, ctx);
  const { t } = ctx;
  return {
    title: t('alerts.list-title'),
    tone: sub.pausedAt ? 'warn' : 'info',
    blocks: [
      {
        kind: 'fields',
        fields: [
          { label: t('alerts.field-kinds'), value: d.kinds },
          { label: t('alerts.field-symbols'), value: d.symbols },
          { label: t('alerts.field-venues'), value: d.venues },
          { label: t('alerts.field-severity'), value: d.severity },
          {
            label: t('alerts.field-status'),
            value: sub.pausedAt
              ? t('alerts.status-paused', { since: formatDateTime(sub.pausedAt, ctx.lang), reason: sub.pausedReason ?? '' })
              : t('alerts.status-active'),
          },
        ],
      },
    ],
    data: { subscription: sub },
  };
}

async function runOnce(alerts: AlertSubscriptions, ctx: ChatContext): Promise<Reply> {
  const { poll, candidates, subscriptions } = await alerts.evaluate();
  const { t, lang } = ctx;
  // The same dedup and per-chat cap a scheduled cycle applies, without queueing anything.
  const planned = alerts.plan(candidates, subscriptions, poll.at);
  const venueLines = poll.venues.map((v) =>
    t('alerts.run-once-venues', {
      venue: VENUE_LABELS[v.venue],
      status: v.ok ? t('alerts.venue-ok') : t('alerts.venue-failed', { error: localizeVenueError(v.error ?? '', t) }),
      snapshots: v.snapshots,
      requests: v.requests,
      weight: v.weight,
    }),
  );
  const alertLines = planned.map(({ candidate, send, held }) =>
    [
      t('alerts.run-once-alert', {
        severity: t(`alerts.severity-${candidate.severity}`),
        title: alertTitle(candidate, lang),
        targets: send.length ? send.map((s) => `${s.platform}:${s.chatId}`).join(', ') : t('alerts.run-once-no-target'),
      }),
      ...(held.length
        ? [t('alerts.run-once-held', { targets: held.map((h) => `${h.sub.platform}:${h.sub.chatId} (${t(`alerts.held-${h.reason}`)})`).join(', ') })]
        : []),
    ].join('\n'),
  );
  const messages = planned.reduce((n, p) => n + p.send.length, 0);
  return {
    title: t('alerts.run-once-title', { count: candidates.length, messages }),
    tone: candidates.length ? 'warn' : 'info',
    blocks: [{ kind: 'text', text: [...venueLines, '', ...alertLines].join('\n').trim() }],
    data: {
      at: new Date(poll.at).toISOString(),
      venues: poll.venues,
      messages,
      alerts: planned.map(({ candidate, send, held }) => ({
        ...candidate,
        title: alertTitle(candidate, lang),
        targets: send.map((s) => ({ platform: s.platform, chatId: s.chatId })),
        held: held.map((h) => ({ platform: h.sub.platform, chatId: h.sub.chatId, reason: h.reason })),
      })),
    },
  };
}
