import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaintenanceTable, maintenanceMargin, tierIndex } from '../../src/simulator/margin.ts';
import { resolveParams } from '../../src/simulator/params.ts';

const binance = resolveParams('2025-10-10', { positions: 1000, venue: 'binance' }).markets[0].tiers;

test('Binance BTCUSDT brackets (adl-mechanics.md §1.5): MM = notional × MMR − cum', () => {
  assert.equal(tierIndex(binance, 250_000), 0);
  assert.equal(maintenanceMargin(binance, 250_000), 1_000); // 0.4%
  // 1,000,000 sits in bracket 3: 0.65% − 1,500
  assert.equal(tierIndex(binance, 1_000_000), 2);
  assert.equal(maintenanceMargin(binance, 1_000_000), 5_000);
  // The cum recursion keeps MM continuous at a bracket floor: 300,000 × 0.4% = 300,000 × 0.5% − 300
  assert.equal(300_000 * 0.004, maintenanceMargin(binance, 300_000));
  // The flat table gives the same numbers.
  const table = new MaintenanceTable([binance]);
  for (const notional of [250_000, 300_000, 1_000_000, 50_000_000]) assert.equal(table.of(0, notional), maintenanceMargin(binance, notional));
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
