import type { Command, FormSpec, Lang, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import type { DeliveryResult } from '../src/chat/delivery.ts';
import { UserError } from '../src/chat/errors.ts';
import { catalog, localized } from '../src/chat/i18n.ts';
import type { Reply } from '../src/chat/reply.ts';
import { carriesSecret } from '../src/chat/secrets.ts';
import { serviceKey } from '../src/chat/services.ts';
import { formatDateTime } from '../src/chat/dates.ts';
import { formatLeverage, formatNumber, formatPercent, formatUsd } from '../src/core/numbers.ts';
import type { Forgotten } from '../src/store/forget.ts';
import type { WatchOwner, WatchRow } from '../src/store/watch-repository.ts';
import type { AccountReport, PositionReport } from '../src/watch/evaluate.ts';
import type { Permission } from '../src/watch/keyed/keyed-client.ts';
import { Credentials } from '../src/watch/keys/keyring.ts';
import { adviceData, adviceLine, priceText, shortAddress, timeText, venueName } from '../src/watch/messages.ts';
import { WatchBusyError, type AccountCheck, type KeyedAddResult } from '../src/watch/service.ts';
import { AccountError, isKeyedVenue, WATCH_VENUES, type ForcedFill, type KeyedVenue, type WatchVenue } from '../src/watch/types.ts';
import { assumptionLines, decimalString } from './position-args.ts';

/** What `/watch` uses (src/watch/service.ts provides it, through src/app.ts). */
export interface WatchList {
  readonly maxPerUser: number;
  /** The alert thresholds, to tell the user what they will get. */
  readonly settings: { distanceTiers: readonly number[]; adlMovePct: number; adlMoveMinutes: number };
  list(owner: WatchOwner): WatchRow[];
  /** The owner wrote: keep their language; `privateChatId` when they wrote in private (it reaches them, paused watches resume). */
  touch(owner: WatchOwner, lang: Lang, privateChatId?: string): void;
  add(owner: WatchOwner, watch: { venue: WatchVenue; account: string; label: string }): WatchRow;
  /** Deletes the watch and what was stored for it. */
  remove(id: number): boolean;
  check(venue: WatchVenue, account: string, options: { fetchFills: boolean }): Promise<AccountCheck>;
  sendPrivately(owner: WatchOwner, reply: Reply, lang: Lang): Promise<DeliveryResult>;
  privateChat(owner: WatchOwner): Promise<{ ok: true; chatId: string } | Exclude<DeliveryResult, { ok: true }>>;
  /** Keyed venues can be watched: a master key seals users' keys (WATCH_ENCRYPTION_KEY). */
  readonly keyedWatching: boolean;
  /** The venue checks the key; only an accepted read-only key is stored (sealed), with its watch. */
  addKeyed(owner: WatchOwner, request: { venue: KeyedVenue; label: string; credentials: Credentials; replace?: WatchRow }): Promise<KeyedAddResult>;
  /** Everything the bot holds about this person on this face; `privateChats`: chats known to be theirs alone. */
  forget(owner: WatchOwner, privateChats?: readonly string[]): Forgotten;
  /** The bot's public IPs (WATCH_KEY_IPS), for the users' key IP restriction; empty when not published. */
  readonly keyIps: readonly string[];
}

export const WATCH_LIST = serviceKey<WatchList>('watch-list');

const ACTIONS = ['add', 'list', 'remove', 'check', 'forget-me'] as const;
type WatchAction = (typeof ACTIONS)[number];

const ADDRESS = /^0x[0-9a-f]{40}$/i;
/** Labels are shown in messages: letters, digits, spaces, dots and hyphens only, so they are never markup. */
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} .-]{0,23}$/u;
/** A chat message holds this many positions; the JSON has all of them. */
const MAX_SHOWN_POSITIONS = 12;

/**
 * `/watch add hyperliquid 0x… [label]`, `/watch list`, `/watch remove <label|address>`,
 * `/watch check [label]`; on the CLI `watch check --venue hyperliquid --address 0x… [--json]`.
 * Watches belong to a person; their alerts and receipts go to that person's private chat, and in a
 * shared chat every answer goes to them alone (Discord: seen only by them; elsewhere: sent to their
 * private chat), so nobody else sees their addresses.
 */
export const watchCommand: Command = {
  name: 'watch',
  description: localized('watch.description'),
  options: [
    {
      name: 'action',
      kind: 'enum',
      choices: ACTIONS,
      subcommand: true,
      required: true,
      positional: true,
      cliPositional: true,
      description: localized('watch.opt-action'),
      choiceDescriptions: Object.fromEntries(ACTIONS.map((a) => [a, localized(`watch.action-${a}`)])),
    },
    { name: 'watch', kind: 'string', for: ['remove', 'check'], requiredFor: ['remove'], positional: true, description: localized('watch.opt-watch') },
    // Named with `add` as the venue's own word (`/watch add hyperliquid 0x…`), so an address typed first is not read as a venue.
    { name: 'venue', kind: 'enum', choices: WATCH_VENUES, default: 'hyperliquid', for: ['add', 'check'], requiredFor: ['add'], positional: true, description: localized('watch.opt-venue') },
    // Hyperliquid needs it; the keyed venues take a read-only key in a private form instead (`/watch add bybit [label]`).
    { name: 'address', kind: 'string', for: ['add', 'check'], positional: true, description: localized('watch.opt-address') },
    { name: 'label', kind: 'string', for: ['add'], positional: true, description: localized('watch.opt-label') },
  ],
  examples: [
    { args: { action: 'add', venue: 'hyperliquid', address: '0x2ea18c23f72a4b6172c55b411823cdc5335923f4', label: 'main' } },
    { args: { action: 'check', watch: 'main' } },
    { args: { action: 'list' } },
    { args: { action: 'remove', watch: 'main' } },
    { args: { action: 'check', venue: 'hyperliquid', address: '0x2ea18c23f72a4b6172c55b411823cdc5335923f4' } },
    { args: { action: 'add', venue: 'bybit', address: 'bybit-main' } },
    { args: { action: 'forget-me' } },
  ],
  cost: 'light',
  slow: true,
  async run(args, ctx) {
    const watch = ctx.services.get(WATCH_LIST);
    if (!watch) throw new UserError('watch.unavailable');
    const action = args.action as WatchAction;
    const owner: WatchOwner = { platform: ctx.face.id, userId: ctx.user.id };
    // Before anything is remembered about them (touch stores their language).
    if (action === 'forget-me') return forgetMe(watch, owner, ctx);
    const keyed = action === 'add' && isKeyedVenue(String(args.venue));
    // A key typed as command words is never used: in a shared chat it is exposed, and the message goes.
    if (keyed && carriesSecret(`${args.address ?? ''} ${args.label ?? ''}`) && ctx.chat.kind !== 'private') return exposedKeyReply(String(args.venue) as KeyedVenue, ctx);
    if (keyed && !ctx.face.forms) throw new UserError('keys.needs-chat');
    const canWatch = Boolean(ctx.face.push?.privateChats) && !ctx.face.operator;
    if (canWatch) watch.touch(owner, ctx.lang, ctx.chat.kind === 'private' ? ctx.chat.id : undefined);
    if (action === 'check') return privately(await check(watch, owner, canWatch, args, ctx), watch, owner, ctx);
    if (!canWatch) throw new UserError('watch.needs-private-chat');
    if (action === 'list') return privately(listReply(watch.list(owner), ctx), watch, owner, ctx);
    if (action === 'remove') return privately(remove(watch, owner, String(args.watch), ctx), watch, owner, ctx);
    if (keyed) return askForKey(watch, owner, String(args.venue) as KeyedVenue, args, ctx);
    return privately(await add(watch, owner, args, ctx), watch, owner, ctx);
  },
  form(payload, ctx) {
    const request = keyRequestOf(payload);
    return request ? keyForm(request.venue, ctx) : undefined;
  },
  async onForm(payload, values, ctx) {
    const watch = ctx.services.get(WATCH_LIST);
    if (!watch) throw new UserError('watch.unavailable');
    const request = keyRequestOf(payload);
    if (!request) throw new UserError('chat.error.stale-button');
    return receiveKey(watch, { platform: ctx.face.id, userId: ctx.user.id }, request, values, ctx);
  },
};

/**
 * Answers that name addresses reach the asker alone: as they are in a private chat (and the
 * operator's own terminal), seen only by them where the face can (Discord), else sent to their
 * private chat with a short note in the group.
 */
async function privately(reply: Reply, watch: WatchList, owner: WatchOwner, ctx: ChatContext): Promise<Reply> {
  if (ctx.chat.kind === 'private' || ctx.face.operator) return reply;
  if (ctx.face.ephemeralReplies) return { ...reply, ephemeral: true };
  const sent = await watch.sendPrivately(owner, reply, ctx.lang);
  if (sent.ok) return { tone: 'info', blocks: [{ kind: 'text', text: ctx.t('watch.sent-privately') }] };
  return { tone: 'warn', blocks: [{ kind: 'text', text: ctx.t('watch.open-private-chat', { how: privateChatHow(ctx) }) }] };
}

/** How to open a private chat with the bot on this face: its own words (`<face>.private-chat-how`), else a general one. */
function privateChatHow(ctx: ChatContext): string {
  const own = `${ctx.face.id}.private-chat-how`;
  return catalog().has(own) ? ctx.t(own) : ctx.t('watch.private-chat-how');
}

function checkedAddress(input: string): string {
  const address = input.trim();
  // The address is not repeated: in a group it would be shown to everyone.
  if (!ADDRESS.test(address)) throw new UserError('watch.bad-address', {}, { key: 'watch.hint-address' });
  return address.toLowerCase();
}

function findWatch(watches: readonly WatchRow[], target: string): WatchRow | undefined {
  const wanted = target.trim().toLowerCase();
  return watches.find((w) => w.label.toLowerCase() === wanted || w.account === wanted);
}

async function add(watch: WatchList, owner: WatchOwner, args: ParsedArgs, ctx: ChatContext): Promise<Reply> {
  const venue = String(args.venue) as WatchVenue;
  if (args.address === undefined) throw new UserError('watch.missing-address', {}, { key: 'watch.hint-address' });
  const account = checkedAddress(String(args.address));
  const existing = watch.list(owner);
  const already = existing.find((w) => w.venue === venue && w.account === account);
  if (already) throw new UserError('watch.already-watched', { label: already.label });
  let label: string;
  if (args.label !== undefined) {
    label = String(args.label).trim();
    if (!LABEL.test(label) || ADDRESS.test(label)) throw new UserError('watch.bad-label', {}, { key: 'watch.hint-label' });
    if (findWatch(existing, label)) throw new UserError('watch.label-taken', { label });
  } else {
    let n = existing.length + 1;
    while (findWatch(existing, `wallet${n}`)) n++;
    label = `wallet${n}`;
  }
  if (existing.length >= watch.maxPerUser) throw new UserError('watch.cap', { max: watch.maxPerUser });

  // One read now says whether the address holds anything; the watch is kept either way.
  let first: AccountCheck | undefined;
  let unreachable = false;
  try {
    first = await watch.check(venue, account, { fetchFills: false });
  } catch (error) {
    if (!(error instanceof AccountError || error instanceof WatchBusyError)) throw error;
    unreachable = true;
  }
  const row = watch.add(owner, { venue, account, label });
  const reach = ctx.chat.kind === 'private' ? { ok: true as const } : await watch.privateChat(owner);

  const { t } = ctx;
  const lines = [t('watch.added', { label, address: account, venue: venueName(venue) })];
  if (unreachable) lines.push(t('watch.added-unreachable', { venue: venueName(venue) }));
  else if (first && first.report.positions.length === 0 && first.report.accountValue.isZero()) lines.push(t('watch.added-empty', { venue: venueName(venue) }));
  const { distanceTiers, adlMovePct, adlMoveMinutes } = watch.settings;
  lines.push(
    t('watch.added-alerts', {
      tiers: distanceTiers.map((d) => formatPercent(d, ctx.lang, { decimals: 0 })).join(', '),
      move: formatPercent(adlMovePct, ctx.lang, { decimals: 0 }),
      minutes: adlMoveMinutes,
    }),
  );
  if (!reach.ok) lines.push(t('watch.cannot-reach-privately', { how: privateChatHow(ctx) }));
  const blocks: Reply['blocks'] = [{ kind: 'text', text: lines.join('\n\n') }];
  if (first) blocks.push(...accountBlocks(first, ctx));
  return {
    title: t('watch.added-title', { label, venue: venueName(venue) }),
    tone: 'success',
    blocks,
    footer: t('watch.disclaimer'),
    data: { watch: watchData(row), ...(first ? { check: checkData(first) } : {}) },
  };
}

// ---- keyed venues: a read-only API key, taken only in a private form ------------------------------

const KEY_PAYLOAD = /^key:(binance|bybit|okx):(.{1,24})$/;
/** An API key or secret as the venues issue them: printable ASCII without spaces. */
const KEY_TEXT = /^[\x21-\x7e]{8,128}$/;
/** An OKX passphrase: chosen by the user, printable characters. */
const PASSPHRASE_TEXT = /^[\x20-\x7e]{1,64}$/;

interface KeyRequest {
  venue: KeyedVenue;
  label: string;
}

function keyRequestOf(payload: string): KeyRequest | undefined {
  const match = KEY_PAYLOAD.exec(payload);
  return match ? { venue: match[1] as KeyedVenue, label: match[2] } : undefined;
}

/** The form: key and secret (and OKX's passphrase), in the order a Telegram message gives them. */
function keyForm(venue: KeyedVenue, ctx: ChatContext): FormSpec {
  return {
    title: ctx.t('keys.form-title', { venue: venueName(venue) }),
    fields: [
      { name: 'apiKey', label: ctx.t('keys.field-api-key'), minLength: 8, maxLength: 128 },
      { name: 'secret', label: ctx.t('keys.field-secret'), minLength: 8, maxLength: 128 },
      ...(venue === 'okx' ? [{ name: 'passphrase', label: ctx.t('keys.field-passphrase'), minLength: 1, maxLength: 64 }] : []),
    ],
  };
}

/** A key typed in a shared chat: never stored or used; the message is deleted where the face can; revoke it. */
function exposedKeyReply(venue: KeyedVenue, ctx: ChatContext): Reply {
  return {
    title: ctx.t('keys.exposed-title'),
    tone: 'error',
    // Seen by its owner alone where the face can (Discord); in a Telegram group it must reach them there.
    ephemeral: true,
    deleteRequest: true,
    blocks: [{ kind: 'text', text: ctx.t('keys.exposed-group', { venue: venueName(venue) }) }],
  };
}

/** The label of a keyed watch, and the user's existing watch of that venue and label when the new key replaces its key. */
function keyedLabel(watch: WatchList, owner: WatchOwner, venue: KeyedVenue, wanted: string | undefined): { label: string; replace?: WatchRow } {
  const existing = watch.list(owner);
  let label: string;
  if (wanted !== undefined) {
    label = wanted.trim();
    if (!LABEL.test(label) || ADDRESS.test(label)) throw new UserError('watch.bad-label', {}, { key: 'watch.hint-label' });
  } else {
    let n = 1;
    while (findWatch(existing, `${venue}${n}`)) n++;
    label = `${venue}${n}`;
  }
  const same = findWatch(existing, label);
  if (same && same.venue === venue && same.keyId !== null) return { label: same.label, replace: same };
  if (same) throw new UserError('watch.label-taken', { label });
  if (existing.length >= watch.maxPerUser) throw new UserError('watch.cap', { max: watch.maxPerUser });
  return { label };
}

/** How to restrict the key to the bot's addresses (when the operator published them), or to trust the read-only rule alone. */
function ipAdvice(watch: WatchList, venue: KeyedVenue, ctx: ChatContext): string {
  return watch.keyIps.length
    ? ctx.t('keys.ip-advice', { venue: venueName(venue), ips: watch.keyIps.join(', ') })
    : ctx.t('keys.ip-advice-unknown', { venue: venueName(venue) });
}

/** `/watch add bybit [label]`: how to make a read-only key, and the private form to send it in. */
async function askForKey(watch: WatchList, owner: WatchOwner, venue: KeyedVenue, args: ParsedArgs, ctx: ChatContext): Promise<Reply> {
  const { t } = ctx;
  if (!watch.keyedWatching) throw new UserError('keys.off', { venue: venueName(venue) });
  if (!ctx.face.forms) throw new UserError('keys.needs-chat');
  if (ctx.face.forms === 'private-message' && ctx.chat.kind !== 'private') throw new UserError('keys.private-only', { venue: venueName(venue), how: privateChatHow(ctx) });
  // Typed here in private: not exposed to others, but never taken from command words either.
  const typed = [args.address, args.label].filter((v): v is string => typeof v === 'string');
  const exposed = typed.some((w) => carriesSecret(w));
  const { label, replace } = keyedLabel(watch, owner, venue, exposed ? undefined : (typed[1] ?? typed[0]));
  const lines = [
    ...(exposed ? [t('keys.exposed-private')] : []),
    ...(replace ? [t('keys.replace-intro', { label, venue: venueName(venue) })] : []),
    t(`keys.howto-${venue}`),
    ...(venue === 'binance' ? [t('keys.binance-note')] : []),
    ipAdvice(watch, venue, ctx),
    t('keys.how-stored', { venue: venueName(venue) }),
    ctx.face.forms === 'modal' ? t('keys.send-modal') : t(venue === 'okx' ? 'keys.send-message-passphrase' : 'keys.send-message'),
  ];
  return {
    title: t('keys.add-title', { label, venue: venueName(venue) }),
    tone: 'info',
    ephemeral: true,
    blocks: [{ kind: 'text', text: lines.join('\n\n') }],
    form: { payload: `key:${venue}:${label}`, label: t('keys.button-enter', { venue: venueName(venue) }) },
    ...(exposed ? { deleteRequest: true } : {}),
    footer: t('watch.disclaimer'),
  };
}

/** The form's answer: the venue checks the key; only a read-only key it accepts is sealed and stored. */
async function receiveKey(watch: WatchList, owner: WatchOwner, request: KeyRequest, values: Readonly<Record<string, string>>, ctx: ChatContext): Promise<Reply> {
  const { venue } = request;
  if (!watch.keyedWatching) throw new UserError('keys.off', { venue: venueName(venue) });
  const apiKey = (values.apiKey ?? '').trim();
  const secret = (values.secret ?? '').trim();
  const passphrase = venue === 'okx' ? (values.passphrase ?? '') : undefined;
  // Nothing typed is repeated: the hint says what a key looks like, not what was sent.
  if (!KEY_TEXT.test(apiKey) || !KEY_TEXT.test(secret) || (passphrase !== undefined && !PASSPHRASE_TEXT.test(passphrase))) {
    throw new UserError('keys.bad-format', { venue: venueName(venue) }, { key: venue === 'okx' ? 'keys.hint-format-okx' : 'keys.hint-format', params: { venue, label: request.label } });
  }
  watch.touch(owner, ctx.lang, ctx.chat.kind === 'private' ? ctx.chat.id : undefined);
  const { label, replace } = keyedLabel(watch, owner, venue, request.label);
  let result: KeyedAddResult;
  try {
    result = await watch.addKeyed(owner, { venue, label, credentials: new Credentials(apiKey, secret, passphrase), replace });
  } catch (error) {
    if (error instanceof AccountError) throw new UserError('keys.venue-unavailable', { venue: venueName(venue) });
    throw error;
  }
  if ('duplicate' in result) throw new UserError('keys.duplicate', { label: result.duplicate });
  if (!result.ok) return refusedKeyReply(watch, request, result.verdict, ctx);
  return addedKeyReply(watch, owner, result, ctx);
}

function refusedKeyReply(watch: WatchList, request: KeyRequest, verdict: Extract<KeyedAddResult, { ok: false; verdict: unknown }>['verdict'], ctx: ChatContext): Reply {
  const { t } = ctx;
  const venue = venueName(request.venue);
  const lines: string[] = [];
  switch (verdict.reason) {
    case 'not-read-only': {
      const kinds = [...new Set(verdict.permissions.map((p: Permission) => t(`keys.kind-${p.kind}`)))].join(', ');
      lines.push(t('keys.refused-not-read-only', { venue, kinds }), verdict.permissions.map((p: Permission) => `• ${p.name}`).join('\n'));
      break;
    }
    case 'no-read':
      lines.push(t('keys.refused-no-read', { venue, missing: verdict.missing.join(', ') || '—' }));
      break;
    case 'rejected':
      lines.push(t(request.venue === 'okx' ? 'keys.refused-rejected-okx' : 'keys.refused-rejected', { venue }));
      break;
    case 'positions-need-trading':
      lines.push(t('keys.refused-binance-futures'));
      break;
    case 'unavailable':
      lines.push(t('keys.venue-unavailable', { venue }));
      break;
  }
  lines.push(t('keys.nothing-stored'));
  // How to restrict a key is for the next key; Binance's refusal means there is no next key to send.
  if (verdict.reason !== 'positions-need-trading') lines.push(ipAdvice(watch, request.venue, ctx));
  return {
    title: t('keys.refused-title', { venue }),
    tone: 'error',
    ephemeral: true,
    blocks: [{ kind: 'text', text: lines.join('\n\n') }],
    // Another key can be sent the same way (Binance's refusal is the venue's rule: no form).
    ...(verdict.reason === 'positions-need-trading' ? {} : { form: { payload: `key:${request.venue}:${request.label}`, label: t('keys.button-enter', { venue }) } }),
    footer: t('watch.disclaimer'),
    data: { refused: verdict.reason, ...(verdict.reason === 'not-read-only' ? { permissions: verdict.permissions.map((p: Permission) => p.name) } : {}) },
  };
}

async function addedKeyReply(watch: WatchList, owner: WatchOwner, result: Extract<KeyedAddResult, { ok: true }>, ctx: ChatContext): Promise<Reply> {
  const { t, lang } = ctx;
  const row = result.watch;
  const venue = row.venue as KeyedVenue;
  const lines = [t(result.replaced ? 'keys.replaced' : 'keys.added', { label: row.label, venue: venueName(venue) })];
  lines.push(result.verdict.ipRestricted ? t('keys.ip-restricted', { venue: venueName(venue) }) : ipAdvice(watch, venue, ctx));
  if (result.verdict.expiresAt) lines.push(t('keys.expires', { venue: venueName(venue), date: formatDateTime(result.verdict.expiresAt, lang) }));
  if (result.unreachable) lines.push(t('watch.added-unreachable', { venue: venueName(venue) }));
  const { distanceTiers } = watch.settings;
  lines.push(t('keys.added-alerts', { venue: venueName(venue), tiers: distanceTiers.map((d) => formatPercent(d, lang, { decimals: 0 })).join(', ') }));
  const reach = ctx.chat.kind === 'private' ? { ok: true as const } : await watch.privateChat(owner);
  if (!reach.ok) lines.push(t('watch.cannot-reach-privately', { how: privateChatHow(ctx) }));
  const blocks: Reply['blocks'] = [{ kind: 'text', text: lines.join('\n\n') }];
  if (result.first) blocks.push(...accountBlocks(result.first, ctx));
  return {
    title: t('watch.added-title', { label: row.label, venue: venueName(venue) }),
    tone: 'success',
    ephemeral: true,
    blocks,
    footer: t('watch.disclaimer'),
    data: { watch: watchData(row), ...(result.first ? { check: checkData(result.first) } : {}) },
  };
}

/** `/watch forget-me`: everything about this person on this face, deleted now, and what went. */
function forgetMe(watch: WatchList, owner: WatchOwner, ctx: ChatContext): Reply {
  const gone = watch.forget(owner, ctx.chat.kind === 'private' ? [ctx.chat.id] : []);
  return {
    title: ctx.t('keys.forgotten-title'),
    tone: 'success',
    ephemeral: true,
    blocks: [
      {
        kind: 'text',
        // Asked again (or before anything was stored): say there was nothing, not "deleted 0, 0 and 0".
        text: gone.watches + gone.keys + gone.other === 0 ? ctx.t('keys.forgotten-nothing') : ctx.t('keys.forgotten', { watches: gone.watches, keys: gone.keys, other: gone.other }),
      },
    ],
    data: { forgotten: gone },
  };
}

function remove(watch: WatchList, owner: WatchOwner, target: string, ctx: ChatContext): Reply {
  const found = findWatch(watch.list(owner), target);
  if (!found) throw new UserError('watch.not-found', {}, { key: 'watch.hint-list' });
  watch.remove(found.id);
  const text = found.keyId !== null ? ctx.t('keys.removed', { label: found.label, venue: venueName(found.venue) }) : ctx.t('watch.removed', { label: found.label, address: found.account });
  return { tone: 'success', blocks: [{ kind: 'text', text }], data: { removed: watchData(found) } };
}

function listReply(watches: readonly WatchRow[], ctx: ChatContext): Reply {
  const { t, lang } = ctx;
  if (watches.length === 0) {
    return { tone: 'info', blocks: [{ kind: 'text', text: t('watch.list-empty') }], data: { watches: [] } };
  }
  return {
    title: t('watch.list-title', { count: watches.length }),
    tone: 'info',
    blocks: [
      {
        kind: 'table',
        columns: [t('watch.col-label'), t('watch.col-venue'), t('watch.col-address'), t('watch.col-since')],
        rows: watches.map((w) => [
          w.label,
          venueName(w.venue),
          w.keyId !== null ? t(w.pausedAt !== null ? 'keys.list-key-paused' : 'keys.list-key') : w.account,
          timeText(w.createdAt, lang).slice(0, 10),
        ]),
        align: ['left', 'left', 'left', 'left'],
      },
    ],
    footer: t('watch.list-footer'),
    data: { watches: watches.map(watchData) },
  };
}

async function check(watch: WatchList, owner: WatchOwner, canWatch: boolean, args: ParsedArgs, ctx: ChatContext): Promise<Reply> {
  const venue = String(args.venue ?? 'hyperliquid') as WatchVenue;
  const target = (args.watch ?? args.address) as string | undefined;
  const mine = canWatch ? watch.list(owner) : [];
  // What to read: a label of theirs, any address, or every account they watch.
  let targets: Array<{ venue: WatchVenue; account: string; label?: string }>;
  if (target !== undefined) {
    const named = findWatch(mine, target);
    if (named) targets = [{ venue: named.venue as WatchVenue, account: named.account, label: named.label }];
    else if (isKeyedVenue(venue)) throw new UserError('keys.check-needs-watch', { venue: venueName(venue) });
    else if (ADDRESS.test(target.trim())) targets = [{ venue, account: checkedAddress(target) }];
    else if (canWatch) throw new UserError('watch.not-found', {}, { key: 'watch.hint-list' });
    else throw new UserError('watch.bad-address', {}, { key: 'watch.hint-address' });
  } else {
    if (isKeyedVenue(venue)) throw new UserError('keys.check-needs-watch', { venue: venueName(venue) });
    if (!canWatch) throw new UserError('watch.check-needs-address', {}, { key: 'watch.hint-address' });
    if (mine.length === 0) throw new UserError('watch.nothing-to-check');
    targets = mine.map((w) => ({ venue: w.venue as WatchVenue, account: w.account, label: w.label }));
  }
  const checks: Array<{ label?: string; check: AccountCheck }> = [];
  for (const t of targets) {
    try {
      // One account: its fills too (20 weight); several: the receipts the poller already stored.
      checks.push({ label: t.label, check: await watch.check(t.venue, t.account, { fetchFills: targets.length === 1 }) });
    } catch (error) {
      if (error instanceof WatchBusyError) {
        throw isKeyedVenue(t.venue) ? new UserError('keys.busy', { venue: venueName(t.venue), seconds: error.retryAfterSeconds }) : new UserError('watch.busy', { seconds: error.retryAfterSeconds });
      }
      if (error instanceof AccountError && error.reason === 'key-rejected') throw new UserError('keys.check-rejected', { venue: venueName(t.venue), label: t.label ?? '' });
      if (error instanceof AccountError) throw new UserError('watch.venue-unavailable', { venue: venueName(t.venue) });
      throw error;
    }
  }
  return checkReply(checks, ctx);
}

// ---- the check, as people and as JSON read it ---------------------------------------------------

function watchData(w: WatchRow): Record<string, unknown> {
  // A keyed watch has no public address: its account is the stored key, which is never shown.
  const keyed = w.keyId !== null;
  return {
    label: w.label,
    venue: w.venue,
    address: keyed ? null : w.account,
    ...(keyed ? { readOnlyKey: true, paused: w.pausedAt !== null } : {}),
    since: new Date(w.createdAt).toISOString(),
  };
}

function positionData(p: PositionReport, venue: string): Record<string, unknown> {
  return {
    coin: p.coin,
    side: p.side,
    size: decimalString(p.size),
    entryPrice: decimalString(p.entryPrice),
    markPrice: decimalString(p.markPrice),
    liquidationPrice: decimalString(p.liquidationPrice),
    ourLiquidationPrice: decimalString(p.ourLiquidationPrice),
    distanceFromMarkPct: decimalString(p.distanceFromMarkPct),
    leverage: decimalString(p.leverage),
    unrealizedPnl: decimalString(p.unrealizedPnl),
    adl: { score: decimalString(p.adl?.score ?? null), lights: p.adl?.lights ?? null, percentile: p.adl?.percentile ?? null },
    // The venue's own indicator, where the venue publishes one (the keyed venues; null when it gives none for the position).
    ...(isKeyedVenue(venue) ? { venueAdl: p.venueAdl ? { level: p.venueAdl.raw, scale: p.venueAdl.scale, lights: p.venueAdl.lights } : null } : {}),
  };
}

function eventData(f: ForcedFill): Record<string, unknown> {
  return {
    type: f.kind,
    coin: f.coin,
    size: decimalString(f.size),
    price: decimalString(f.price),
    markPrice: decimalString(f.markPrice),
    closedPnl: decimalString(f.closedPnl),
    time: new Date(f.time).toISOString(),
  };
}

/** The JSON shape of one account (the CLI's `--json`). */
export function checkData(check: AccountCheck): Record<string, unknown> {
  const r = check.report;
  return {
    venue: r.venue,
    address: isKeyedVenue(r.venue) ? null : r.account,
    accountValue: decimalString(r.accountValue),
    positions: r.positions.map((p) => positionData(p, r.venue)),
    events: check.events.map(eventData),
  };
}

function checkReply(checks: ReadonlyArray<{ label?: string; check: AccountCheck }>, ctx: ChatContext): Reply {
  const { t } = ctx;
  const blocks: Reply['blocks'] = [];
  for (const { label, check: c } of checks) {
    if (checks.length > 1) blocks.push({ kind: 'text', text: `**${accountName(c.report, label, ctx)}**` });
    blocks.push(...accountBlocks(c, ctx));
  }
  const assumptions = new Set(checks.flatMap(({ check: c }) => c.report.positions.flatMap((p) => p.assumptions)));
  const tables = new Set(
    checks.flatMap(({ check: c }) =>
      c.report.positions.flatMap(({ table }) =>
        table ? [table.readAt ? t('watch.check-footer-table-read', { url: table.url, at: timeText(Date.parse(table.readAt), ctx.lang) }) : t('watch.check-footer-table', { url: table.url })] : [],
      ),
    ),
  );
  const [only] = checks;
  return {
    title: checks.length === 1 ? accountName(only.check.report, only.label, ctx) : t('watch.check-title-all', { count: checks.length }),
    tone: checks.some(({ check: c }) => c.report.positions.some((p) => (p.distanceFromMarkPct?.lt(0.1) ?? false) || (p.adl?.inProfit && p.adl.lights >= 4))) ? 'warn' : 'info',
    blocks,
    footer: [
      ...new Set(checks.map(({ check: c }) => (isKeyedVenue(c.report.venue) ? t('keys.check-footer-estimate', { venue: venueName(c.report.venue) }) : t('watch.check-footer-estimate')))),
      ...tables,
      // Said in the watch's own words: the figures come from the account, not from what someone typed.
      ...[...assumptions].map((id) => (id === 'cross-others-fixed' ? t('watch.assumption-cross-others-fixed') : assumptionLines([id], ctx)[0])),
      t('watch.disclaimer'),
    ].join('\n'),
    data: checks.length === 1 ? checkData(only.check) : { accounts: checks.map(({ label, check: c }) => ({ label: label ?? null, ...checkData(c) })) },
  };
}

function accountName(report: AccountReport, label: string | undefined, ctx: ChatContext): string {
  if (isKeyedVenue(report.venue)) return ctx.t('keys.account-name', { label: label ?? '', venue: venueName(report.venue) });
  return label
    ? ctx.t('watch.account-name', { label, address: shortAddress(report.account), venue: venueName(report.venue) })
    : ctx.t('watch.account-name-bare', { address: shortAddress(report.account), venue: venueName(report.venue) });
}

function accountBlocks(c: AccountCheck, ctx: ChatContext): Reply['blocks'] {
  const { t, lang } = ctx;
  const r = c.report;
  const blocks: Reply['blocks'] = [
    {
      kind: 'text',
      text: t('watch.account-summary', { value: formatUsd(r.accountValue, lang), count: r.positions.length, time: timeText(r.time, lang) }),
    },
  ];
  const crossPositions = r.positions.filter((p) => p.marginMode === 'cross').length;
  for (const p of r.positions.slice(0, MAX_SHOWN_POSITIONS)) blocks.push({ kind: 'text', text: positionText(p, r.venue, crossPositions > 1, ctx) });
  if (r.positions.length > MAX_SHOWN_POSITIONS) blocks.push({ kind: 'text', text: t('watch.more-positions', { count: r.positions.length - MAX_SHOWN_POSITIONS }) });
  blocks.push({ kind: 'text', text: eventsText(c, ctx) });
  return blocks;
}

/** `sharesCross`: other cross positions back the same margin (ours holds them still, the venue's does not). */
function positionText(p: PositionReport, venueId: string, sharesCross: boolean, ctx: ChatContext): string {
  const { t, lang } = ctx;
  const side = t(`watch.side-${p.side}`);
  const venue = venueName(venueId);
  const head = t('watch.position-head', {
    coin: p.coin,
    side,
    size: formatNumber(p.size, lang, { maxDecimals: 6 }),
    entry: priceText(p.entryPrice, lang),
    mark: priceText(p.markPrice, lang),
    leverage: formatLeverage(p.leverage, lang),
    mode: t(`watch.mode-${p.marginMode}`),
  });
  const ours = p.ourLiquidationPrice ? formatUsd(p.ourLiquidationPrice, lang) : t(`watch.ours-missing-${ourMissingKey(p.ourMissing)}`);
  let liquidation: string;
  if (p.liquidationPrice) {
    liquidation = t(p.pricesDiffer ? 'watch.liq-differs' : 'watch.liq-agrees', { price: priceText(p.liquidationPrice, lang), venue, ours });
    if (p.pricesDiffer) liquidation += ` ${t(p.marginMode === 'cross' && sharesCross ? 'watch.liq-differs-cross' : 'watch.liq-differs-isolated')}`;
  } else {
    liquidation = p.ourLiquidationPrice ? t('watch.liq-venue-none-ours', { venue, ours }) : t('watch.liq-none', { venue, ours });
  }
  const distance = p.distanceFromMarkPct
    ? t(p.distanceFrom === 'venue' ? 'watch.distance' : 'watch.distance-ours', { pct: formatPercent(p.distanceFromMarkPct, lang) })
    : '';
  const pnl = t('watch.upnl', { pnl: formatUsd(p.unrealizedPnl, lang, { signed: true }) });
  const lines = [head, [liquidation, distance].filter(Boolean).join(' · '), `${pnl} · ${adlText(p, ctx)}`];
  if (isKeyedVenue(venueId)) lines.push(venueAdlText(p, venue, ctx));
  return lines.join('\n');
}

/** The venue's own ADL indicator: its level on its scale, and the same on our lights. */
function venueAdlText(p: PositionReport, venue: string, ctx: ChatContext): string {
  const adl = p.venueAdl;
  if (!adl) return ctx.t('keys.venue-adl-none', { venue });
  return ctx.t('keys.venue-adl-line', { venue, bar: `${'●'.repeat(adl.lights)}${'○'.repeat(5 - adl.lights)}`, lights: adl.lights, raw: adl.raw, scale: adl.scale });
}

function ourMissingKey(code: string | null): string {
  return code === 'no-table' || code === 'no-table-other' || code === 'at-or-below-zero' ? code : 'other';
}

function adlText(p: PositionReport, ctx: ChatContext): string {
  const { t, lang } = ctx;
  const adl = p.adl;
  if (!adl) return t('watch.adl-unknown');
  if (!adl.inProfit) return t('watch.adl-not-ranked');
  const head = t('watch.adl-estimate-line', {
    bar: `${'●'.repeat(adl.lights)}${'○'.repeat(5 - adl.lights)}`,
    lights: adl.lights,
    pct: formatPercent(adl.percentile, lang, { decimals: 0 }),
    score: adl.score ? formatNumber(adl.score, lang, { maxDecimals: 6 }) : '—',
  });
  const moves = adl.advice.filter((a) => a.kind === 'add-margin' || a.kind === 'take-profit').map((a) => adviceLine(adviceData(a), p.coin, t, lang));
  return moves.length ? `${head}\n${t('watch.adl-moves-down')} ${moves.join(' ')}` : head;
}

function eventsText(c: AccountCheck, ctx: ChatContext): string {
  const { t, lang } = ctx;
  if (c.events.length === 0) return t('watch.events-none');
  const lines = c.events.map((f) =>
    t(`watch.event-${f.kind}`, {
      coin: f.coin,
      side: t(`watch.side-${f.side}`),
      size: formatNumber(f.size, lang, { maxDecimals: 6 }),
      price: priceText(f.price, lang),
      mark: f.markPrice ? priceText(f.markPrice, lang) : '—',
      pnl: f.closedPnl === null ? '—' : formatUsd(f.closedPnl, lang, { signed: true }),
      time: timeText(f.time, lang),
    }),
  );
  if (c.eventsTruncated) lines.push(isKeyedVenue(c.report.venue) ? t('keys.events-truncated', { venue: venueName(c.report.venue) }) : t('watch.events-truncated'));
  return [t('watch.events-title'), ...lines].join('\n');
}
