import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MARKET_TABLES, marketTables } from '../../commands/simulate.ts';
import { resolveParams, VENUES, venueSpec } from '../../src/simulator/params.ts';

test("the simulator's copy of each venue's market tables matches the table shipped in data/venues, wherever one is shipped", () => {
  let compared = 0;
  for (const venue of VENUES) {
    const shipped = marketTables(venue);
    const copy = venueSpec(venue).tables;
    for (const table of MARKET_TABLES) {
      const { source, ...tiers } = copy[table];
      assert.ok(source.length > 0, `${venue} ${table} names its source`);
      if (shipped[table]) {
        assert.deepEqual(tiers, shipped[table], `${venue} ${table}`);
        compared += 1;
      }
    }
  }
  assert.ok(compared >= 5, `the shipped Binance, Bybit and Hyperliquid tables are compared (${compared})`);
});

test('each market of a run takes its own table: BTC, ETH and SOL theirs, HYPE and the alt basket the venue default', () => {
  const params = resolveParams('2025-10-10', { positions: 1_000, venue: 'hyperliquid' });
  const byId = Object.fromEntries(params.markets.map((m) => [m.id, m]));
  assert.deepEqual([byId.BTC.table, byId.ETH.table, byId.SOL.table, byId.HYPE.table, byId.ALTS.table], ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'default', 'default']);
  // Hyperliquid's docs: BTC 40x (MMR 1.25%), ETH 25x (2%), SOL 20x (2.5%).
  assert.deepEqual([byId.BTC.tiers.maxLeverage[0], byId.ETH.tiers.maxLeverage[0], byId.SOL.tiers.maxLeverage[0]], [40, 25, 20]);
  assert.deepEqual([byId.BTC.tiers.mmrs[0], byId.ETH.tiers.mmrs[0], byId.SOL.tiers.mmrs[0]], [0.0125, 0.02, 0.025]);
});
