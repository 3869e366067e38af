import type { Lang } from '../chat/command.ts';
import type { UserError } from '../chat/errors.ts';
import type { ReaderPosition } from './payload.ts';

/** Venues a reader's position can be on (the ADL calculator's venues). */
export const EXPLAIN_VENUES: readonly string[] = ['binance', 'bybit', 'okx', 'bitmex', 'hyperliquid', 'dydx'];

/** A calculator refusing the reader's position, as a UserError; undefined for anything else. */
export function positionError(_error: unknown, _position: ReaderPosition, _lang: Lang): UserError | undefined {
  return undefined;
}
