import type { TierRow } from '../store/watch-repository.ts';

/**
 * When a position's reading fires an alert, with hysteresis: a tier fires once when the reading
 * crosses into it, then stays quiet until the reading has moved back well clear of it (re-armed),
 * and never more than once a day. A price wobbling on a boundary therefore alerts once.
 *
 * - Liquidation distance: tiers are fractions (0.2, 0.1, 0.05); a tier is crossed when the distance
 *   falls below it and re-armed when the distance is back above tier × `rearmFactor`.
 * - ADL queue: tiers are lights (4, 5); crossed when the lights reach the tier while ADL is
 *   plausible, re-armed when the lights are back at tier − 2 or lower.
 * When several tiers are crossed at once only the most severe is sent; the milder ones count as
 * told (it said more).
 */
export interface TierRules {
  /** Fractions, any order: alert below each. */
  distanceTiers: readonly number[];
  /** Re-armed once the distance is back above tier × this (1.25: 10% re-arms at 12.5%). */
  rearmFactor: number;
  /** Lights that alert (4, 5). */
  adlTiers: readonly number[];
  /** A tier alerts at most once per this long (a day). */
  repeatAfterMs: number;
}

export interface Reading {
  /** `coin:side` */
  position: string;
  /** Null when neither the venue nor we have a liquidation price. */
  distance: number | null;
  /** Null when the position has no ADL estimate. */
  lights: number | null;
  adlPlausible: boolean;
}

export interface TierDecision {
  /** Tiers that fire now (at most one per kind): their alerts go out with `updates`. */
  fire: Array<{ kind: TierRow['kind']; tier: number }>;
  /** Rows to write (only the changed ones). */
  updates: TierRow[];
}

export function decideTiers(watchId: number, reading: Reading, stored: readonly TierRow[], rules: TierRules, now: number): TierDecision {
  const decision: TierDecision = { fire: [], updates: [] };
  const row = (kind: TierRow['kind'], tier: number): TierRow =>
    stored.find((r) => r.position === reading.position && r.kind === kind && r.tier === tier) ?? { watchId, position: reading.position, kind, tier, armed: true, sentAt: null };
  const change = (before: TierRow, after: TierRow) => {
    if (before.armed !== after.armed || before.sentAt !== after.sentAt) decision.updates.push(after);
  };
  const quietToday = (r: TierRow) => r.sentAt !== null && now - r.sentAt < rules.repeatAfterMs;

  const evaluate = (kind: TierRow['kind'], tiers: number[], crossed: (tier: number) => boolean, clear: (tier: number) => boolean, mayFire: boolean) => {
    // Most severe first.
    const rows = tiers.map((tier) => ({ tier, before: row(kind, tier) }));
    const inside = rows.filter(({ tier }) => crossed(tier));
    const firing = mayFire ? inside.find(({ before }) => before.armed && !quietToday(before)) : undefined;
    for (const { tier, before } of rows) {
      let after = before;
      if (firing && inside.some((r) => r.tier === tier) && (before.armed || tier === firing.tier)) {
        // Told now: this tier and the milder ones it passed are disarmed and dated.
        after = { ...before, armed: false, sentAt: now };
      } else if (!before.armed && clear(tier)) {
        after = { ...before, armed: true };
      }
      change(before, after);
    }
    if (firing) decision.fire.push({ kind, tier: firing.tier });
  };

  if (reading.distance !== null) {
    const d = reading.distance;
    const tiers = [...rules.distanceTiers].sort((a, b) => a - b);
    evaluate('liquidation', tiers, (t) => d < t, (t) => d >= t * rules.rearmFactor, true);
  }
  if (reading.lights !== null) {
    const lights = reading.lights;
    const tiers = [...rules.adlTiers].sort((a, b) => b - a);
    evaluate('adl', tiers, (t) => lights >= t, (t) => lights <= t - 2, reading.adlPlausible);
  }
  return decision;
}
