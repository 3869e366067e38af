import { z } from 'zod';
import { decimalString, epochMs } from '../market/schema.ts';
import type { LiquidationEvent, ParsedFrame } from './types.ts';
import { jsonOf, malformed, type VenueStream } from './venue-stream.ts';

/**
 * OKX v5 public stream (`/ws/v5/public`), channel `liquidation-orders` for every SWAP instrument
 * (one subscription covers the instrument type).
 *
 * - Each item: `instId`, `details[]` with `side` (the order's), `posSide` (long/short, or net),
 *   `bkPx` (bankruptcy price), `sz` in **contracts** for SWAP, `ts`. The docs call it "recent
 *   liquidation orders" that do not represent the total, pushed not necessarily in time order.
 *   https://www.okx.com/docs-v5/en/#public-data-websocket-liquidation-orders-channel
 * - Contracts → coins with the instrument's `ctVal` (okx-contracts.ts): a linear swap's `ctVal`
 *   is coins per contract; an inverse swap's is USD per contract.
 * - Heartbeat: the server drops a connection with no push for 30 s; send the text `ping` within
 *   that and expect `pong`. 480 subscribe requests per hour per connection.
 *   https://www.okx.com/docs-v5/en/#overview-websocket-connect
 */
export const OKX_ROUTE = '/ws/v5/public';

/** What a contract is worth: `linear` ctVal in coin, `inverse` ctVal in USD. */
export interface OkxContract {
  ctVal: number;
  ctType: 'linear' | 'inverse';
}

export interface OkxContracts {
  get(instId: string): OkxContract | undefined;
  /** An instrument that is not known yet (listed since the last refresh). */
  missing(instId: string): void;
}

const detail = z.object({
  side: z.enum(['buy', 'sell']),
  posSide: z.enum(['long', 'short', 'net']),
  bkPx: decimalString,
  sz: decimalString,
  ts: epochMs,
});
const item = z.object({ instId: z.string().min(1), instType: z.string().optional(), details: z.array(z.unknown()) });
const push = z.object({ arg: z.object({ channel: z.string() }), data: z.array(z.unknown()) });
const event = z.object({ event: z.string(), code: z.string().optional(), msg: z.string().optional() });

export function okxStream(host: string, contracts: OkxContracts): VenueStream {
  return {
    venue: 'okx',
    liquidations: true,
    url: `${host}${OKX_ROUTE}`,
    subscribe: () => [JSON.stringify({ id: '1', op: 'subscribe', args: [{ channel: 'liquidation-orders', instType: 'SWAP' }] })],
    keepalive: { intervalMs: 25_000, message: 'ping' },
    parse: (text) => parseOkxFrame(text, contracts),
  };
}

/** The coin of an OKX swap (`BTC-USDT-SWAP` → `BTC`). */
export const coinOfOkx = (instId: string): string | undefined => /^([A-Z0-9]+)-[A-Z]+-SWAP$/.exec(instId)?.[1];

export function parseOkxFrame(text: string, contracts: OkxContracts): ParsedFrame {
  if (text === 'pong') return { events: [], control: 'pong' };
  const json = jsonOf(text);
  const data = push.safeParse(json);
  if (!data.success) {
    const answer = event.safeParse(json);
    if (!answer.success) return malformed('okx frame');
    if (answer.data.event === 'error') return { events: [], error: `okx ${answer.data.code ?? ''}: ${answer.data.msg ?? ''}`.trim() };
    return { events: [], control: 'ack' };
  }
  if (data.data.arg.channel !== 'liquidation-orders') return { events: [] };
  const events: LiquidationEvent[] = [];
  let dropped = 0;
  for (const raw of data.data.data) {
    const parsed = item.safeParse(raw);
    if (!parsed.success) {
      dropped++;
      continue;
    }
    const symbol = coinOfOkx(parsed.data.instId);
    if (!symbol) continue; // not a swap
    const contract = contracts.get(parsed.data.instId);
    for (const rawDetail of parsed.data.details) {
      const d = detail.safeParse(rawDetail);
      if (!d.success || !(d.data.sz > 0 && d.data.bkPx > 0)) {
        dropped++;
        continue;
      }
      if (!contract) {
        // Without ctVal the size cannot be read as coins: never guessed, counted as unreadable.
        contracts.missing(parsed.data.instId);
        dropped++;
        continue;
      }
      const { side, posSide, bkPx, sz, ts } = d.data;
      const liquidated = posSide === 'net' ? (side === 'sell' ? 'long' : 'short') : posSide;
      const usd = contract.ctType === 'linear' ? sz * contract.ctVal * bkPx : sz * contract.ctVal;
      events.push({ kind: 'liquidation', venue: 'okx', symbol, side: liquidated, price: bkPx, quantity: usd / bkPx, usd, time: ts });
    }
  }
  return dropped > 0 ? { events, dropped, error: 'unreadable okx item' } : { events };
}
