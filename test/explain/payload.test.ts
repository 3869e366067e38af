import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { CLOSE_PAYLOAD, decodePayload, encodeStepPayload, MAX_PAYLOAD_BYTES } from '../../src/explain/payload.ts';

test('a step payload is just topic and step', () => {
  assert.equal(encodeStepPayload('adl', 3), 'adl:3');
  assert.deepEqual(decodePayload('adl:3'), { kind: 'step', topic: 'adl', step: 3 });
  assert.deepEqual(decodePayload(CLOSE_PAYLOAD), { kind: 'close' });
});

test('a reader position survives the round trip', () => {
  const position = { side: 'short' as const, entry: new Decimal(122_000), mark: new Decimal(102_000), leverage: new Decimal(20), venue: 'bybit', qty: new Decimal('0.5') };
  const payload = encodeStepPayload('adl', 6, position);
  assert.equal(payload, 'adl:6:s,122000,102000,20,by,0.5');
  const decoded = decodePayload(payload);
  assert.ok(decoded?.kind === 'step' && decoded.position);
  assert.equal(decoded.position.side, 'short');
  assert.equal(decoded.position.venue, 'bybit');
  assert.ok(decoded.position.entry.eq(122_000) && decoded.position.qty?.eq('0.5'));
});

test('long numbers are rounded to fewer significant digits until the payload fits', () => {
  const position = {
    side: 'long' as const,
    entry: new Decimal('60123.4567891234'),
    mark: new Decimal('100234.567891234'),
    leverage: new Decimal('12.3456789'),
    venue: 'hyperliquid',
    qty: new Decimal('0.000123456789123'),
  };
  const payload = encodeStepPayload('adl', 8, position);
  assert.ok(Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES, payload);
  const decoded = decodePayload(payload);
  assert.ok(decoded?.kind === 'step' && decoded.position);
  assert.ok(decoded.position.entry.minus(position.entry).abs().lt('0.01'));
  assert.doesNotMatch(payload, /e[-+]/, 'never exponent notation');
});
