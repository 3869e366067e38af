import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaintenanceTable, maintenanceMargin, tierIndex } from '../../src/simulator/margin.ts';
import { resolveParams } from '../../src/simulator/params.ts';

const binance = resolveParams('2025-10-10', { positions: 1000, venue: 'binance' }).markets[0].tiers;

test("Binance BTCUSDT brackets (Binance's announcement of 22 Jun 2021, shipped in data/venues): MM = notional × MMR − cum", () => {
  assert.equal(tierIndex(binance, 40_000), 0);
  assert.equal(maintenanceMargin(binance, 40_000), 160); // 0.4%
  // 1,000,000 opens bracket 4: 2.5% − 16,300
  assert.equal(tierIndex(binance, 1_000_000), 3);
  assert.equal(maintenanceMargin(binance, 1_000_000), 8_700);
  // The cum recursion keeps MM continuous at a bracket floor: 250,000 × 0.5% − 50 = 250,000 × 1% − 1,300
  assert.equal(250_000 * 0.005 - 50, maintenanceMargin(binance, 250_000));
  // The flat table gives the same numbers.
  const table = new MaintenanceTable([binance]);
  for (const notional of [40_000, 250_000, 1_000_000, 50_000_000]) assert.equal(table.of(0, notional), maintenanceMargin(binance, notional));
});

test('at the liquidation price, equity equals the maintenance margin of the notional there', () => {
  const table = new MaintenanceTable([binance]);
  const entry = 122_500;
  for (const [side, quantity, cash] of [
    [1, 2, 20_000],
    [-1, 2, 20_000],
    [1, 40, 400_000],
    [-1, 120, 1_500_000],
  ] as const) {
    const price = table.liquidationPrice(0, side, quantity, cash, entry);
    const equityThere = cash + side * quantity * (price - entry);
    assert.ok(Math.abs(equityThere - maintenanceMargin(binance, quantity * price)) < 1e-6, `side ${side} q ${quantity}`);
    assert.ok(side > 0 ? price < entry : price > entry);
  }
});

test('a long below 1x leverage can never be liquidated', () => {
  assert.ok(Number.isNaN(new MaintenanceTable([binance]).liquidationPrice(0, 1, 1, 200_000, 122_500)));
});
