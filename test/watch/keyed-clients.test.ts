import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VenueHttp, type HttpClock } from '../../src/market/http.ts';
import { OkxContractBook } from '../../src/streams/okx-contracts.ts';
import { pino } from 'pino';
import { Credentials } from '../../src/watch/keys/keyring.ts';
import { binanceAdl, bybitAdl, okxAdl } from '../../src/watch/keyed/adl-indicator.ts';
import { BinanceKeyedClient, binancePermissions, forcedFromOrder, parseBinanceForceOrders } from '../../src/watch/keyed/binance.ts';
import { BybitKeyedClient, bybitPermissions, parseBybitExecutions } from '../../src/watch/keyed/bybit.ts';
import { OkxKeyedClient, okxPermissions, parseOkxBills } from '../../src/watch/keyed/okx.ts';
import { binanceSigned } from '../../src/watch/keyed/signing.ts';
import type { KeyedClient } from '../../src/watch/keyed/keyed-client.ts';
import { AccountError } from '../../src/watch/types.ts';
import { FakeExchange, sampleMarket } from '../e2e/fake-exchange.ts';
import type { FakeKey } from '../support/fake-keyed-venues.ts';

/**
 * The three keyed clients against the local fakes, which recompute every signature from the key's
 * secret by the venue's recipe and check the timestamp window: the permission verdicts on the
 * venues' own examples, positions with the venue's ADL level, forced fills with their PnL, and the
 * difference between a key the venue no longer accepts (pause) and a clock that is off (retry).
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keys');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const exchange = new FakeExchange(sampleMarket());
const keyed = exchange.keyed;
let skew = 0;
const clock: HttpClock = { now: () => Date.now() + skew, sleep: async () => undefined, random: () => 0.5 };
const stored = new Map<string, Credentials>();
const keys = { credentials: (account: string) => stored.get(account) };

before(() => exchange.start());
after(() => exchange.stop());

const http = (venue: 'binance' | 'bybit' | 'okx', baseUrl: string) => new VenueHttp({ venue, baseUrl, clock, maxRetries: 0 });
const binance = () => new BinanceKeyedClient(http('binance', exchange.baseUrl('binance')), http('binance', exchange.binanceSpotUrl), keys);
const bybit = () => new BybitKeyedClient(http('bybit', exchange.baseUrl('bybit')), keys);
const okx = () => new OkxKeyedClient(http('okx', exchange.baseUrl('okx')), keys, new OkxContractBook(http('okx', exchange.baseUrl('okx')), pino({ level: 'silent' }), clock.now));
const credentialsOf = (key: FakeKey) => new Credentials(key.apiKey, key.secret, key.passphrase);

function watched(key: FakeKey): string {
  const account = `key:${stored.size + 1}`;
  stored.set(account, credentialsOf(key));
  return account;
}

test('permission verdicts on the venues own examples: each names the permissions to remove', () => {
  // Binance's example key can transfer internally and universally and trade portfolio margin.
  const b = binancePermissions(fixture('binance_apiRestrictions_connector_mock.json'));
  assert.equal(b.ok, false);
  assert.deepEqual(!b.ok && b.reason === 'not-read-only' && b.permissions.map((p) => `${p.kind}:${p.name}`), [
    'transfer:Permits Internal Transfer',
    'transfer:Permits Universal Transfer',
    'trade:Enable Portfolio Margin Trading',
  ]);
  // Bybit's example is readOnly 1 yet lists Wallet transfers: refused for those.
  const y = bybitPermissions(fixture('bybit_query_api.json').result, Date.now());
  assert.deepEqual(!y.ok && y.reason === 'not-read-only' && y.permissions.map((p) => p.name), ['Wallet: AccountTransfer', 'Wallet: SubMemberTransfer']);
  assert.equal(!y.ok && y.reason === 'not-read-only' && y.ipRestricted, true, 'its ips are bound');
  // OKX's example key can also withdraw and trade.
  const o = okxPermissions(fixture('okx_account_config.json').data[0]);
  assert.deepEqual(!o.ok && o.reason === 'not-read-only' && o.permissions.map((p) => `${p.kind}:${p.name}`), ['withdraw:Withdraw', 'trade:Trade']);
  assert.deepEqual(okxPermissions({ perm: 'read_only', ip: '' }), { ok: true, ipRestricted: false, expiresAt: null });
});

test('Binance signing on its documented example; permission fields read conservatively (spaces, order, unknown flags)', () => {
  // Binance's own example (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info, SIGNED endpoint examples for
  // POST /fapi/v1/order, HMAC keys): checks signing.ts against the venue itself, not only against our fake. Same scheme on /sapi.
  const doc = new Credentials('vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j');
  const signed = binanceSigned(doc, { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1' }, 1499827319559);
  assert.equal(signed.query, 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
  assert.deepEqual(signed.headers, { 'X-MBX-APIKEY': doc.apiKey });

  const okxNames = (perm: string) => {
    const v = okxPermissions({ perm, ip: '' });
    return v.ok ? 'ok' : v.reason === 'not-read-only' ? v.permissions.map((p) => p.name).join(',') : v.reason;
  };
  assert.equal(okxNames(' trade , read_only '), 'Trade');
  assert.equal(okxNames('withdraw,read_only'), 'Withdraw');
  assert.equal(okxNames('read_only '), 'ok');
  assert.equal(okxNames('read_only,block_trade'), 'block_trade', 'an unknown right is refused, by its own name');
  assert.equal(okxNames(''), 'no-read');
  const bybit = (readOnly: 0 | 1, permissions: Record<string, string[]>) => {
    const v = bybitPermissions({ readOnly, permissions, ips: ['*'] }, Date.now());
    return v.ok ? 'ok' : v.reason === 'not-read-only' ? v.permissions.map((p) => `${p.kind}:${p.name}`).join(',') : v.reason;
  };
  assert.equal(bybit(1, { ContractTrade: ['Order', 'Position'], Wallet: [] }), 'ok');
  assert.equal(bybit(0, { ContractTrade: ['Order', 'Position'] }), 'trade:Read-Write (choose Read-Only)');
  assert.equal(bybit(1, { Wallet: ['Withdraw'] }), 'withdraw:Wallet: Withdraw');
  const binance = binancePermissions({ ipRestrict: true, enableReading: true, enableFutures: false, enableSomethingNew: true, permitsSomethingElse: true });
  assert.deepEqual(!binance.ok && binance.reason === 'not-read-only' && binance.permissions.map((p) => `${p.kind}:${p.name}`), ['other:enableSomethingNew', 'other:permitsSomethingElse']);
});

test('the venues ADL levels on our 1–5 lights; the top two levels alert', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((l) => binanceAdl(l)!.lights), [1, 2, 3, 4, 5]);
  assert.deepEqual([0, 1, 2, 3, 4].map((l) => binanceAdl(l)!.top), [false, false, false, true, true]);
  assert.equal(bybitAdl(0), null, 'Bybit 0: an empty position');
  assert.deepEqual([1, 2, 3, 4, 5].map((l) => [bybitAdl(l)!.lights, bybitAdl(l)!.top]), [[1, false], [2, false], [3, false], [4, true], [5, true]]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((l) => [okxAdl(l)!.lights, okxAdl(l)!.top]), [[1, false], [1, false], [2, false], [3, false], [4, true], [5, true]]);
  assert.equal(binanceAdl(5), null, 'out of Binance range: unknown, never guessed');
});

test('the docs examples of forced closes: Binance by client id, Bybit by execType, OKX by bill type', () => {
  const [liquidation, adl] = parseBinanceForceOrders(fixture('binance_forceOrders_doc.json')).map((o) => forcedFromOrder(o, null)!);
  assert.deepEqual([liquidation.kind, liquidation.side, liquidation.size.toString(), liquidation.price.toString()], ['liquidation', 'long', '0.001', '10913.21']);
  assert.deepEqual([adl.kind, adl.side, adl.id], ['adl', 'short', '6072734303']);
  // Bybit's example execution is an ordinary trade: no forced fill.
  assert.equal(parseBybitExecutions(fixture('bybit_execution_list_doc.json').result).fills.length, 0);
  // OKX's example bill is a spot trade (type 2): not a forced close.
  assert.equal(parseOkxBills(fixture('okx_account_bills_doc.json').data, () => undefined).length, 0);
});

test('Bybit and OKX: a read-only key passes; positions carry the venue ADL level; forced fills come with mark and PnL', async () => {
  const now = Date.now();
  for (const [venue, client] of [['bybit', bybit()], ['okx', okx()]] as const) {
    const key = keyed.addKey(venue);
    key.account = {
      equity: 20_000,
      positions: [
        { coin: 'BTC', side: 'short', size: 0.5, entry: 122_000, mark: 104_000, liq: 140_000, leverage: 20, mode: 'cross', adl: 5 },
        { coin: 'ETH', side: 'long', size: 3, entry: 4_000, mark: 3_900, liq: 3_600, leverage: 10, mode: 'isolated', adl: venue === 'okx' ? 1 : 2 },
      ],
      forced: [{ id: '9001', kind: 'adl', coin: 'BTC', side: 'short', size: 0.2, price: 104_100, mark: 104_050, pnl: 3_580, time: now - 60_000 }],
    };
    const verdict = await client.verify(credentialsOf(key));
    assert.deepEqual(verdict, { ok: true, ipRestricted: false, expiresAt: null }, venue);
    const account = watched(key);
    const state = await client.account(account);
    assert.equal(state.accountValue.toString(), '20000', venue);
    const [btc, eth] = state.positions;
    assert.deepEqual([btc.coin, btc.side, btc.size.toString(), btc.liquidationPrice!.toString(), btc.marginMode], ['BTC', 'short', '0.5', '140000', 'cross'], venue);
    assert.deepEqual(btc.venueAdl, venue === 'okx' ? { raw: 5, scale: '0–5', lights: 5, top: true } : { raw: 5, scale: '1–5', lights: 5, top: true }, venue);
    assert.equal(eth.marginMode, 'isolated');
    assert.equal(eth.isolatedMargin!.toString(), '1200', `${venue}: isolated margin`);
    const page = await client.fills(account, now - 3_600_000);
    assert.equal(page.fills.length, 1, venue);
    const [fill] = page.fills;
    assert.deepEqual([fill.kind, fill.coin, fill.side, fill.size.toString(), fill.price.toString(), fill.markPrice?.toString(), fill.closedPnl?.toString()], ['adl', 'BTC', 'short', '0.2', '104100', '104050', '3580'], venue);
    assert.ok(keyed.requests.filter((r) => r.venue === venue).every((r) => r.verified), `${venue}: every request signed and in its window`);
  }
});

test('Binance: a read-only key is refused because the futures API needs the trading permission; if Binance let it read, positions and fills work', async () => {
  const key = keyed.addKey('binance');
  key.account = {
    equity: 5_000,
    positions: [{ coin: 'SOL', side: 'long', size: 100, entry: 200, mark: 189, liq: 181.5, leverage: 10, mode: 'isolated', adl: 4 }],
    forced: [{ id: '77', kind: 'liquidation', coin: 'SOL', side: 'long', size: 100, price: 181.2, mark: 181.4, pnl: -1_880, time: Date.now() - 30_000 }],
  };
  assert.deepEqual(await binance().verify(credentialsOf(key)), { ok: false, reason: 'positions-need-trading' });
  const trading = keyed.addKey('binance', { binance: { enableFutures: true } });
  const refused = await binance().verify(credentialsOf(trading));
  assert.deepEqual(!refused.ok && refused.reason === 'not-read-only' && refused.permissions.map((p) => p.name), ['Enable Futures']);

  // The behaviour Binance's docs do not confirm: a read-only key reading futures.
  keyed.binanceReadOnlyReadsFutures = true;
  try {
    assert.deepEqual(await binance().verify(credentialsOf(key)), { ok: true, ipRestricted: false, expiresAt: null });
    const account = watched(key);
    const [sol] = (await binance().account(account)).positions;
    assert.deepEqual([sol.side, sol.size.toString(), sol.leverage.toString(), sol.marginMode, sol.liquidationPrice!.toString()], ['long', '100', '10', 'isolated', '181.5']);
    assert.deepEqual(sol.venueAdl, { raw: 4, scale: '0–4', lights: 5, top: true });
    const [fill] = (await binance().fills(account, Date.now() - 3_600_000)).fills;
    assert.deepEqual([fill.kind, fill.side, fill.closedPnl!.toString(), fill.markPrice], ['liquidation', 'long', '-1880', null]);
  } finally {
    keyed.binanceReadOnlyReadsFutures = false;
  }
});

test('a revoked key is rejected (the watch pauses); a wrong secret is rejected; a clock outside the window is only retried', async () => {
  for (const [venue, client] of [['binance', binance()], ['bybit', bybit()], ['okx', okx()]] as Array<[FakeKey['venue'], KeyedClient]>) {
    keyed.binanceReadOnlyReadsFutures = true;
    const key = keyed.addKey(venue);
    const account = watched(key);
    try {
      // Our clock behind the venue's, outside its window (Binance and Bybit 5 s, OKX 30 s): the key is fine.
      skew = venue === 'okx' ? -40_000 : -10_000;
      await assert.rejects(client.account(account), (e: unknown) => e instanceof AccountError && e.reason === 'unavailable', `${venue}: clock`);
      skew = 0;
      const wrong = new Credentials(key.apiKey, 'not-the-secret-0000000000', key.passphrase);
      assert.deepEqual(await client.verify(wrong), { ok: false, reason: 'rejected' }, `${venue}: wrong secret`);
      key.revoked = true;
      await assert.rejects(client.account(account), (e: unknown) => e instanceof AccountError && e.reason === 'key-rejected' && !e.message.includes(key.apiKey) && !e.message.includes(key.secret), `${venue}: revoked`);
    } finally {
      skew = 0;
      keyed.binanceReadOnlyReadsFutures = false;
    }
  }
  assert.ok(keyed.requests.some((r) => r.error === '-1021') && keyed.requests.some((r) => r.error === '10002') && keyed.requests.some((r) => r.error === '50102'), 'each venue refused the skewed timestamp');
});
