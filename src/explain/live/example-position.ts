import { Decimal } from 'decimal.js';
import { computeLiquidation, type LiquidationResult } from '../../core/liquidation.ts';

/**
 * The illustrative position the liquidation and insurance-fund walkthroughs share: a 10x BTCUSDT
 * long of 1 BTC at 100,000 on Binance, isolated margin. Its prices come from the `/liq` calculator.
 */
export const EXAMPLE_POSITION = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  baseAsset: 'BTC',
  entryPrice: new Decimal(100_000),
  quantity: new Decimal(1),
  leverage: new Decimal(10),
  /** Same long at lower and higher leverage, to show the liquidation price moving. */
  lowerLeverage: new Decimal(5),
  higherLeverage: new Decimal(20),
} as const;

export function exampleLiquidation(
  overrides: { side?: 'long' | 'short'; leverage?: Decimal } = {},
): LiquidationResult {
  return computeLiquidation({
    venue: EXAMPLE_POSITION.venue,
    symbol: EXAMPLE_POSITION.symbol,
    side: overrides.side ?? 'long',
    entryPrice: EXAMPLE_POSITION.entryPrice,
    quantity: EXAMPLE_POSITION.quantity,
    leverage: overrides.leverage ?? EXAMPLE_POSITION.leverage,
  });
}

/** A price the calculator must produce for this example (a 10x long always has one). */
export function requirePrice(price: Decimal | null, what: string): Decimal {
  if (!price) throw new Error(`example position has no ${what}`);
  return price;
}
