import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/database.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { AlertService, sampleAlert } from '../../src/alerts/service.ts';
import type { MarketService } from '../../src/market/service.ts';
import { DEFAULT_THRESHOLDS } from '../../src/core/signals.ts';
import { silentLogger } from '../support/market.ts';

/** plan() is what both a scheduled cycle and `alerts run-once` use to decide who gets what. */
function setUp(maxPerChatPerCycle = 5) {
  const db = openDatabase(':memory:');
  const repo = new AlertsRepository(db);
  const service = new AlertService({
    market: {} as MarketService, // plan() never polls
    repo,
    preferences: new PreferencesRepository(db),
    senders: new Map(),
    thresholds: DEFAULT_THRESHOLDS,
    cooldownMs: 4 * 3_600_000,
    defaultSymbols: ['BTC'],
    maxPerChatPerCycle,
    logger: silentLogger,
  });
  for (const chatId of ['a', 'b']) {
    repo.subscribe({ platform: 'telegram', chatId, kinds: ['crash', 'adl'], symbols: ['BTC', 'ETH'], venues: ['*'], minSeverity: 'warning', createdBy: 'u', createdAt: '' });
  }
  return { repo, service };
}

const now = Date.UTC(2025, 9, 10, 21, 15);
const crash = (severity: 'warning' | 'critical' = 'critical', symbol = 'BTC') => ({ ...sampleAlert(), severity, symbol });
const chats = (subs: Array<{ chatId: string }>) => subs.map((s) => s.chatId);

test('plan: a chat that already got this alert within the cooldown is held back, unless the severity escalates', () => {
  const { repo, service } = setUp();
  repo.enqueueUnlessDuplicate({ platform: 'telegram', chatId: 'a', venueGroup: '*', symbol: 'BTC', kind: 'crash' }, 'warning', crash('warning'), now - 60_000, 4 * 3_600_000);
  const [same] = service.plan([crash('warning')], repo.active(), now);
  assert.deepEqual(chats(same.send), ['b']);
  assert.deepEqual(same.held.map((h) => [h.sub.chatId, h.reason]), [['a', 'cooldown']]);
  const [worse] = service.plan([crash('critical')], repo.active(), now);
  assert.deepEqual(chats(worse.send), ['a', 'b'], 'an escalation goes out again');
  const [later] = service.plan([crash('warning')], repo.active(), now + 4 * 3_600_000);
  assert.deepEqual(chats(later.send), ['a', 'b'], 'after the cooldown');
  assert.equal(repo.outboxRows.due(now + 5 * 3_600_000).length, 1, 'planning queued nothing');
});

test('plan: the per-chat cap of one cycle holds back the weaker alerts', () => {
  const { repo, service } = setUp(1);
  const [first, second] = service.plan([crash('critical', 'BTC'), crash('warning', 'ETH')], repo.active(), now);
  assert.deepEqual(chats(first.send), ['a', 'b']);
  assert.deepEqual(second.send, []);
  assert.deepEqual(second.held.map((h) => h.reason), ['per-chat-limit', 'per-chat-limit']);
});
