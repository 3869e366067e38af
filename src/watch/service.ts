import { Decimal } from 'decimal.js';
import type { Logger } from 'pino';
import type { Lang } from '../chat/command.ts';
import type { DeliveryResult, ReplySender } from '../chat/delivery.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Reply } from '../chat/reply.ts';
import type { TierTable } from '../core/tier-table.ts';
import { DeliveryQueue, type DrainReport } from '../alerts/delivery.ts';
import { forgetPerson, type Forgotten } from '../store/forget.ts';
import type { WeightLedger } from '../market/weight-ledger.ts';
import type { AccountRow, OutboxInsert, OwnerRow, WatchOwner, WatchRepository, WatchRow } from '../store/watch-repository.ts';
import { evaluateAccount, type AccountReport } from './evaluate.ts';
import { adlNotice, distanceNotice, groupForcedFills, keyRejectedNotice, noticeReply, receiptNotice, type WatchNotice } from './messages.ts';
import { planTick, riskOf, type PacingRules, type RiskThresholds } from './pacing.ts';
import type { AdlConditions } from './plausibility.ts';
import { decideTiers, type TierRules } from './tiers.ts';
import type { AccountBrackets } from './keyed/brackets.ts';
import type { KeyedAccountClient, KeyVerdict } from './keyed/keyed-client.ts';
import { keyAccount, type Credentials, type KeyRing } from './keys/keyring.ts';
import { AccountError, type AccountClient, type AccountState, type ForcedFill, type KeyedVenue, type WatchVenue } from './types.ts';

/**
 * The watch list at work: on each tick, read the accounts the pacing picks (within the venue's
 * budget, shared with the market poll through the venue's WeightLedger), evaluate their positions,
 * fire the alert tiers that were crossed, receipt the forced fills not seen before, and deliver
 * through the faces' senders to each owner's private chat. Decisions and their messages are
 * written together (src/store/watch-repository.ts) and delivered by the same restart-safe queue
 * as the market alerts (src/alerts/delivery.ts).
 */
export interface WatchServiceOptions {
  repo: WatchRepository;
  clients: ReadonlyMap<WatchVenue, AccountClient>;
  /** Per venue, the weight every client of that venue's IP budget records into. */
  ledgers: ReadonlyMap<WatchVenue, WeightLedger>;
  /** By face id; the composition root adds each face's sender as it builds the face. */
  senders: ReadonlyMap<string, ReplySender>;
  /** The users' stored language choices (/lang). */
  preferences?: Pick<LanguagePreferences, 'userLang'>;
  conditions: AdlConditions;
  maxPerUser: number;
  tiers: TierRules;
  /** The move that makes ADL plausible (what `conditions` checks), for telling the user. */
  adlMove: { pct: number; minutes: number };
  pacing: PacingRules;
  /**
   * Per venue, the weight per minute the watch list and the market poll may spend together on
   * that venue's budget (default: `pacing.budgetPerMinute`, Hyperliquid's share).
   */
  budgets?: ReadonlyMap<WatchVenue, number>;
  risk: RiskThresholds;
  /** Users' read-only keys for the keyed venues; absent when WATCH_ENCRYPTION_KEY is not set (keyed watching off). */
  keys?: KeyRing;
  /** The venue's own ADL data for the coin is live (Binance symbolAdlRisk high, Bybit adlAlert, a crash running): read faster. */
  adlLive?: (venue: WatchVenue, coin: string, now: number) => boolean;
  /** Empties what deleted rows left in the database files (src/store/database.ts eraseDeleted). */
  erase?: () => void;
  /** Binance brackets read with a user's key (src/watch/keyed/brackets.ts), for their own /liq. */
  accountBrackets?: AccountBrackets;
  /** The bot's public IPs (WATCH_KEY_IPS) users may bind their keys to. */
  keyIps?: readonly string[];
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Reads run side by side within a tick. */
  concurrency?: number;
}

export interface AccountCheck {
  report: AccountReport;
  /** Forced fills of the last 24 h, oldest first. */
  events: ForcedFill[];
  /** The venue returned as many fills as it ever does: older ones in the 24 h may be missing. */
  eventsTruncated: boolean;
}

/** The venue's budget is spent for now: the answer would have to wait. */
export class WatchBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`watch: weight budget spent, retry in ${retryAfterSeconds} s`);
    this.name = 'WatchBusyError';
  }
}

/** What adding a keyed watch came to. */
export type KeyedAddResult =
  | { ok: true; watch: WatchRow; verdict: Extract<KeyVerdict, { ok: true }>; first?: AccountCheck; unreachable: boolean; replaced: boolean }
  | { ok: false; verdict: Exclude<KeyVerdict, { ok: true }> }
  /** The same key is already stored for this person (under `label`). */
  | { ok: false; duplicate: string };

export interface TickReport {
  states: number;
  fills: number;
  failures: number;
  alerts: number;
  receipts: number;
  delivery?: DrainReport;
}

const DAY_MS = 86_400_000;
/** Receipts explain what already happened: worth sending for a day; alerts are stale after 30 min. */
const RECEIPT_MAX_AGE_MS = DAY_MS;
const ALERT_MAX_AGE_MS = 30 * 60_000;

export class WatchService {
  readonly repo: WatchRepository;
  readonly maxPerUser: number;
  private readonly queue: DeliveryQueue<WatchNotice>;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<TickReport> | undefined;
  private lastPrune = 0;

  constructor(private readonly options: WatchServiceOptions) {
    this.repo = options.repo;
    this.maxPerUser = options.maxPerUser;
    this.now = options.now ?? (() => Date.now());
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.queue = new DeliveryQueue<WatchNotice>({
      repo: options.repo,
      senders: options.senders,
      // The owner's language: their stored choice (/lang) if any, else the one they last used /watch in.
      langOf: (platform, chatId) => {
        const owner = options.repo.ownerOfChat(platform, chatId);
        return (owner && options.preferences?.userLang(platform, owner.userId)) ?? owner?.lang ?? 'en';
      },
      render: (notice, lang) => noticeReply(notice, lang),
      logger: options.logger,
      now: this.now,
      sleep,
      maxAgeMs: (notice) => (notice.type === 'receipt' ? RECEIPT_MAX_AGE_MS : ALERT_MAX_AGE_MS),
    });
  }

  /** What the alerts are set to, for telling the user. */
  get settings(): { distanceTiers: readonly number[]; adlMovePct: number; adlMoveMinutes: number } {
    return { distanceTiers: this.options.tiers.distanceTiers, adlMovePct: this.options.adlMove.pct, adlMoveMinutes: this.options.adlMove.minutes };
  }

  get venues(): WatchVenue[] {
    return [...this.options.clients.keys()];
  }

  get keyIps(): readonly string[] {
    return this.options.keyIps ?? [];
  }

  /** Keyed watching runs: a master key is configured (the keyed clients are built with it). */
  get keyedWatching(): boolean {
    return this.options.keys !== undefined;
  }

  /** The user's own tier table for a venue that adjusts tables per account (Binance brackets), read with their key. */
  accountTable(venue: string, symbol: string, user: { platform: string; userId: string }): Promise<TierTable | undefined> {
    if (venue !== 'binance' || !this.options.accountBrackets) return Promise.resolve(undefined);
    return this.options.accountBrackets.forUser(user.platform, user.userId, symbol);
  }

  // ---- what /watch asks -----------------------------------------------------------------------

  list(owner: WatchOwner): WatchRow[] {
    return this.repo.list(owner);
  }

  /**
   * The owner wrote to the bot: remember their language, and when they wrote in private (`privateChatId`),
   * that chat reaches them and their paused watches resume.
   */
  touch(owner: WatchOwner, lang: Lang, privateChatId?: string): void {
    this.repo.saveOwnerLang(owner, lang);
    if (privateChatId) {
      this.repo.setPrivateChat(owner, privateChatId);
      if (this.repo.resumeOwner(owner)) this.options.logger.info({ platform: owner.platform }, 'watch: owner reachable again, watches resumed');
    }
  }

  add(owner: WatchOwner, watch: { venue: WatchVenue; account: string; label: string }): WatchRow {
    return this.repo.add({ ...owner, ...watch, createdAt: this.now() });
  }

  /** Deletes the watch and what was stored for it, its sealed key at once (and no readable trace in the files). */
  remove(id: number): boolean {
    const removed = this.repo.remove(id);
    if (removed) this.options.erase?.();
    return removed;
  }

  /**
   * A watch on a keyed venue: the venue checks the key first (permissions, and a read where that is
   * the test); only a read-only key the venue accepts is sealed and stored, with the watch, in one
   * transaction. `replace` puts the new key under the user's existing watch of that venue and label
   * (a key the venue rejected, or one they rotated) and resumes it.
   */
  async addKeyed(owner: WatchOwner, request: { venue: KeyedVenue; label: string; credentials: Credentials; replace?: WatchRow }): Promise<KeyedAddResult> {
    const keys = this.options.keys;
    const client = this.options.clients.get(request.venue) as KeyedAccountClient | undefined;
    if (!keys || !client) throw new AccountError(`watch: keyed watching is off for ${request.venue}`, 'unavailable');
    const duplicate = keys.ownerKeys(owner, request.venue).find((k) => k.credentials.apiKey === request.credentials.apiKey && k.row.id !== request.replace?.keyId);
    if (duplicate) {
      const label = this.repo.list(owner).find((w) => w.keyId === duplicate.row.id)?.label ?? '?';
      return { ok: false, duplicate: label };
    }
    const verdict = await client.verify(request.credentials);
    if (!verdict.ok) return { ok: false, verdict };
    const now = this.now();
    let watch: WatchRow;
    const replace = request.replace;
    if (replace?.keyId != null) {
      keys.replace(replace.keyId, request.credentials, verdict.ipRestricted);
      this.repo.resumeWatch(replace.id);
      watch = this.repo.watch(replace.id)!;
    } else {
      watch = this.repo.db.transaction(() => {
        const keyId = keys.store(owner, request.venue, request.credentials, verdict.ipRestricted, now);
        return this.repo.add({ ...owner, venue: request.venue, account: keyAccount(keyId), label: request.label, keyId, createdAt: now });
      })();
    }
    // One read now shows the positions; the watch is kept either way.
    let first: AccountCheck | undefined;
    let unreachable = false;
    try {
      first = await this.check(request.venue, watch.account, { fetchFills: false });
    } catch (error) {
      if (!(error instanceof AccountError || error instanceof WatchBusyError)) throw error;
      unreachable = true;
    }
    return { ok: true, watch, verdict, first, unreachable, replaced: Boolean(replace) };
  }

  /**
   * Everything the bot holds about this person on this face (src/store/forget.ts: watches, keys,
   * preferences, what belongs to their private chats), with nothing readable left in the files.
   * `privateChats`: the chats known to be theirs alone, besides the one the watch list learned.
   */
  forget(owner: WatchOwner, privateChats: readonly string[] = []): Forgotten {
    const known = this.repo.owner(owner)?.privateChatId;
    const gone = forgetPerson(this.repo.db, this.repo, owner, [...privateChats, ...(known ? [known] : [])]);
    this.options.erase?.();
    return gone;
  }

  /** The account now, and its forced fills of the last 24 h: fetched (`fetchFills`) or as the poller stored them. */
  async check(venue: WatchVenue, account: string, options: { fetchFills: boolean }): Promise<AccountCheck> {
    const client = this.client(venue);
    this.assertBudget(venue, client.cost.account + (options.fetchFills ? client.cost.fills : 0));
    const state = await client.account(account);
    const report = await this.evaluate(client, state);
    const since = this.now() - DAY_MS;
    const stored = this.repo.storedFills(venue, state.account, since).map(reviveFill);
    let events = stored;
    let eventsTruncated = false;
    if (options.fetchFills) {
      const page = await client.fills(state.account, since);
      const byId = new Map([...stored, ...page.fills].map((f) => [f.id, f]));
      events = [...byId.values()].sort((a, b) => a.time - b.time);
      eventsTruncated = page.truncated;
    }
    return { report, events, eventsTruncated };
  }

  /** Sends `reply` to the owner's private chat (a command asked in a group). */
  async sendPrivately(owner: WatchOwner, reply: Reply, lang: Lang): Promise<DeliveryResult> {
    const target = await this.privateChat(owner);
    if (!target.ok) return target;
    const sender = this.options.senders.get(owner.platform)!;
    const result = await sender.send(target.chatId, reply, lang);
    if (result.ok) this.repo.resumeOwner(owner);
    return result;
  }

  /** The chat that reaches the owner privately, learned once and kept. */
  async privateChat(owner: WatchOwner): Promise<{ ok: true; chatId: string } | Exclude<DeliveryResult, { ok: true }>> {
    const known = this.repo.owner(owner)?.privateChatId;
    if (known) return { ok: true, chatId: known };
    const sender = this.options.senders.get(owner.platform);
    if (!sender?.privateChatOf) return { ok: false, reason: 'forbidden', detail: `no private chats on ${owner.platform}` };
    const found = await sender.privateChatOf(owner.userId);
    if (found.ok && this.repo.owner(owner)) this.repo.setPrivateChat(owner, found.chatId);
    return found;
  }

  // ---- the poller -------------------------------------------------------------------------------

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.options.logger.error({ err: error }, 'watch: tick failed'));
    }, this.options.pacing.tickMs);
    this.timer.unref();
    // Whatever a previous run queued but could not deliver goes out now.
    void this.queue.drain().catch((error: unknown) => this.options.logger.warn({ err: error }, 'watch: drain after start failed'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  /** One round: plan, read, decide, deliver. A tick still running when the next is due is shared, never overlapped. */
  tick(): Promise<TickReport> {
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  drain(): Promise<DrainReport> {
    return this.queue.drain();
  }

  private async runTick(): Promise<TickReport> {
    const report: TickReport = { states: 0, fills: 0, failures: 0, alerts: 0, receipts: 0 };
    const now = this.now();
    const accounts = this.repo.accountsToPoll();
    for (const [venue, client] of this.options.clients) {
      const ledger = this.options.ledgers.get(venue);
      const rules = this.pacingFor(venue);
      const available = ledger ? rules.budgetPerMinute - ledger.used(now) : rules.budgetPerMinute;
      const rows = accounts.filter((a) => a.venue === venue);
      if (rows.length === 0) continue;
      const plan = planTick(rows, now, available, rules, { state: client.cost.account, fills: client.cost.fills + 1 });
      const byKey = new Map(rows.map((r) => [r.account, r]));
      await eachLimited(plan, this.options.concurrency ?? 4, async (read) => {
        const row = byKey.get(read.account)!;
        try {
          if (read.state) {
            report.states++;
            report.alerts += await this.refreshState(client, row);
          }
          if (read.fills) {
            report.fills++;
            report.receipts += await this.refreshFills(client, row);
          }
        } catch (error) {
          if (!(error instanceof AccountError)) throw error;
          report.failures++;
          if (error.reason === 'key-rejected') {
            this.keyRejected(venue, row.account, error.message);
            return;
          }
          // 30 s, 1 min, 2 min … up to 30 min: a venue that refuses one account is not hammered.
          const backoff = Math.min(30 * 60_000, 30_000 * 2 ** Math.min(row.failures, 6));
          this.repo.saveFailure(venue, row.account, error.message, this.now() + backoff);
          this.options.logger.warn({ venue, reason: error.reason, err: error.message }, 'watch: account read failed');
        }
      });
    }
    report.delivery = await this.queue.drain();
    if (now - this.lastPrune > 3_600_000) {
      this.repo.prune(now - 2 * DAY_MS);
      this.lastPrune = now;
    }
    return report;
  }

  /** The venue's budget per minute for the watch list and the market poll together. */
  private pacingFor(venue: WatchVenue): PacingRules {
    const budget = this.options.budgets?.get(venue);
    return budget === undefined ? this.options.pacing : { ...this.options.pacing, budgetPerMinute: budget };
  }

  /** The venue no longer accepts the key behind this account: its watches pause, each owner told once. */
  private keyRejected(venue: WatchVenue, account: string, reason: string): void {
    const now = this.now();
    const paused = this.repo.pauseRejectedKey(venue, account, reason, now, (watch) => {
      const target = watch.owner.privateChatId;
      return target ? { watchId: watch.id, platform: watch.platform, chatId: target, item: keyRejectedNotice(watch, now) } : undefined;
    });
    if (paused.length) this.options.logger.warn({ venue, watches: paused.length }, 'watch: the venue rejected a read-only key; its watch is paused');
  }

  /** Reads positions, fires crossed tiers, notes a shrunk position for a fills read. Returns the alerts queued. */
  private async refreshState(client: AccountClient, row: AccountRow): Promise<number> {
    const state = await client.account(row.account);
    const now = this.now();
    const report = await this.evaluate(client, state);
    const conditions = this.options.conditions;
    for (const p of state.positions) conditions.observe(p.coin, p.markPrice.toNumber(), now);
    const signals = new Map(state.positions.map((p) => [`${p.coin}:${p.side}`, conditions.plausible(p.coin, p.side, p.markPrice.toNumber(), now)]));

    const sizes: Record<string, string> = {};
    for (const p of state.positions) sizes[`${p.coin}:${p.side}`] = p.size.toFixed();
    // A position that shrank or vanished may have been force-closed: read the fills next.
    const shrank = Object.entries(row.positions).some(([key, before]) => sizes[key] === undefined || Number(sizes[key]) < Number(before));
    // The venue's own ADL data for a coin the account holds in profit is live: read it as often as a risky one.
    const adlLive = state.positions.some((p) => p.unrealizedPnl.gt(0) && this.options.adlLive?.(client.venue, p.coin, now));
    const risk = adlLive ? 'risky' : riskOf(report, this.options.risk, (position) => signals.get(position) != null);
    this.repo.saveCheck(client.venue, row.account, { checkedAt: now, risk, positions: sizes, fillsDue: shrank });

    let queued = 0;
    for (const watch of this.repo.activeWatchesOf(client.venue, row.account)) {
      const target = await this.targetOf(watch.owner);
      // Nobody to tell yet: leave the tiers as they are, so they fire once the owner is reachable.
      if (!target) continue;
      const stored = this.repo.tiers(watch.id);
      const updates = [];
      const alerts: OutboxInsert[] = [];
      for (const p of report.positions) {
        const signal = signals.get(`${p.coin}:${p.side}`) ?? null;
        // A venue that publishes its own ADL indicator is believed at its top levels, whatever the market
        // does; without one (Hyperliquid) our estimate alerts only while ADL is plausible.
        const reading = {
          position: `${p.coin}:${p.side}`,
          distance: p.distanceFromMarkPct ? p.distanceFromMarkPct.toNumber() : null,
          lights: p.venueAdl ? p.venueAdl.lights : p.adl?.inProfit ? p.adl.lights : null,
          adlPlausible: p.venueAdl ? true : signal !== null,
        };
        const decision = decideTiers(watch.id, reading, stored, this.options.tiers, now);
        updates.push(...decision.updates);
        for (const fire of decision.fire) {
          const notice = fire.kind === 'liquidation' ? distanceNotice(watch, p, fire.tier, now) : adlNotice(watch, p, fire.tier, signal, now);
          alerts.push({ watchId: watch.id, platform: watch.platform, chatId: target, item: notice });
        }
      }
      if (updates.length > 0 || alerts.length > 0) this.repo.saveTiers(updates, alerts, now);
      queued += alerts.length;
    }
    return queued;
  }

  /** Reads fills since the account's cursor; new forced ones become one receipt per event per watch. Returns the receipts queued. */
  private async refreshFills(client: AccountClient, row: AccountRow): Promise<number> {
    const page = await client.fills(row.account, row.fillsFrom);
    const now = this.now();
    const watches: Array<{ watch: WatchRow; target: string }> = [];
    for (const watch of this.repo.activeWatchesOf(client.venue, row.account)) {
      const target = await this.targetOf(watch.owner);
      if (target) watches.push({ watch, target });
    }
    let queued = 0;
    if (page.truncated) this.options.logger.warn({ venue: client.venue, count: page.count }, 'watch: a full page of fills; reading on from its newest');
    this.repo.saveFills(
      client.venue,
      row.account,
      page.fills,
      { fillsFrom: Math.max(row.fillsFrom, page.newestTime ?? row.fillsFrom), checkedAt: now, stillDue: page.truncated },
      (fresh) => {
        const items: OutboxInsert[] = [];
        for (const group of groupForcedFills(fresh)) {
          for (const { watch, target } of watches) {
            // A fill from before this person watched the account is not theirs to be told about.
            const theirs = group.filter((f) => f.time >= watch.createdAt);
            if (theirs.length > 0) items.push({ watchId: watch.id, platform: watch.platform, chatId: target, item: receiptNotice(watch, theirs) });
          }
        }
        queued = items.length;
        return items;
      },
    );
    return queued;
  }

  private async targetOf(owner: OwnerRow): Promise<string | undefined> {
    if (owner.privateChatId) return owner.privateChatId;
    const found = await this.privateChat(owner).catch(() => undefined);
    return found?.ok ? found.chatId : undefined;
  }

  private async evaluate(client: AccountClient, state: AccountState): Promise<AccountReport> {
    const rules = new Map<string, TierTable | undefined>();
    for (const position of state.positions) {
      if (rules.has(position.coin)) continue;
      rules.set(position.coin, await client.rulesFor(position.coin, { account: state.account, mode: position.marginMode }).catch(() => undefined));
    }
    return evaluateAccount(state, (coin) => rules.get(coin));
  }

  private client(venue: WatchVenue): AccountClient {
    const client = this.options.clients.get(venue);
    if (!client) throw new AccountError(`watch: no client for ${venue}`, 'unavailable');
    return client;
  }

  private assertBudget(venue: WatchVenue, weight: number): void {
    const ledger = this.options.ledgers.get(venue);
    if (!ledger) return;
    const now = this.now();
    if (ledger.used(now) + weight > this.pacingFor(venue).budgetPerMinute) throw new WatchBusyError(Math.ceil(ledger.windowMs / 4_000));
  }
}

/** A fill as `saveFills` stored it (JSON), with its amounts as decimals again. */
function reviveFill(raw: unknown): ForcedFill {
  const f = raw as Record<string, unknown>;
  const d = (v: unknown) => new Decimal(String(v));
  return {
    id: String(f.id),
    kind: f.kind as ForcedFill['kind'],
    coin: String(f.coin),
    side: f.side as ForcedFill['side'],
    size: d(f.size),
    price: d(f.price),
    markPrice: f.markPrice == null ? null : d(f.markPrice),
    closedPnl: f.closedPnl == null ? null : d(f.closedPnl),
    time: Number(f.time),
    method: typeof f.method === 'string' ? f.method : null,
  };
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}
