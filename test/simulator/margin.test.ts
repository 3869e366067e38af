import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liquidationPrice, maintenanceMargin, tierIndex } from '../../src/simulator/margin.ts';
import { resolveParams } from '../../src/simulator/params.ts';

const binance = resolveParams('2025-10-10', { positions: 1000 }).tiers;

test('Binance BTCUSDT brackets (adl-mechanics.md §1.5): MM = notional × MMR − cum', () => {
  assert.equal(tierIndex(binance, 250_000), 0);
  assert.equal(maintenanceMargin(binance, 250_000), 1_000); // 0.4%
  // 1,000,000 sits in bracket 3: 0.65% − 1,500
  assert.equal(tierIndex(binance, 1_000_000), 2);
  assert.equal(maintenanceMargin(binance, 1_000_000), 5_000);
  // The cum recursion keeps MM continuous at a bracket floor: 300,000 × 0.4% = 300,000 × 0.5% − 300
  assert.equal(300_000 * 0.004, maintenanceMargin(binance, 300_000));
});

test('at the liquidation price, equity equals the maintenance margin of the notional there', () => {
  const startPrice = 122_500;
  for (const [side, quantity, equity] of [
    [1, 2, 20_000],
    [-1, 2, 20_000],
    [1, 40, 400_000],
    [-1, 120, 1_500_000],
  ] as const) {
    const price = liquidationPrice(binance, side, quantity, equity, startPrice);
    const equityThere = equity + side * quantity * (price - startPrice);
    assert.ok(Math.abs(equityThere - maintenanceMargin(binance, quantity * price)) < 1e-6, `side ${side} q ${quantity}`);
    assert.ok(side > 0 ? price < startPrice : price > startPrice);
  }
});

test('a long below 1x leverage can never be liquidated', () => {
  assert.ok(Number.isNaN(liquidationPrice(binance, 1, 1, 200_000, 122_500)));
});
