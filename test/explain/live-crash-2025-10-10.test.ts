import { test } from 'node:test';
import assert from 'node:assert/strict';
import { live } from '../../src/explain/live/crash-2025-10-10.ts';

test('ratios derived from the cited crash figures', () => {
  // (122,574 − 104,782) / 122,574 = 14.52%; 6.93 / 19.13 = 36.2%; 3.21 / 6.93 = 46.3%.
  assert.deepEqual(live('en', {}), { btcDrop: '14.5%', fortyMinuteShare: '36%', peakMinuteShareOfForty: '46%' });
  assert.equal(live('vi', {}).btcDrop, '14,5%');
});
