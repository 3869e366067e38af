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
    const lights = p.adl?.inProfit ? p.adl.lights : 0;
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
 * The reads of one tick. `available` is what the budget leaves now (limit − weight spent in the
 * last minute by everyone). Overdue reads, most overdue first; fills that are due because a
 * position shrank rank above everything.
 */
export function planTick(accounts: readonly AccountRow[], now: number, available: number, rules: PacingRules, costs: Costs): PlannedRead[] {
  // A tick may always afford its dearest read (a fills read), or short ticks would never reach one.
  const tickShare = Math.max((rules.budgetPerMinute * rules.tickMs * rules.burst) / 60_000, costs.state, costs.fills);
  let left = Math.min(available, tickShare);
  const jobs: Array<{ row: AccountRow; urgency: number; state: boolean; fills: boolean }> = [];
  for (const row of accounts) {
    if (row.retryAt > now) continue;
    const interval = row.risk === 'new' ? 0 : rules.intervalsMs[row.risk];
    const stateUrgency = row.checkedAt === null || interval === 0 ? Number.POSITIVE_INFINITY : (now - row.checkedAt) / interval;
    const fillsUrgency = row.fillsDue
      ? Number.MAX_VALUE
      : (now - (row.fillsCheckedAt ?? row.fillsFrom)) / rules.fillsEveryMs;
    if (stateUrgency >= 1) jobs.push({ row, urgency: stateUrgency, state: true, fills: false });
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
