import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { CLOSE_PAYLOAD, COMMAND_PREFIX, decodePayload, encodeStepPayload } from '../../src/explain/payload.ts';
import { TELEGRAM_PROFILE } from '../../src/platforms/telegram/profile.ts';

// The tightest face: Telegram's callback_data, less the `explain:` prefix the dispatcher adds.
const MAX_CALLBACK_BYTES = TELEGRAM_PROFILE.limits.actionDataBytes!;
const MAX_PAYLOAD_BYTES = MAX_CALLBACK_BYTES - Buffer.byteLength(COMMAND_PREFIX);

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
  const payload = encodeStepPayload('adl', 8, position, undefined, MAX_PAYLOAD_BYTES);
  assert.ok(Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES, payload);
  const decoded = decodePayload(payload);
  assert.ok(decoded?.kind === 'step' && decoded.position);
  assert.ok(decoded.position.entry.minus(position.entry).abs().lt('0.01'));
  assert.doesNotMatch(payload, /e[-+]/, 'never exponent notation');
});

test('the longest position a reader types fits Telegram’s 64 bytes with the face’s `explain:` prefix, unrounded', () => {
  // side=short entry=122,345.67 mark=102,000.5 lev=125 venue=hyperliquid qty=12.345 on the last step of adl
  const position = {
    side: 'short' as const,
    entry: new Decimal('122345.67'),
    mark: new Decimal('102000.5'),
    leverage: new Decimal(125),
    venue: 'hyperliquid',
    qty: new Decimal('12.345'),
  };
  for (const step of [1, 8, 99]) {
    const payload = encodeStepPayload('adl', step, position, undefined, MAX_PAYLOAD_BYTES);
    assert.ok(Buffer.byteLength(COMMAND_PREFIX + payload) <= MAX_CALLBACK_BYTES, `${Buffer.byteLength(COMMAND_PREFIX + payload)} bytes: ${payload}`);
    const decoded = decodePayload(payload);
    assert.ok(decoded?.kind === 'step' && decoded.position);
    assert.ok(decoded.position.entry.eq(position.entry) && decoded.position.mark.eq(position.mark), 'typical numbers survive exactly');
    assert.ok(decoded.position.leverage.eq(125) && decoded.position.qty?.eq('12.345'));
  }
  assert.equal(encodeStepPayload('adl', 8, position, undefined, MAX_PAYLOAD_BYTES), 'adl:8:s,122345.67,102000.5,125,hl,12.345');
});

test('numbers too small or too large for plain decimals still fit (exponent form) and decode', () => {
  const position = {
    side: 'long' as const,
    entry: new Decimal('0.0000123456789'),
    mark: new Decimal('0.0000133456789'),
    leverage: new Decimal('1.23456789'),
    venue: 'hyperliquid',
    qty: new Decimal('0.00000001234567'),
  };
  const payload = encodeStepPayload('adl', 8, position, undefined, MAX_PAYLOAD_BYTES);
  assert.ok(Buffer.byteLength(COMMAND_PREFIX + payload) <= MAX_CALLBACK_BYTES, payload);
  const decoded = decodePayload(payload);
  assert.ok(decoded?.kind === 'step' && decoded.position, payload);
  assert.ok(decoded.position.qty!.minus(position.qty).abs().div(position.qty).lt('0.001'), 'qty kept to a few significant digits');
  const huge = { ...position, entry: new Decimal('123456789012345678'), mark: new Decimal('123456789012345679'), qty: new Decimal('98765432109876543') };
  const hugePayload = encodeStepPayload('adl', 8, huge, undefined, MAX_PAYLOAD_BYTES);
  assert.ok(Buffer.byteLength(COMMAND_PREFIX + hugePayload) <= MAX_CALLBACK_BYTES, hugePayload);
  assert.ok(decodePayload(hugePayload)?.kind === 'step');
});
