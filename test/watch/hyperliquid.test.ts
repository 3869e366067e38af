import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VenueHttp } from '../../src/market/http.ts';
import { WeightLedger } from '../../src/market/weight-ledger.ts';
import { classifyFill, HyperliquidAccountClient } from '../../src/watch/hyperliquid.ts';
import { AccountError } from '../../src/watch/types.ts';

/**
 * The Hyperliquid account client against a local /info server answering with the real examples in
 * test/fixtures/exchange/ (sources in its README): the docs' clearinghouseState and meta, a recorded
 * 2023 account, the docs' and recorded ordinary fills, a recorded ADL fill (10 Oct 2025) and a
 * recorded backstop liquidation (both sides).
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'exchange');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const DOC_ACCOUNT = `0x${'1'.repeat(40)}`;
const RECORDED_ACCOUNT = `0x${'2'.repeat(40)}`;
const ADL_USER = '0xe92d2041199b18f611b137457f3acee8bedb22d3';
const LIQUIDATED_USER = '0x4e8ffa69c78d7a067e1795fbe16a5c80c90b6c05';
const BROKEN_ACCOUNT = `0x${'3'.repeat(40)}`;
/** Hyperliquid's liquidator vault (per the source of the liquidation example). */
const VAULT = '0xb0a55f13d22f66e6d495ac98113841b2326e9540';

let server: Server;
let baseUrl = '';
const bodies: any[] = [];

function answer(body: any): unknown {
  switch (body.type) {
    case 'clearinghouseState':
      if (body.user === DOC_ACCOUNT) return fixture('hyperliquid_clearinghouseState_doc.json');
      if (body.user === RECORDED_ACCOUNT) return fixture('hyperliquid_clearinghouseState_recorded_2023.json');
      if (body.user === BROKEN_ACCOUNT) {
        const state = fixture('hyperliquid_clearinghouseState_doc.json');
        state.assetPositions[0].position.szi = 12; // a number where the venue sends a string is fine; a missing one is not
        delete state.assetPositions[0].position.entryPx;
        return state;
      }
      return { ...fixture('hyperliquid_clearinghouseState_doc.json'), assetPositions: [] };
    case 'userFillsByTime':
      if (body.user === ADL_USER) return [...fixture('hyperliquid_userFills_doc.json'), ...fixture('hyperliquid_userFills_adl_2025-10-10.json')];
      if (body.user === LIQUIDATED_USER) return fixture('hyperliquid_userFills_liquidation_2025-06-21.json').slice(0, 1);
      if (body.user === VAULT) return fixture('hyperliquid_userFills_liquidation_2025-06-21.json').slice(1);
      return fixture('hyperliquid_userFills_recorded_2023_first3.json');
    case 'meta':
      return fixture('hyperliquid_meta_doc.json');
    default:
      return null;
  }
}

before(async () => {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body = JSON.parse(text);
    bodies.push(body);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(body)));
  };
  // A request the fake cannot read fails that request (the client sees a 500), not the test process.
  server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(ledger = new WeightLedger(1200)) {
  return new HyperliquidAccountClient(new VenueHttp({ venue: 'hyperliquid', baseUrl, maxRetries: 0, ledger: { ledger, source: 'watch' } }));
}

test('clearinghouseState (docs example): the isolated ETH long with its margin, mark, the venue liquidation price; weight 2', async () => {
  const ledger = new WeightLedger(1200);
  const state = await client(ledger).account(DOC_ACCOUNT.toUpperCase().replace('0X', '0x'));
  assert.equal(bodies.at(-1).user, DOC_ACCOUNT, 'the address is sent in lower case');
  assert.equal(state.accountValue.toString(), '13109.482328');
  assert.equal(state.crossAccountValue.toString(), '13104.514502');
  assert.equal(state.time, 1708622398623);
  const [eth] = state.positions;
  assert.equal(eth.coin, 'ETH');
  assert.equal(eth.side, 'long');
  assert.equal(eth.size.toString(), '0.0335');
  assert.equal(eth.marginMode, 'isolated');
  // positionValue / size: 100.02765 / 0.0335
  assert.equal(eth.markPrice.toString(), '2985.9');
  // marginUsed − uPnL: 4.967826 + 0.0134 (what was put up, before the loss)
  assert.equal(eth.isolatedMargin!.toString(), '4.981226');
  assert.equal(eth.liquidationPrice!.toString(), '2866.26936529');
  assert.equal(eth.leverage.toString(), '20');
  assert.equal(ledger.used(Date.now(), 'watch'), 2);
});

test('clearinghouseState (recorded 2023): cross positions both sides, `liquidationPx: null` kept as no price', async () => {
  const state = await client().account(RECORDED_ACCOUNT);
  assert.equal(state.positions.length, 12);
  const btc = state.positions.find((p) => p.coin === 'BTC')!;
  assert.equal(btc.side, 'short');
  assert.equal(btc.size.toString(), '0.00785');
  assert.equal(btc.marginMode, 'cross');
  assert.equal(btc.isolatedMargin, null);
  assert.equal(btc.liquidationPrice!.toString(), '173198.69592357');
  const eth = state.positions.find((p) => p.coin === 'ETH')!;
  assert.equal(eth.liquidationPrice, null);
});

test('an unreadable position fails the whole answer: a position is never silently left unguarded', async () => {
  await assert.rejects(client().account(BROKEN_ACCOUNT), (error: unknown) => error instanceof AccountError && error.reason === 'bad-answer');
});

test('an address that is not 0x + 40 hex never reaches the venue', async () => {
  const before = bodies.length;
  await assert.rejects(client().account('0x1234'), (error: unknown) => error instanceof AccountError && error.reason === 'refused');
  assert.equal(bodies.length, before);
});

test('forced fills: the recorded ADL fill (liquidation object of the account it absorbed, dir Auto-Deleveraging) is an ADL of a short', async () => {
  const ledger = new WeightLedger(1200);
  const page = await client(ledger).fills(ADL_USER, 1_760_000_000_000);
  assert.equal(bodies.at(-1).type, 'userFillsByTime');
  assert.equal(bodies.at(-1).startTime, 1_760_000_000_000);
  assert.equal(page.count, 3, 'two ordinary fills of the docs example, one ADL');
  assert.equal(page.fills.length, 1);
  const [fill] = page.fills;
  assert.equal(fill.kind, 'adl');
  assert.equal(fill.coin, 'AVAX');
  assert.equal(fill.side, 'short', 'startPosition -28.53: a short was closed');
  assert.equal(fill.size.toString(), '28.53');
  assert.equal(fill.price.toString(), '22.075');
  assert.equal(fill.markPrice!.toString(), '22.025');
  assert.equal(fill.closedPnl!.toString(), '194.275035');
  assert.equal(fill.time, 1760130964831);
  assert.equal(fill.method, 'backstop');
  assert.equal(fill.id, '1760130964831:AVAX:771334864158847', 'coin and time make the trade id unique');
  assert.equal(page.newestTime, 1760130964831);
  assert.equal(page.truncated, false);
  assert.equal(ledger.used(Date.now(), 'watch'), 20, '20 per call, +1 per 20 fills returned');
});

test('forced fills: in a recorded backstop liquidation the liquidated user gets a liquidation; the vault on the other side gets nothing', async () => {
  const page = await client().fills(LIQUIDATED_USER, 0);
  assert.equal(page.count, 1);
  const [fill] = page.fills;
  assert.equal(fill.kind, 'liquidation');
  assert.equal(fill.side, 'long');
  assert.equal(fill.closedPnl!.toString(), '-9.94483');
  assert.equal(fill.markPrice!.toString(), '2323.3');
  const vaultPage = await client().fills(VAULT, 0);
  assert.equal(vaultPage.count, 1);
  assert.deepEqual(vaultPage.fills, [], 'the vault took the other side of someone else: an ordinary fill for it');
});

test('forced fills: `dir` decides when a fill has no liquidation object; ordinary fills are not events', async () => {
  assert.equal(classifyFill({ dir: 'Auto-Deleveraging' }, DOC_ACCOUNT), 'adl');
  assert.equal(classifyFill({ dir: 'Liquidated Cross Long' }, DOC_ACCOUNT), 'liquidation');
  assert.equal(classifyFill({ dir: 'Close Long' }, DOC_ACCOUNT), null);
  for (const fill of [...fixture('hyperliquid_userFills_doc.json'), ...fixture('hyperliquid_userFills_recorded_2023_first3.json')]) {
    assert.equal(classifyFill(fill, DOC_ACCOUNT), null, fill.dir);
  }
  const page = await client().fills(DOC_ACCOUNT, 0);
  assert.deepEqual(page.fills, []);
  assert.equal(page.count, 3);
});

test('margin tables from meta (docs example): table 51 is tiered 10x → 5x above 3M with the documented deduction; an asset without a table gets its max leverage; kept an hour', async () => {
  const doc = fixture('hyperliquid_meta_doc.json');
  const ledger = new WeightLedger(1200);
  const c = client(ledger);
  const btc = await c.rulesFor('BTC');
  assert.equal(btc!.tiers.length, 1);
  assert.equal(btc!.tiers[0].maxLeverage?.toString(), '50');
  assert.equal(btc!.tiers[0].mmr.toString(), '0.01', '1 / (2 × 50)');
  assert.equal(btc!.symbol, 'BTCUSDT');
  assert.equal(await c.rulesFor('DOGE'), undefined, 'a coin the venue does not list: no table, no guess');
  assert.equal(ledger.used(Date.now(), 'watch'), 20, 'meta read once for both');
  // Table 51 as the docs give it, attached to an asset: mmr 5% then 10% above 3,000,000; deduction 3M × 5% = 150,000.
  const tiered = { ...doc, universe: [{ name: 'XYZ', szDecimals: 1, maxLeverage: 10, marginTableId: 51 }] };
  const { parseHyperliquidMeta } = await import('../../src/market/tiers/hyperliquid.ts');
  const rules = parseHyperliquidMeta(tiered, 'XYZ', 'XYZUSDT', new Date(0).toISOString());
  assert.deepEqual(
    rules.tiers.map((t) => [t.floor.toString(), t.cap?.toString() ?? null, t.mmr.toString(), t.maintenanceAmount.toString()]),
    [
      ['0', '3000000', '0.05', '0'],
      ['3000000', null, '0.1', '150000'],
    ],
  );
});
