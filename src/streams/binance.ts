import { z } from 'zod';
import { decimalString } from '../market/schema.ts';
import type { LiquidationEvent, ParsedFrame, PriceTick } from './types.ts';
import { coinOfLinear, jsonOf, malformed, usdtInstrument, type VenueStream } from './venue-stream.ts';

/**
 * Binance USDⓈ-M futures, one combined-stream connection on the `/market` route:
 * `!forceOrder@arr` (every symbol's liquidations) and `<symbol>@markPrice@1s` for the watched coins.
 *
 * - Route: since 2026 Binance serves market streams under `/market` (`/public` is depth and book
 *   ticker, `/private` user data); the legacy path accepts the subscription and then stays silent.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * - `!forceOrder@arr` pushes at most the latest liquidation per symbol per 1000 ms, so totals built
 *   from it are a lower bound. `o.S` is the liquidation order's side: SELL closes a long.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams
 *   (the all-market `!forceOrder@arr` stream pushes the same payload for every symbol)
 * - Since the 2026 merge of USDⓈ-M and COIN-M streams each payload carries `st` (1 = USDⓈ-M,
 *   2 = COIN-M, whose quantities are contracts, not coins); COIN-M items are left out.
 * - Heartbeat: the server pings every 3 minutes and disconnects after 10 minutes without a pong
 *   (`ws` answers pings itself); unsolicited pings from the client are answered with pongs too.
 *   A connection lives at most 24 hours. At most 10 incoming messages a second per connection
 *   (pings included), 1024 streams per connection.
 */
export const BINANCE_ROUTE = '/market/stream';

const order = z.object({
  s: z.string().min(1),
  S: z.enum(['BUY', 'SELL']),
  q: decimalString,
  p: decimalString,
  ap: decimalString.optional(),
  z: decimalString.optional(),
  T: z.number().int().nonnegative(),
});
const forceOrder = z.object({ e: z.literal('forceOrder'), E: z.number().int(), o: order, st: z.number().int().optional() });
const markPrice = z.object({ e: z.literal('markPriceUpdate'), E: z.number().int(), s: z.string().min(1), p: decimalString, st: z.number().int().optional() });
const envelope = z.object({ stream: z.string(), data: z.unknown() });

export function binanceStream(host: string, coins: readonly string[]): VenueStream {
  const streams = ['!forceOrder@arr', ...coins.map((coin) => `${usdtInstrument(coin).toLowerCase()}@markPrice@1s`)];
  return {
    venue: 'binance',
    liquidations: true,
    url: `${host}${BINANCE_ROUTE}?streams=${streams.join('/')}`,
    subscribe: () => [],
    // A ping frame a minute: well inside the 10 messages/s, and an answer proves the link alive.
    keepalive: { intervalMs: 60_000 },
    // The watched coins' mark prices arrive every second.
    ...(coins.length > 0 ? { dataEveryMs: 1_000 } : {}),
    parse: parseBinanceFrame,
  };
}

export function parseBinanceFrame(text: string): ParsedFrame {
  const frame = envelope.safeParse(jsonOf(text));
  if (!frame.success) {
    const reply = jsonOf(text) as { result?: unknown; id?: unknown; code?: number; msg?: string } | undefined;
    if (reply && 'id' in reply && 'result' in reply) return { events: [], control: 'ack' };
    if (reply && typeof reply.code === 'number') return { events: [], error: `binance ${reply.code}: ${reply.msg ?? ''}`.trim() };
    return malformed('binance frame');
  }
  const { stream, data } = frame.data;
  // The all-market stream sends one event per frame; `@arr` with an array is accepted too.
  const items = Array.isArray(data) ? data : [data];
  const events: Array<LiquidationEvent | PriceTick> = [];
  let dropped = 0;
  for (const item of items) {
    if (stream.includes('forceOrder')) {
      const parsed = forceOrder.safeParse(item);
      if (!parsed.success) {
        dropped++;
        continue;
      }
      const { o, st } = parsed.data;
      const symbol = coinOfLinear(o.s);
      if (st === 2 || !symbol) continue; // COIN-M (contracts) or a delivery contract
      const price = o.ap && o.ap > 0 ? o.ap : o.p;
      const quantity = o.z && o.z > 0 ? o.z : o.q;
      if (!(price > 0 && quantity > 0)) {
        dropped++;
        continue;
      }
      events.push({ kind: 'liquidation', venue: 'binance', symbol, side: o.S === 'SELL' ? 'long' : 'short', price, quantity, usd: price * quantity, time: o.T });
    } else if (stream.includes('markPrice')) {
      const parsed = markPrice.safeParse(item);
      const symbol = parsed.success ? coinOfLinear(parsed.data.s) : undefined;
      if (!parsed.success || !symbol || !(parsed.data.p > 0)) {
        dropped++;
        continue;
      }
      if (parsed.data.st === 2) continue;
      events.push({ kind: 'price', venue: 'binance', symbol, price: parsed.data.p, time: parsed.data.E });
    }
  }
  return dropped > 0 ? { events, dropped, error: 'malformed binance item' } : { events };
}
