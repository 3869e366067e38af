import { z } from 'zod';

/**
 * Shared validation pieces for venue payloads: numbers arrive as strings ("0.00038246"),
 * sometimes as "" on delisted or delivery contracts. A malformed item is dropped and
 * counted; it never fails the whole venue.
 */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A decimal string → number. */
export const decimalString = z.string().regex(DECIMAL, 'not a decimal string').transform(Number);

/** A decimal string, or "" for "no value" → number | null. */
export const optionalDecimalString = z.union([z.literal(''), decimalString]).transform((v) => (v === '' ? null : v));

/** Epoch ms as a number or a numeric string. */
export const epochMs = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

export interface ItemCount {
  dropped: number;
}

/** Validates each item on its own; the ones that fail are counted in `count.dropped`. */
export function parseEach<T extends z.ZodType>(schema: T, items: unknown, count: ItemCount, what: string): Array<z.output<T>> {
  if (!Array.isArray(items)) throw new Error(`${what}: expected an array`);
  const parsed: Array<z.output<T>> = [];
  for (const item of items) {
    const result = schema.safeParse(item);
    if (result.success) parsed.push(result.data);
    else count.dropped++;
  }
  return parsed;
}

/** Strips the USD-stablecoin quote: `BTCUSDT` → `BTC`; other quotes → undefined. */
export function coinOf(instrument: string, quote: string): string | undefined {
  return instrument.endsWith(quote) && instrument.length > quote.length ? instrument.slice(0, -quote.length) : undefined;
}
