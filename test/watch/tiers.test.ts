import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TierRow } from '../../src/store/watch-repository.ts';
import { MarketMoves } from '../../src/watch/plausibility.ts';
import { decideTiers, type Reading, type TierRules } from '../../src/watch/tiers.ts';

const RULES: TierRules = { distanceTiers: [0.2, 0.1, 0.05], rearmFactor: 1.25, adlTiers: [4, 5], repeatAfterMs: 86_400_000 };
const MINUTE = 60_000;

/** Feeds readings in order, keeping the stored rows as the repository would; returns what fired at each step. */
function run(readings: Array<Partial<Reading> & { at: number }>, rules = RULES): Array<Array<{ kind: string; tier: number }>> {
  let stored: TierRow[] = [];
  return readings.map(({ at, ...partial }) => {
    const reading: Reading = { position: 'ETH:long', distance: null, lights: null, adlPlausible: false, ...partial };
    const decision = decideTiers(1, reading, stored, rules, at);
    for (const u of decision.updates) stored = [...stored.filter((r) => !(r.position === u.position && r.kind === u.kind && r.tier === u.tier)), u];
    return decision.fire;
  });
}

test('liquidation distance: the 20%, 10% and 5% tiers fire once each as the position slides', () => {
  const fired = run([
    { at: 0, distance: 0.3 },
    { at: MINUTE, distance: 0.18 },
    { at: 2 * MINUTE, distance: 0.15 },
    { at: 3 * MINUTE, distance: 0.09 },
    { at: 4 * MINUTE, distance: 0.08 },
    { at: 5 * MINUTE, distance: 0.04 },
    { at: 6 * MINUTE, distance: 0.03 },
  ]);
  assert.deepEqual(fired, [[], [{ kind: 'liquidation', tier: 0.2 }], [], [{ kind: 'liquidation', tier: 0.1 }], [], [{ kind: 'liquidation', tier: 0.05 }], []]);
});

test('a distance wobbling on a boundary alerts once; it alerts again only after moving back clear and a day later', () => {
  const wobble = [0.099, 0.101, 0.098, 0.102, 0.097, 0.11, 0.099].map((distance, i) => ({ at: i * MINUTE, distance }));
  const fired = run([{ at: -MINUTE, distance: 0.15 }, ...wobble]).flat();
  assert.deepEqual(
    fired,
    [
      { kind: 'liquidation', tier: 0.2 },
      { kind: 'liquidation', tier: 0.1 },
    ],
    '20% once at the start; crossing 10% back and forth (never above 12.5%) is one alert',
  );

  const day = 86_400_000;
  const later = run([
    { at: 0, distance: 0.15 }, // fires 20%
    { at: MINUTE, distance: 0.09 }, // fires 10%
    { at: 2 * MINUTE, distance: 0.14 }, // clear again (≥ 12.5%): re-armed
    { at: 3 * MINUTE, distance: 0.09 }, // crossed again the same day: quiet
    { at: 4 * MINUTE, distance: 0.14 },
    { at: day + 5 * MINUTE, distance: 0.09 }, // a day later, crossing after re-arming: alerts
  ]).map((f) => f.length);
  assert.deepEqual(later, [1, 1, 0, 0, 0, 1]);
});

test('a jump past several tiers sends the most severe one; the milder ones count as told', () => {
  const fired = run([
    { at: 0, distance: 0.5 },
    { at: MINUTE, distance: 0.04 },
    { at: 2 * MINUTE, distance: 0.12 },
    { at: 3 * MINUTE, distance: 0.08 },
  ]);
  assert.deepEqual(fired, [[], [{ kind: 'liquidation', tier: 0.05 }], [], []]);
});

test('ADL lights 4 and 5 alert only while ADL is plausible; one light of wobble does not re-alert', () => {
  const fired = run([
    { at: 0, lights: 4, adlPlausible: false },
    { at: MINUTE, lights: 4, adlPlausible: true },
    { at: 2 * MINUTE, lights: 3, adlPlausible: true },
    { at: 3 * MINUTE, lights: 4, adlPlausible: true },
    { at: 4 * MINUTE, lights: 5, adlPlausible: true },
    { at: 5 * MINUTE, lights: 4, adlPlausible: true },
    { at: 6 * MINUTE, lights: 5, adlPlausible: true },
  ]);
  assert.deepEqual(fired, [[], [{ kind: 'adl', tier: 4 }], [], [], [{ kind: 'adl', tier: 5 }], [], []]);
  assert.deepEqual(run([{ at: 0, lights: 5, adlPlausible: false }]), [[]], 'at the front but nothing happening: quiet');
});

test('a position with no liquidation price and no ADL estimate changes nothing', () => {
  const decision = decideTiers(1, { position: 'BTC:long', distance: null, lights: null, adlPlausible: true }, [], RULES, 0);
  assert.deepEqual(decision, { fire: [], updates: [] });
});

test('ADL plausible: a crash alert running, or a 5% move against the other side within the window (marks seen, market data)', () => {
  let crash = false;
  const moves = new MarketMoves({
    movePct: 0.05,
    windowMs: 5 * MINUTE,
    crashRunning: (coin) => crash && coin === 'ETH',
    marketRange: (coin) => (coin === 'SOL' ? { low: 200, high: 212 } : undefined),
  });
  const t0 = 1_000_000_000_000;
  moves.observe('ETH', 4000, t0);
  moves.observe('ETH', 3850, t0 + 2 * MINUTE);
  assert.equal(moves.plausible('ETH', 'short', 3850, t0 + 2 * MINUTE), null, 'a 3.75% fall is not enough');
  assert.deepEqual(moves.plausible('ETH', 'short', 3790, t0 + 4 * MINUTE), { reason: 'fast-move', direction: 'down', move: 1 - 3790 / 4000, minutes: 5 });
  assert.equal(moves.plausible('ETH', 'long', 3790, t0 + 4 * MINUTE), null, 'a fall bankrupts longs: the profitable shorts are at risk, not the longs');
  assert.equal(moves.plausible('ETH', 'short', 3790, t0 + 10 * MINUTE), null, 'the high left the window');
  crash = true;
  assert.deepEqual(moves.plausible('ETH', 'long', 3790, t0 + 10 * MINUTE), { reason: 'crash-alert' });
  assert.deepEqual(moves.plausible('SOL', 'long', 212, t0), { reason: 'fast-move', direction: 'up', move: 212 / 200 - 1, minutes: 5 }, 'from the stored market minutes');
  assert.equal(moves.plausible('BTC', 'short', 100_000, t0), null);
});
