import { z } from 'zod';
import { decimalString } from '../market/schema.ts';
import type { ParsedFrame, PriceTick } from './types.ts';
import { jsonOf, malformed, type VenueStream } from './venue-stream.ts';

/**
 * Hyperliquid (`/ws`): `allMids`, every perpetual's mid price. Hyperliquid publishes no public
 * liquidation stream (its liquidations show only in the fills of the accounts involved), so this
 * stream feeds prices and its row in `/liquidations` says so instead of showing zeros.
 * https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions
 *
 * Heartbeat: the server closes a connection that sent nothing for 60 s; send `{"method":"ping"}`
 * and expect `{"channel":"pong"}`. https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/timeouts-and-heartbeats
 */
export const HYPERLIQUID_ROUTE = '/ws';

const mids = z.object({ channel: z.literal('allMids'), data: z.object({ mids: z.record(z.string(), z.string()) }) });
const channel = z.object({ channel: z.string(), data: z.unknown().optional() });
const price = decimalString;

export function hyperliquidStream(host: string, coins: readonly string[]): VenueStream {
  const watched = new Set(coins);
  return {
    venue: 'hyperliquid',
    liquidations: false,
    url: `${host}${HYPERLIQUID_ROUTE}`,
    subscribe: () => [JSON.stringify({ method: 'subscribe', subscription: { type: 'allMids' } })],
    keepalive: { intervalMs: 50_000, message: JSON.stringify({ method: 'ping' }) },
    // Mids change with every block, many times a minute.
    dataEveryMs: 1_000,
    parse: (text, now) => parseHyperliquidFrame(text, now, watched),
  };
}

export function parseHyperliquidFrame(text: string, now: number, watched?: ReadonlySet<string>): ParsedFrame {
  const json = jsonOf(text);
  const all = mids.safeParse(json);
  if (!all.success) {
    const other = channel.safeParse(json);
    if (!other.success) return malformed('hyperliquid frame');
    if (other.data.channel === 'pong') return { events: [], control: 'pong' };
    if (other.data.channel === 'subscriptionResponse') return { events: [], control: 'ack' };
    if (other.data.channel === 'error') return { events: [], error: `hyperliquid: ${typeof other.data.data === 'string' ? other.data.data : JSON.stringify(other.data.data ?? '')}`.slice(0, 200) };
    if (other.data.channel === 'allMids') return malformed('hyperliquid allMids');
    return { events: [] };
  }
  const events: PriceTick[] = [];
  let dropped = 0;
  for (const [coin, text] of Object.entries(all.data.data.mids)) {
    // Spot pairs are `@123`, builder-deployed perpetuals `dex:COIN`: neither is a main perpetual.
    if (coin.startsWith('@') || coin.includes(':') || (watched && !watched.has(coin))) continue;
    const parsed = price.safeParse(text);
    if (!parsed.success || !(parsed.data > 0)) {
      dropped++;
      continue;
    }
    events.push({ kind: 'price', venue: 'hyperliquid', symbol: coin, price: parsed.data, time: now });
  }
  return dropped > 0 ? { events, dropped, error: 'malformed hyperliquid mid' } : { events };
}
