import { z } from 'zod';
import { bybitAdlRisk } from '../market/bybit.ts';
import { decimalString } from '../market/schema.ts';
import type { AdlFlag, LiquidationEvent, ParsedFrame } from './types.ts';
import { coinOfLinear, jsonOf, malformed, usdtInstrument, type VenueStream } from './venue-stream.ts';

/**
 * Bybit v5 public linear stream (`/v5/public/linear`): `allLiquidation.{symbol}` for the watched
 * coins (one topic per symbol, pushed every 500 ms) and `adlAlert.USDT` (every second).
 *
 * - `allLiquidation`: `S` is the side of the liquidated *position*: `Buy` = a long was liquidated
 *   (the opposite of Binance's order side); `v` size in coin, `p` bankruptcy price.
 *   https://bybit-exchange.github.io/docs/v5/websocket/public/all-liquidation
 * - `adlAlert`: ADL risk when `b > adl_tt` and `pr < i_pr`, or `b ≤ 0` (the REST rule of
 *   src/market/bybit.ts). The doc example sends numbers where its table says strings: both are read.
 *   https://bybit-exchange.github.io/docs/v5/websocket/public/adl-alert
 * - Heartbeat: send `{"op":"ping"}` every 20 s; the server cuts a connection after 10 minutes
 *   without a ping or data. Subscription arguments: at most 21,000 characters per connection.
 *   https://bybit-exchange.github.io/docs/v5/ws/connect
 */
export const BYBIT_ROUTE = '/v5/public/linear';
/** Topics per subscribe request: small requests keep each answer tied to a few topics. */
const TOPICS_PER_REQUEST = 10;

const liquidation = z.object({ T: z.number().int().nonnegative(), s: z.string().min(1), S: z.enum(['Buy', 'Sell']), v: decimalString, p: decimalString });
const numeric = z.union([z.number(), decimalString]);
const adlItem = z.object({ s: z.string().min(1), b: numeric, i_pr: numeric, pr: numeric, adl_tt: numeric, adl_sr: numeric });
const push = z.object({ topic: z.string(), ts: z.number().int().optional(), data: z.unknown() });
const reply = z.object({ op: z.string(), success: z.boolean().optional(), ret_msg: z.string().optional() });

export function bybitStream(host: string, coins: readonly string[]): VenueStream {
  const watched = new Set(coins);
  const topics = [...coins.map((coin) => `allLiquidation.${usdtInstrument(coin)}`), 'adlAlert.USDT'];
  return {
    venue: 'bybit',
    liquidations: true,
    url: `${host}${BYBIT_ROUTE}`,
    subscribe: () => {
      const frames: string[] = [];
      for (let i = 0; i < topics.length; i += TOPICS_PER_REQUEST) {
        frames.push(JSON.stringify({ op: 'subscribe', req_id: `sub-${i / TOPICS_PER_REQUEST + 1}`, args: topics.slice(i, i + TOPICS_PER_REQUEST) }));
      }
      return frames;
    },
    keepalive: { intervalMs: 20_000, message: JSON.stringify({ op: 'ping' }) },
    // adlAlert pushes every second.
    dataEveryMs: 1_000,
    parse: (text, now) => parseBybitFrame(text, now, watched),
  };
}

export function parseBybitFrame(text: string, now: number, watched?: ReadonlySet<string>): ParsedFrame {
  const json = jsonOf(text);
  const data = push.safeParse(json);
  if (!data.success) {
    const answer = reply.safeParse(json);
    if (!answer.success) return malformed('bybit frame');
    const { op, success, ret_msg } = answer.data;
    if (op === 'ping' || op === 'pong' || ret_msg === 'pong') return { events: [], control: 'pong' };
    if (success === false) return { events: [], error: `bybit ${op}: ${ret_msg ?? 'refused'}` };
    return { events: [], control: 'ack' };
  }
  const { topic } = data.data;
  const items = Array.isArray(data.data.data) ? data.data.data : [data.data.data];
  let dropped = 0;
  if (topic.startsWith('allLiquidation.')) {
    const events: LiquidationEvent[] = [];
    for (const item of items) {
      const parsed = liquidation.safeParse(item);
      const symbol = parsed.success ? coinOfLinear(parsed.data.s) : undefined;
      if (!parsed.success || !symbol || !(parsed.data.v > 0 && parsed.data.p > 0)) {
        dropped++;
        continue;
      }
      const { T, S, v, p } = parsed.data;
      events.push({ kind: 'liquidation', venue: 'bybit', symbol, side: S === 'Buy' ? 'long' : 'short', price: p, quantity: v, usd: v * p, time: T });
    }
    return dropped > 0 ? { events, dropped, error: 'malformed bybit item' } : { events };
  }
  if (topic.startsWith('adlAlert.')) {
    const events: AdlFlag[] = [];
    const time = data.data.ts ?? now;
    for (const item of items) {
      const parsed = adlItem.safeParse(item);
      if (!parsed.success) {
        dropped++;
        continue;
      }
      const symbol = coinOfLinear(parsed.data.s);
      if (!symbol || (watched && !watched.has(symbol))) continue;
      const { b, i_pr, pr, adl_tt, adl_sr } = parsed.data;
      const risk = bybitAdlRisk({ symbol: parsed.data.s, balance: b, insurancePnlRatio: i_pr, pnlRatio: pr, adlTriggerThreshold: adl_tt, adlStopRatio: adl_sr });
      events.push({ kind: 'adl', venue: 'bybit', symbol, risk, time });
    }
    return dropped > 0 ? { events, dropped, error: 'malformed bybit item' } : { events };
  }
  return { events: [] };
}
