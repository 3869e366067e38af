import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DEFAULT_THRESHOLDS } from '../src/core/signals.ts';

test('market and alert settings default to the documented heuristics', () => {
  const config = loadConfig({});
  assert.deepEqual(config.signals, DEFAULT_THRESHOLDS);
  assert.deepEqual(config.alerts, { cooldownMs: 4 * 3_600_000, defaultSymbols: ['BTC', 'ETH', 'SOL', 'XRP', 'BNB', 'DOGE'], maxPerChatPerCycle: 5 });
  assert.deepEqual(config.market, { staleAfterMs: 180_000, httpTimeoutMs: 8_000, binanceOpenInterestTopN: 100 });
  assert.equal(config.alertsSchedule, '* * * * *');
});

test('thresholds and lists can be tuned from the environment', () => {
  const config = loadConfig({ SIGNAL_CRASH_DROP: '0.08', SIGNAL_CRASH_WINDOW_MINUTES: '30', ALERTS_DEFAULT_SYMBOLS: 'btc,hype', ALERTS_SCHEDULE: '*/2 * * * *' });
  assert.equal(config.signals.crashDropPct, 0.08);
  assert.equal(config.signals.crashWindowMinutes, 30);
  assert.deepEqual(config.alerts.defaultSymbols, ['BTC', 'HYPE']);
  assert.equal(config.alertsSchedule, '*/2 * * * *');
});

test('a bad value names the variable and says what to write', () => {
  assert.throws(() => loadConfig({ SIGNAL_CRASH_DROP: '5%' }), (e: unknown) => e instanceof ConfigError && /^SIGNAL_CRASH_DROP must be a number such as 0.05/.test(e.message));
  assert.throws(() => loadConfig({ ALERTS_SCHEDULE: 'every minute' }), (e: unknown) => e instanceof ConfigError && /^ALERTS_SCHEDULE must be a cron expression/.test(e.message));
  assert.throws(() => loadConfig({ SIGNAL_CROWDING_MIN_VENUES: '7' }), /SIGNAL_CROWDING_MIN_VENUES must be at most 4/);
});
