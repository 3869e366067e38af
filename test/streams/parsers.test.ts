import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.ts';
import { binanceStream, parseBinanceFrame } from '../../src/streams/binance.ts';
import { bybitStream, parseBybitFrame } from '../../src/streams/bybit.ts';
import { hyperliquidStream, parseHyperliquidFrame } from '../../src/streams/hyperliquid.ts';
import { coinOfOkx, okxStream, parseOkxFrame, type OkxContract, type OkxContracts } from '../../src/streams/okx.ts';
import { parseOkxContracts } from '../../src/streams/okx-contracts.ts';

/** The venues' own examples (test/fixtures/streams, copied from their docs) read into common events. */
const raw = (name: string) => readFileSync(projectPath('test', 'fixtures', 'streams', name), 'utf8');
const json = (name: string) => JSON.parse(raw(name));

function contracts(table: Record<string, OkxContract>): OkxContracts & { asked: string[] } {
  const asked: string[] = [];
  return { asked, get: (id) => table[id], missing: (id) => asked.push(id) };
}

test('Binance forceOrder (docs example, combined-stream envelope): SELL closes a long, USD = filled qty × average price', () => {
  const frame = parseBinanceFrame(JSON.stringify({ stream: '!forceOrder@arr', data: json('binance_forceOrder_ws.json') }));
  assert.deepEqual(frame.events, [
    { kind: 'liquidation', venue: 'binance', symbol: 'BTC', side: 'long', price: 9910, quantity: 0.014, usd: 9910 * 0.014, time: 1568014460893 },
  ]);
});

test('Binance after the 2026 USDⓈ-M/COIN-M merge: st 1 is read, st 2 (COIN-M, contracts) and delivery contracts are left out', () => {
  const merged = json('binance_forceOrder_arr_ws_connector_v37_postCM.json');
  assert.equal(parseBinanceFrame(JSON.stringify({ stream: '!forceOrder@arr', data: merged })).events.length, 1);
  const coinM = { ...merged, st: 2, o: { ...merged.o, s: 'BTCUSD_PERP' } };
  assert.deepEqual(parseBinanceFrame(JSON.stringify({ stream: '!forceOrder@arr', data: coinM })).events, []);
  const delivery = { ...merged, o: { ...merged.o, s: 'BTCUSDT_251226' } };
  assert.deepEqual(parseBinanceFrame(JSON.stringify({ stream: '!forceOrder@arr', data: delivery })).events, []);
});

test('Binance mark price (docs example) → a price tick; the /market route carries liquidations and the watched coins', () => {
  const frame = parseBinanceFrame(JSON.stringify({ stream: 'btcusdt@markPrice@1s', data: json('binance_markPriceUpdate_ws.json') }));
  assert.deepEqual(frame.events, [{ kind: 'price', venue: 'binance', symbol: 'BTC', price: 11794.15, time: 1562305380000 }]);
  assert.equal(binanceStream('wss://fstream.binance.com', ['BTC', 'ETH']).url, 'wss://fstream.binance.com/market/stream?streams=!forceOrder@arr/btcusdt@markPrice@1s/ethusdt@markPrice@1s');
});

test('Bybit allLiquidation (docs example): S is the position side, Sell = a short was liquidated; v in coin', () => {
  const frame = parseBybitFrame(raw('bybit_allLiquidation_ws.json'), 0);
  assert.deepEqual(frame.events, [{ kind: 'liquidation', venue: 'bybit', symbol: 'ROSE', side: 'short', price: 0.04499, quantity: 20000, usd: 20000 * 0.04499, time: 1739502302929 }]);
  const buy = json('bybit_allLiquidation_ws.json');
  buy.data[0].S = 'Buy';
  const [event] = parseBybitFrame(JSON.stringify(buy), 0).events;
  assert.equal(event.kind === 'liquidation' && event.side, 'long');
});

test('Bybit adlAlert (docs example, numbers): an empty pool (b ≤ 0) is high risk, the documented trigger otherwise', () => {
  const frame = parseBybitFrame(raw('bybit_adlAlert_ws.json'), 0);
  assert.deepEqual(
    frame.events.map((e) => e.kind === 'adl' && [e.symbol, e.risk]),
    [
      ['FWOG', 'high'],
      ['ZORA', 'low'],
      ['BERA', 'low'],
    ],
  );
  // Only the watched coins are kept; strings are read like numbers.
  const strings = json('bybit_adlAlert_ws.json');
  strings.data = strings.data.map((d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])));
  assert.deepEqual(parseBybitFrame(JSON.stringify(strings), 0, new Set(['FWOG'])).events.map((e) => e.symbol), ['FWOG']);
});

test('Bybit control frames: pong, subscription answer, refusal; topics go out ten per request', () => {
  assert.equal(parseBybitFrame('{"success":true,"ret_msg":"pong","conn_id":"x","req_id":"","op":"ping"}', 0).control, 'pong');
  assert.equal(parseBybitFrame('{"success":true,"ret_msg":"","conn_id":"x","req_id":"","op":"subscribe"}', 0).control, 'ack');
  assert.match(parseBybitFrame('{"success":false,"ret_msg":"error:handler not found","conn_id":"x","op":"subscribe"}', 0).error ?? '', /handler not found/);
  const frames = bybitStream('wss://stream.bybit.com', ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB', 'SUI', 'ADA', 'LINK', 'AVAX', 'LTC']).subscribe();
  assert.equal(frames.length, 2);
  assert.deepEqual(JSON.parse(frames[1]).args, ['allLiquidation.LTCUSDT', 'adlAlert.USDT']);
});

test('OKX liquidation-orders (docs example): posSide short = a short liquidated; contracts × ctVal × bankruptcy price', () => {
  const book = contracts({ 'IOST-USDT-SWAP': { ctVal: 1000, ctType: 'linear' } });
  const frame = parseOkxFrame(raw('okx_liquidation_orders_ws.json'), book);
  assert.deepEqual(frame.events, [{ kind: 'liquidation', venue: 'okx', symbol: 'IOST', side: 'short', price: 0.007831, quantity: 13_000, usd: 13 * 1000 * 0.007831, time: 1692266434010 }]);
});

test('OKX: an inverse swap counts ctVal in USD; net mode reads the order side; an unknown ctVal is never guessed', () => {
  const example = json('okx_liquidation_orders_ws.json');
  example.data[0].instId = 'BTC-USD-SWAP';
  example.data[0].details[0] = { ...example.data[0].details[0], posSide: 'net', side: 'sell', sz: '5', bkPx: '100000' };
  const inverse = parseOkxFrame(JSON.stringify(example), contracts({ 'BTC-USD-SWAP': { ctVal: 100, ctType: 'inverse' } }));
  assert.deepEqual(inverse.events.map((e) => e.kind === 'liquidation' && [e.side, e.usd, e.quantity]), [['long', 500, 0.005]]);
  const unknown = contracts({});
  const frame = parseOkxFrame(JSON.stringify(example), unknown);
  assert.deepEqual(frame.events, []);
  assert.equal(frame.dropped, 1);
  assert.deepEqual(unknown.asked, ['BTC-USD-SWAP'], 'the table is fetched again');
  assert.equal(coinOfOkx('ETH-USDT-SWAP'), 'ETH');
  assert.equal(coinOfOkx('BTC-USDT-251226'), undefined);
});

test('OKX control frames and the instruments table (documented fields)', () => {
  assert.equal(parseOkxFrame('pong', contracts({})).control, 'pong');
  assert.equal(parseOkxFrame('{"id":"1","event":"subscribe","arg":{"channel":"liquidation-orders","instType":"SWAP"},"connId":"a"}', contracts({})).control, 'ack');
  assert.match(parseOkxFrame('{"event":"error","code":"60012","msg":"Invalid request"}', contracts({})).error ?? '', /60012/);
  assert.deepEqual(JSON.parse(okxStream('wss://ws.okx.com:8443', contracts({})).subscribe()[0]).args, [{ channel: 'liquidation-orders', instType: 'SWAP' }]);
  const table = parseOkxContracts({ code: '0', msg: '', data: [{ instId: 'BTC-USDT-SWAP', ctVal: '0.01', ctType: 'linear' }, { instId: 'X-USDT-SWAP', ctVal: '', ctType: 'linear' }] });
  assert.deepEqual([...table], [['BTC-USDT-SWAP', { ctVal: 0.01, ctType: 'linear' }]]);
  assert.throws(() => parseOkxContracts({ code: '50011', msg: 'Too Many Requests', data: [] }), /50011/);
});

test('Hyperliquid allMids: the watched perpetuals, spot pairs (@n) and builder markets (dex:COIN) left out', () => {
  const frame = parseHyperliquidFrame(JSON.stringify({ channel: 'allMids', data: { mids: { BTC: '104782.5', ETH: '3900.1', '@107': '38.2', 'xyz:TSLA': '400', DOGE: '0.2' } } }), 1_000, new Set(['BTC', 'ETH']));
  assert.deepEqual(frame.events, [
    { kind: 'price', venue: 'hyperliquid', symbol: 'BTC', price: 104782.5, time: 1_000 },
    { kind: 'price', venue: 'hyperliquid', symbol: 'ETH', price: 3900.1, time: 1_000 },
  ]);
  assert.equal(parseHyperliquidFrame('{"channel":"pong"}', 0).control, 'pong');
  assert.equal(parseHyperliquidFrame('{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"allMids"}}}', 0).control, 'ack');
  assert.equal(hyperliquidStream('wss://api.hyperliquid.xyz', ['BTC']).liquidations, false);
});

test('malformed frames and items are counted, never thrown, and the good items of a frame are kept', () => {
  for (const text of ['{not json', '[]', '{"stream":1}', '']) assert.equal(parseBinanceFrame(text).dropped, 1, text);
  const example = json('binance_forceOrder_ws.json');
  const mixed = parseBinanceFrame(JSON.stringify({ stream: '!forceOrder@arr', data: [example, { ...example, o: { ...example.o, q: 'lots' } }] }));
  assert.equal(mixed.events.length, 1);
  assert.equal(mixed.dropped, 1);
  const bybit = json('bybit_allLiquidation_ws.json');
  bybit.data.push({ T: 1, s: 'BTCUSDT', S: 'Long', v: '1', p: '1' });
  assert.deepEqual([parseBybitFrame(JSON.stringify(bybit), 0).events.length, parseBybitFrame(JSON.stringify(bybit), 0).dropped], [1, 1]);
  assert.equal(parseHyperliquidFrame('{"channel":"allMids","data":{"mids":{"BTC":"NaN"}}}', 0, new Set(['BTC'])).dropped, 1);
  assert.equal(parseOkxFrame('{"arg":{"channel":"liquidation-orders"},"data":[{"instId":"BTC-USDT-SWAP","details":[{"side":"up"}]}]}', contracts({})).dropped, 1);
});
