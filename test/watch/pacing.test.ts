import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WeightLedger } from '../../src/market/weight-ledger.ts';
import type { AccountRow, RiskClass } from '../../src/store/watch-repository.ts';
import { DEFAULT_INTERVALS_MS, planTick, type PacingRules } from '../../src/watch/pacing.ts';

const RULES: PacingRules = { budgetPerMinute: 600, intervalsMs: DEFAULT_INTERVALS_MS, fillsEveryMs: 6 * 3_600_000, tickMs: 2_000, burst: 2 };
const COSTS = { state: 2, fills: 21 };

function row(account: string, risk: RiskClass, checkedAt: number | null, extra: Partial<AccountRow> = {}): AccountRow {
  return { venue: 'hyperliquid', account, checkedAt, risk, positions: {}, fillsFrom: 0, fillsCheckedAt: 0, fillsDue: false, failures: 0, retryAt: 0, lastError: null, ...extra };
}

test('a tick reads what is overdue: a shrunk position’s fills first, then by how overdue times the class weight (a new account counts as risky)', () => {
  const now = 10_000_000;
  const plan = planTick(
    [
      row('calm-due', 'calm', now - 700_000, { fillsCheckedAt: now }),
      row('risky-due', 'risky', now - 45_000, { fillsCheckedAt: now }),
      row('risky-fresh', 'risky', now - 5_000, { fillsCheckedAt: now }),
      row('new', 'new', null, { fillsFrom: now - 1_000, fillsCheckedAt: now }),
      row('shrunk', 'calm', now - 1_000, { fillsDue: true, fillsCheckedAt: now }),
      row('failing', 'risky', now - 600_000, { retryAt: now + 10_000, fillsCheckedAt: now }),
    ],
    now,
    600,
    RULES,
    COSTS,
  );
  assert.deepEqual(
    plan.map((p) => [p.account, p.state, p.fills]),
    [
      ['shrunk', false, true],
      ['risky-due', true, false], // 1.5 × overdue × 4
      ['new', true, false], // just added: 1.03 × 4
      ['calm-due', true, false], // 1.17 × 1
    ],
  );
});

test('a tick spends at most its share of the budget (twice the even rate) and never more than what the last minute left', () => {
  const now = 10_000_000;
  const rows = Array.from({ length: 100 }, (_, i) => row(`a${i}`, 'calm', null, { fillsCheckedAt: now }));
  const share = (RULES.budgetPerMinute * RULES.tickMs * RULES.burst) / 60_000; // 40
  assert.equal(planTick(rows, now, 600, RULES, COSTS).length, share / COSTS.state);
  assert.equal(planTick(rows, now, 7, RULES, COSTS).length, 3, 'only 7 weight left in this minute');
  assert.equal(planTick(rows, now, 0, RULES, COSTS).length, 0);
});

/**
 * 1,000 accounts under the planner for 20 simulated minutes, the market poll taking 20 weight a
 * minute out of the same ledger: no minute ever exceeds the budget, and risky accounts are read
 * several times as often as calm ones. (The bench reports the cadence figures.)
 */
test('with 1,000 accounts the budget holds in every minute and risky accounts are read most often', () => {
  const ledger = new WeightLedger(1200);
  const start = 1_700_000_000_000;
  const rows = Array.from({ length: 1000 }, (_, i): AccountRow => row(`a${i}`, i < 50 ? 'risky' : i < 150 ? 'elevated' : 'calm', null, { fillsFrom: start, fillsCheckedAt: start }));
  const reads = new Map<string, number[]>();
  let worstWindow = 0;
  for (let now = start; now < start + 20 * 60_000; now += RULES.tickMs) {
    if ((now - start) % 60_000 === 0) ledger.record(20, now, 'market');
    const plan = planTick(rows, now, RULES.budgetPerMinute - ledger.used(now), RULES, COSTS);
    for (const read of plan) {
      const r = rows.find((x) => x.account === read.account)!;
      if (read.state) {
        ledger.record(COSTS.state, now, 'watch');
        r.checkedAt = now;
        reads.set(r.account, [...(reads.get(r.account) ?? []), now]);
      }
      if (read.fills) {
        ledger.record(COSTS.fills, now, 'watch');
        r.fillsCheckedAt = now;
      }
    }
    worstWindow = Math.max(worstWindow, ledger.used(now));
  }
  assert.ok(worstWindow <= RULES.budgetPerMinute, `worst minute ${worstWindow}`);
  const meanInterval = (filter: (i: number) => boolean) => {
    const gaps: number[] = [];
    for (const [account, times] of reads) {
      if (!filter(Number(account.slice(1)))) continue;
      for (let k = 1; k < times.length; k++) gaps.push(times[k] - times[k - 1]);
    }
    return gaps.reduce((a, b) => a + b, 0) / gaps.length;
  };
  const risky = meanInterval((i) => i < 50);
  const calm = meanInterval((i) => i >= 150);
  assert.ok(risky <= 40_000, `risky every ${risky} ms`);
  assert.ok(calm >= 4 * risky, `calm every ${calm} ms vs risky ${risky} ms`);
});

test('the market poll charges its Hyperliquid weight to the ledger the watch list spends from', async () => {
  const { FakeExchange, sampleMarket } = await import('../e2e/fake-exchange.ts');
  const { createVenueClients } = await import('../../src/market/factory.ts');
  const { loadConfig } = await import('../../src/config.ts');
  const exchange = new FakeExchange(sampleMarket());
  await exchange.start();
  try {
    const ledger = new WeightLedger(1200);
    const config = loadConfig({ HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid') });
    const hyperliquid = createVenueClients(config, undefined, { hyperliquid: ledger }).find((c) => c.venue === 'hyperliquid')!;
    await hyperliquid.fetchSnapshots();
    assert.deepEqual(ledger.bySource(Date.now()), { market: 20 }, 'metaAndAssetCtxs: weight 20');
  } finally {
    await exchange.stop();
  }
});
