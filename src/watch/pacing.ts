import type { AccountRow, RiskClass } from '../store/watch-repository.ts';
import type { AccountReport } from './evaluate.ts';

/**
 * How the watch list spends the venue's request budget. Every account has a wanted interval by
 * its risk; each tick the poller reads the accounts most overdue relative to their interval, the
 * riskiest first, until the tick's share of the budget is spent. With a short list every account
 * is read as often as wanted; with a long one all intervals stretch by the same factor, so the
 * budget is never exceeded and risky accounts keep the shortest intervals.
 *
 * Fills cost ten times a state read: they are read at once when a position shrank or vanished
 * (an ADL or a liquidation may have closed it), and otherwise every `fillsEveryMs`, to catch a
 * position opened and force-closed between two reads.
 */
export interface PacingRules {
  /** Weight per minute the watch list and the market poll may spend together (half the venue's limit). */
  budgetPerMinute: number;
  /** Wanted interval per risk class. */
  intervalsMs: Record<Exclude<RiskClass, 'new'>, number>;
  fillsEveryMs: number;
  tickMs: number;
  /** A tick may spend up to this many times its even share, to catch up after a quiet spell. */
  burst: number;
}

export const DEFAULT_INTERVALS_MS: PacingRules['intervalsMs'] = { risky: 30_000, elevated: 120_000, calm: 600_000, idle: 1_800_000 };

export interface RiskThresholds {
  /** Below this distance to liquidation an account is risky (the middle alert tier, 10%). */
  riskyDistance: number;
  /** Below this, elevated (the first alert tier, 20%). */
  elevatedDistance: number;
}

/** The account's class from its positions: near liquidation or at the front of the ADL queue first. */
export function riskOf(report: AccountReport, thresholds: RiskThresholds, adlPlausible: (position: string) => boolean): Exclude<RiskClass, 'new'> {
  if (report.positions.length === 0) return 'idle';
  let risk: Exclude<RiskClass, 'new'> = 'calm';
  for (const p of report.positions) {
    const d = p.distanceFromMarkPct?.toNumber();
    // A venue that publishes its own ADL indicator (the keyed venues) is believed over our estimate.
    const lights = p.venueAdl ? p.venueAdl.lights : p.adl?.inProfit ? p.adl.lights : 0;
    if ((d !== undefined && d < thresholds.riskyDistance) || lights >= 4) return 'risky';
    if ((d !== undefined && d < thresholds.elevatedDistance) || lights >= 3 || (lights > 0 && adlPlausible(`${p.coin}:${p.side}`))) risk = 'elevated';
  }
  return risk;
}

export interface PlannedRead {
  venue: string;
  account: string;
  /** Read positions (clearinghouseState). */
  state: boolean;
  /** Read fills (userFillsByTime). */
  fills: boolean;
}

export interface Costs {
  state: number;
  /** Base weight and a small allowance for the per-item surcharge. */
  fills: number;
}

const CLASS_ORDER: Record<RiskClass, number> = { new: 0, risky: 1, elevated: 2, calm: 3, idle: 4 };
/**
 * How much an overdue read of each class counts when the budget cannot serve everyone: a risky
 * account twice overdue ranks with a calm one 8 times overdue. Risky accounts keep closer to
 * their interval while calm ones stretch more, and no class starves (an overdue read keeps rising).
 * A new account ranks as a risky one due since it was added: nothing is known about it yet, but a
 * long list added at once does not hold back the accounts already known to be risky.
 */
export const CLASS_WEIGHT: Record<RiskClass, number> = { new: 4, risky: 4, elevated: 2, calm: 1, idle: 1 };

/**
 * The reads of one tick. `available` is what the budget leaves now (limit − weight spent in the
 * last minute by everyone). Overdue reads (elapsed ≥ their interval), ranked by how overdue they
 * are times their class weight; fills due because a position shrank come first.
 */
export function planTick(accounts: readonly AccountRow[], now: number, available: number, rules: PacingRules, costs: Costs): PlannedRead[] {
  // A tick may always afford its dearest read (a fills read), or short ticks would never reach one.
  const tickShare = Math.max((rules.budgetPerMinute * rules.tickMs * rules.burst) / 60_000, costs.state, costs.fills);
  let left = Math.min(available, tickShare);
  const jobs: Array<{ row: AccountRow; urgency: number; state: boolean; fills: boolean }> = [];
  for (const row of accounts) {
    if (row.retryAt > now) continue;
    const interval = rules.intervalsMs[row.risk === 'new' ? 'risky' : row.risk];
    // A new account's watch started at `fillsFrom`; it is due at once.
    const stateUrgency = row.checkedAt === null ? 1 + (now - row.fillsFrom) / interval : (now - row.checkedAt) / interval;
    const fillsUrgency = row.fillsDue
      ? Number.MAX_VALUE
      : (now - (row.fillsCheckedAt ?? row.fillsFrom)) / rules.fillsEveryMs;
    if (stateUrgency >= 1) jobs.push({ row, urgency: stateUrgency * CLASS_WEIGHT[row.risk], state: true, fills: false });
    // The routine sweep for fills ranks as a calm read; a shrunk position's fills before anything.
    if (fillsUrgency >= 1) jobs.push({ row, urgency: fillsUrgency, state: false, fills: true });
  }
  jobs.sort((a, b) => b.urgency - a.urgency || CLASS_ORDER[a.row.risk] - CLASS_ORDER[b.row.risk]);
  const planned = new Map<string, PlannedRead>();
  for (const job of jobs) {
    const cost = job.state ? costs.state : costs.fills;
    if (cost > left) {
      // A cheaper state read may still fit after an expensive fills read did not.
      continue;
    }
    left -= cost;
    const key = `${job.row.venue}:${job.row.account}`;
    const read = planned.get(key) ?? { venue: job.row.venue, account: job.row.account, state: false, fills: false };
    if (job.state) read.state = true;
    else read.fills = true;
    planned.set(key, read);
  }
  return [...planned.values()];
}
