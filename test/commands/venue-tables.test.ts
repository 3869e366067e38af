import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { Lang, ParsedArgs } from '../../src/chat/command.ts';
import { UserError } from '../../src/chat/errors.ts';
import { parseChatText } from '../../src/chat/options.ts';
import { loadConfig } from '../../src/config.ts';
import type { VenueId } from '../../src/core/venues.ts';
import { createVenueTableService } from '../../src/market/tiers/factory.ts';
import type { HttpClock } from '../../src/market/http.ts';
import { openDatabase } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';
import { adlRankCommand } from '../../commands/adl-rank.ts';
import { liqCommand } from '../../commands/liq.ts';
import { VENUE_TABLES } from '../../commands/position-args.ts';
import { distinctTables, startFakeVenueTiers, type FakeVenueTiers } from '../support/fake-venue-tiers.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';

const d = (value: Decimal.Value) => new Decimal(value);
const VENUES: VenueId[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx'];
const PRICES: Record<string, number> = { BTC: 100_000, ETH: 4_000, DOGE: 0.2 };

function contextWithFake(fake: FakeVenueTiers, lang: Lang = 'en') {
  const clock: HttpClock = { now: () => Date.parse('2026-12-04T12:00:00Z'), sleep: async () => {}, random: () => 0.5 };
  const config = loadConfig({
    BYBIT_BASE_URL: fake.urls.bybit, OKX_BASE_URL: fake.urls.okx, HYPERLIQUID_BASE_URL: fake.urls.hyperliquid,
    BITMEX_BASE_URL: fake.urls.bitmex, DYDX_BASE_URL: fake.urls.dydx, TIER_TABLES_TIMEOUT_MS: '2000',
  });
  const db = openDatabase(':memory:');
  const logger = { warn: () => {}, child: () => logger } as never;
  const services = makeTestServices({ preferences: new PreferencesRepository(db) }).with(VENUE_TABLES, createVenueTableService(config, db, logger, clock));
  return makeTestContext({ lang, services, now: new Date('2026-12-04T12:00:00Z') });
}

/** The MMR the fake serves for the first tier (Hyperliquid serves leverage: maintenance is half of 1/max). */
function fakeFirstMmr(fake: FakeVenueTiers, venue: VenueId, coin: string): string {
  const tier = fake.tables[venue as 'bybit']![coin].tiers[0];
  // reply.data keeps 8 decimals.
  return (venue === 'hyperliquid' ? new Decimal(1).div(2 * tier.maxLeverage) : new Decimal(tier.mmr)).toDecimalPlaces(8).toFixed();
}

async function answer(command: typeof liqCommand, args: ParsedArgs, ctx: ReturnType<typeof makeTestContext>) {
  try {
    return { reply: await command.run(args, ctx) };
  } catch (error) {
    assert.ok(error instanceof UserError, String(error));
    return { error };
  }
}

test('every venue × BTC, ETH, DOGE: liq and adl-rank follow the local fake\'s tiers for that symbol, or ask for the MMR (Binance, no public table)', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    const ctx = contextWithFake(fake);
    for (const venue of VENUES) {
      for (const coin of ['BTC', 'ETH', 'DOGE']) {
        const price = PRICES[coin];
        // A small position: tier 1 everywhere, 5x (within every fake tier's max).
        const position = { venue, side: 'short', entry: d(price), qty: d(1000).div(price), leverage: d(5), symbol: coin };
        const liq = await answer(liqCommand, position, ctx);
        const adl = await answer(adlRankCommand, { ...position, mark: d(price * 0.9) }, ctx);
        for (const [name, result] of [['liq', liq], ['adl-rank', adl]] as const) {
          const label = `${name} ${venue} ${coin}`;
          if (venue === 'binance') {
            if (coin === 'BTC') {
              assert.equal((result.reply!.data!.table as any).source, 'shipped', label);
              assert.equal((result.reply!.data!.table as any).symbol, 'BTCUSDT', label);
            } else {
              assert.equal(result.error?.key, 'liq.error.table-missing', label);
              const message = ctx.t(result.error.key, result.error.params);
              assert.match(message, new RegExp(`No ${coin}USDT tier table`), label);
              assert.match(message, /in place of RATE and AMOUNT/, label);
              assert.match(String(result.error.hintParams!.command), /--mmr RATE% --cum AMOUNT$/, label);
              assert.match(message, /Leverage & Margin/, `${label}: where to find it`);
            }
            continue;
          }
          assert.ok(result.reply, `${label}: ${result.error && ctx.t(result.error.key, result.error.params)}`);
          const data = result.reply.data!;
          const table = data.table as Record<string, unknown>;
          assert.equal(table.source, 'venue', label);
          assert.equal(table.symbol, `${coin}USDT`, label);
          if (name === 'liq') assert.equal(data.mmr, fakeFirstMmr(fake, venue, coin), label);
          assert.match(result.reply.footer ?? '', new RegExp(`own ${coin}USDT table, fetched 2026-12-04`), label);
        }
      }
    }
  } finally {
    await fake.close();
  }
});

test('with fetching off, BTC and ETH answer from the dated shipped tables where there is one, DOGE asks everywhere', async () => {
  const ctx = makeTestContext({ services: makeTestServices() });
  const shipped: Record<string, string[]> = { binance: ['BTC'], bybit: ['BTC'], hyperliquid: ['BTC', 'ETH'] };
  for (const venue of VENUES) {
    for (const coin of ['BTC', 'ETH', 'DOGE']) {
      const price = PRICES[coin];
      const result = await answer(liqCommand, { venue, side: 'long', entry: d(price), qty: d(1000).div(price), leverage: d(5), symbol: coin }, ctx);
      if (shipped[venue]?.includes(coin)) {
        assert.equal((result.reply!.data!.table as any).source, 'shipped', `${venue} ${coin}`);
        assert.match(result.reply!.footer ?? '', new RegExp(`${coin}USDT table`), `${venue} ${coin}`);
      } else {
        assert.equal(result.error?.key, 'liq.error.table-missing', `${venue} ${coin}`);
      }
      // With the MMR from the venue's screen it answers, and says the numbers are the user's.
      const typed = await liqCommand.run({ venue, side: 'long', entry: d(price), qty: d(1000).div(price), leverage: d(5), symbol: coin, mmr: '0.5%', cum: '0' }, ctx);
      assert.equal((typed.data!.table as any).source, 'user');
      assert.match(typed.footer ?? '', /your own maintenance rate and amount/);
    }
  }
});

test('the ask is in Vietnamese too, with where to look and a form the parser accepts', async () => {
  const ctx = makeTestContext({ lang: 'vi', platform: 'telegram' });
  const result = await answer(liqCommand, { venue: 'okx', side: 'long', entry: d(4000), qty: d(1), leverage: d(5), symbol: 'ETH' }, ctx);
  const message = ctx.t(result.error!.key, result.error!.params);
  assert.match(message, /Chưa có bảng bậc ETHUSDT của OKX hợp đồng vĩnh cửu ký quỹ USDT/);
  // Placeholders, never a stand-in number; the user's two numbers in their place parse as Vietnamese numbers.
  assert.match(message, /thay cho TỶ_LỆ và SỐ_TIỀN/);
  assert.doesNotMatch(message, /mmr=\d/);
  assert.match(message, /bảng bậc vị thế/);
  const command = String(result.error!.hintParams!.command);
  assert.match(command, /mmr=TỶ_LỆ% cum=SỐ_TIỀN$/);
  const filled = parseChatText(liqCommand, command.replace(/^\/liq /, '').replace('TỶ_LỆ', '0,75').replace('SỐ_TIỀN', '12,5'), 'vi');
  assert.equal(String(filled.mmr), '0.0075');
  assert.equal(String(filled.cum), '12.5');
});

test('OKX contracts: `contracts=50` with the fake\'s ctVal 0.01 is 0.5 BTC, and the reply shows both', async () => {
  const fake = await startFakeVenueTiers(distinctTables());
  try {
    for (const lang of ['en', 'vi'] as const) {
      const ctx = contextWithFake(fake, lang);
      const reply = await liqCommand.run({ venue: 'okx', side: 'long', entry: d(100_000), contracts: d(50), leverage: d(10) }, ctx);
      assert.equal(reply.data!.quantity, '0.5');
      assert.equal(reply.data!.contracts, '50');
      assert.equal(reply.data!.contractSize, '0.01');
      const position = (reply.blocks[0] as any).fields.find((f: any) => /Position|Vị thế/.test(f.label)).value;
      assert.match(position, lang === 'en' ? /^50 contracts = 0\.5 BTC/ : /^50 hợp đồng = 0,5 BTC/);
    }
    const ctx = contextWithFake(fake);
    await assert.rejects(async () => liqCommand.run({ venue: 'okx', side: 'long', entry: d(100_000), contracts: d('50.05'), leverage: d(10) }, ctx), (e: unknown) => e instanceof UserError && e.key === 'liq.error.contracts-lot');
    await assert.rejects(async () => liqCommand.run({ venue: 'bybit', side: 'long', entry: d(100_000), contracts: d(50), leverage: d(10) }, ctx), (e: unknown) => e instanceof UserError && e.key === 'liq.error.contracts-not-used');
    // BitMEX sizes in contracts as well (1 contract = 0.000001 XBT in the fake).
    const bitmex = await liqCommand.run({ venue: 'bitmex', side: 'long', entry: d(100_000), contracts: d(500_000), leverage: d(10) }, ctx);
    assert.equal(bitmex.data!.quantity, '0.5');
  } finally {
    await fake.close();
  }
});

test('cross margin with a wallet below the initial margin: JSON leverage is notional ÷ wallet, leverageRequested what was typed, and the reply says why', async () => {
  for (const lang of ['en', 'vi'] as const) {
    const reply = await liqCommand.run(
      { venue: 'binance', side: 'long', entry: d(122_000), qty: d(1), leverage: d(20), mode: 'cross', wallet: d(4000) },
      makeTestContext({ lang }),
    );
    assert.equal(reply.data!.leverage, '30.5');
    assert.equal(reply.data!.leverageRequested, '20');
    const text = reply.blocks.find((b) => b.kind === 'text');
    assert.match((text as any).text, lang === 'en' ? /In cross margin the wallet, not the leverage setting.*30\.5x/s : /ký quỹ chéo, số dư ví.*30,5x/s);
  }
  const ctx = makeTestContext();
  await assert.rejects(
    async () => liqCommand.run({ venue: 'binance', side: 'long', entry: d(122_000), qty: d(1), leverage: d(20), mode: 'cross', wallet: d(1000) }, ctx),
    (e: unknown) => e instanceof UserError && e.key === 'liq.error.wallet-too-small' && /at least 1220\.00|1,220/.test(ctx.t(e.key, e.params)),
  );
});

test('adl-rank all refuses a typed mmr (it belongs to one venue\'s screen)', async () => {
  const ctx = makeTestContext();
  await assert.rejects(
    async () => adlRankCommand.run({ venue: 'all', side: 'short', entry: d(122_000), mark: d(102_000), qty: d(1), leverage: d(20), mmr: d('0.005') }, ctx),
    (e: unknown) => e instanceof UserError && e.key === 'liq.error.mmr-one-venue',
  );
});

test('asking for the MMR, the hint is the user\'s own command again with mmr and cum, as their face types it', async () => {
  const args = { venue: 'okx', side: 'short', entry: d(4000), contracts: d(30), leverage: d(10), symbol: 'ETH' };
  const cases: Array<[string, Lang, string]> = [
    ['telegram', 'en', '/liq okx short 4000 leverage=10 symbol=ETH contracts=30 mmr=RATE% cum=AMOUNT'],
    ['cli', 'vi', 'npm run -s cli -- liq --venue okx --side short --entry 4000 --leverage 10 --symbol ETH --contracts 30 --mmr TỶ_LỆ% --cum SỐ_TIỀN'],
  ];
  for (const [platform, lang, expected] of cases) {
    const result = await answer(liqCommand, args, makeTestContext({ platform, lang, services: makeTestServices() }));
    assert.equal(result.error?.key, 'liq.error.table-missing');
    assert.equal(result.error?.hintKey, 'liq.hint.retry');
    assert.equal(result.error?.hintParams?.command, expected, platform);
  }
});
