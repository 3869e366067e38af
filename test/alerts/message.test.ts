import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlertReply, ALERT_BUTTON_PAYLOADS } from '../../src/alerts/message.ts';
import { sampleAlert } from '../../src/alerts/service.ts';
import type { AlertCandidate } from '../../src/alerts/evaluate.ts';
import { resolveTopic } from '../../src/explain/content.ts';
import { COMMAND_PREFIX } from '../../src/explain/payload.ts';
import { FACE_PROFILES } from '../../src/platforms/registry.ts';
import type { Block } from '../../src/chat/reply.ts';

const crowded: AlertCandidate = {
  kind: 'crowding',
  symbol: 'BTC',
  severity: 'warning',
  venueGroup: '*',
  venues: ['binance', 'bybit'],
  side: 'long',
  agreement: 0.5,
  metrics: [
    { venue: 'binance', mark: 124_000, fundingApr: 0.52, fundingZ: 3.1, oiChange1h: 0.03, oiChange4h: 0.12, priceChange15m: 0.004, priceChange1h: 0.011, dropFromPeak: 0, oiFlush: 0, adlRisk: 'low' },
    { venue: 'bybit', mark: 124_030, fundingApr: 0.48, fundingZ: 2.7, oiChange1h: 0.02, oiChange4h: 0.1, priceChange15m: 0.004, priceChange1h: 0.011, dropFromPeak: 0, oiFlush: 0, adlRisk: null },
  ],
  time: Date.UTC(2025, 9, 10, 19, 0),
};
const adl: AlertCandidate = { ...sampleAlert(), kind: 'adl', severity: 'warning', venues: ['binance'], crash: undefined };

const text = (blocks: Block[]) => blocks.map((b) => (b.kind === 'text' ? b.text : b.kind === 'table' ? [b.columns, ...b.rows].flat().join(' ') : '')).join('\n');

test('alert buttons carry the fully-qualified explain payloads: explain:funding (crowding), explain:adl (crash, ADL)', () => {
  assert.deepEqual(ALERT_BUTTON_PAYLOADS, { funding: 'explain:funding', adl: 'explain:adl' });
  assert.equal(buildAlertReply(crowded, 'en').actions?.[0].payload, 'explain:funding');
  assert.equal(buildAlertReply(sampleAlert(), 'en').actions?.[0].payload, 'explain:adl');
  assert.equal(buildAlertReply(adl, 'vi').actions?.[0].payload, 'explain:adl');
  for (const payload of Object.values(ALERT_BUTTON_PAYLOADS)) {
    // What the dispatcher does with a button press: command name before the first colon, the rest to onAction.
    assert.ok(payload.startsWith(COMMAND_PREFIX), payload);
    const rest = payload.slice(COMMAND_PREFIX.length);
    assert.match(rest, /^[a-z0-9-]+$/, 'a bare topic id, no step: the explain command opens step 1 in a new message');
    assert.equal(resolveTopic(rest), rest, 'a topic the explain command knows by this exact id');
    for (const face of FACE_PROFILES.filter((f) => f.push)) {
      assert.ok(Buffer.byteLength(payload) <= (face.limits.actionDataBytes ?? Infinity), `fits ${face.id}'s button data`);
    }
  }
});

test('the button label is in the target language', () => {
  assert.equal(buildAlertReply(crowded, 'en').actions?.[0].label, 'What is funding?');
  assert.equal(buildAlertReply(crowded, 'vi').actions?.[0].label, 'Funding là gì?');
  assert.equal(buildAlertReply(sampleAlert(), 'vi').actions?.[0].label, 'ADL là gì?');
});

test('every kind says what, why (numbers), what it means, and "not financial advice", in both languages', () => {
  for (const lang of ['en', 'vi'] as const) {
    for (const candidate of [crowded, sampleAlert(), adl]) {
      const reply = buildAlertReply(candidate, lang);
      const body = text(reply.blocks);
      assert.ok(reply.title?.includes('BTC'), `${candidate.kind} ${lang}: the coin in the title`);
      assert.ok(reply.blocks.some((b) => b.kind === 'table'), `${candidate.kind} ${lang}: a table of numbers per venue`);
      assert.match(body, /ADL/, `${candidate.kind} ${lang}: what it means for ADL`);
      assert.match(reply.footer ?? '', lang === 'en' ? /Not financial advice/ : /không phải lời khuyên đầu tư/);
    }
  }
  const crowding = text(buildAlertReply(crowded, 'en').blocks);
  assert.match(crowding, /52%/, 'funding APR');
  assert.match(crowding, /\+12%/, 'OI change over 4 h');
  assert.match(crowding, /\+1\.1%/, 'price change over 1 h');
  const crash = text(buildAlertReply(sampleAlert(), 'en').blocks);
  assert.match(crash, /14\.5%/, 'the drop from the high');
  assert.match(crash, /22%/, 'the OI flush');
  const flag = text(buildAlertReply(adl, 'vi').blocks);
  assert.match(flag, /Rủi ro ADL/);
  assert.match(flag, /cao/, 'the venue flag, translated');
});

test('a chart, when given, is attached with a translated alt text', () => {
  const png = Buffer.from('\x89PNG fake');
  const reply = buildAlertReply(crowded, 'vi', png);
  assert.equal(reply.image?.png, png);
  assert.match(reply.image?.alt ?? '', /Biểu đồ funding APR của BTC/);
});

test('the footer dates the alert as each language writes dates: 2025-10-10 21:15, 10/10/2025 21:15', () => {
  assert.match(buildAlertReply(sampleAlert(), 'en').footer ?? '', /at 2025-10-10 21:15 UTC/);
  assert.match(buildAlertReply(sampleAlert(), 'vi').footer ?? '', /lúc 10\/10\/2025 21:15 UTC/);
});

test('Vietnamese alerts use the settled terms: Rủi ro ADL, bắt buộc, đang lãi', () => {
  const vi = JSON.stringify(buildAlertReply(sampleAlert(), 'vi')) + JSON.stringify(buildAlertReply(crowded, 'vi')) + JSON.stringify(buildAlertReply(adl, 'vi'));
  assert.match(vi, /Rủi ro ADL/);
  assert.doesNotMatch(vi, /Cờ ADL|cưỡng bức|đang lời/);
});
