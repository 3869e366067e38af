import { FakeVenues } from '../test/e2e/fake-venues.ts';

/**
 * The venues' side of the streams bench, in a process of its own so the bot's CPU share is
 * measured alone: the four local venue fakes, and on request a flood of real-format frames at a
 * given rate (messages a second, over all four venues: Binance liquidations and mark prices, OKX
 * and Bybit liquidation pushes, Hyperliquid mids), paced in 5 ms slices.
 *
 * IPC: sends `{ env }` once listening; answers `{ cmd: 'flood', rate, seconds }` with
 * `{ sent: { binance, bybit, okx, hyperliquid }, ms }`.
 */
const venues = new FakeVenues();
await venues.start();

const COINS = ['BTC', 'ETH', 'SOL', 'XRP', 'DOGE', 'BNB', 'SUI', 'ADA', 'LINK', 'AVAX', 'LTC', 'TRX', 'DOT', 'BCH', 'NEAR', 'APT', 'ARB', 'OP', 'HYPE', 'ENA'];
const OKX = ['BTC-USDT-SWAP', 'ETH-USDT-SWAP', 'SOL-USDT-SWAP'];

/** One message of each kind, in turn; the shares follow the 10 Oct estimate (Binance's forceOrder the most frequent). */
function sendOne(i: number, t: number): keyof typeof counts {
  const slot = i % 20;
  const coin = COINS[i % COINS.length];
  if (slot < 9) {
    venues.binance.liquidation({ symbol: `${coin}USDT`, side: i % 10 ? 'SELL' : 'BUY', qty: 0.5, price: 100 + (i % 1000), time: t });
    return 'binance';
  }
  if (slot < 10) {
    venues.binance.markPriceUpdate(`${coin}USDT`, 100 + (i % 1000), t);
    return 'binance';
  }
  if (slot < 15) {
    venues.okx.liquidations(OKX[i % OKX.length], [{ posSide: i % 10 ? 'long' : 'short', contracts: 5, price: 100 + (i % 1000), time: t }]);
    return 'okx';
  }
  if (slot < 19) {
    venues.bybit.liquidations(`${coin}USDT`, [{ side: i % 10 ? 'Buy' : 'Sell', size: 1, price: 100 + (i % 1000), time: t }]);
    return 'bybit';
  }
  venues.hyperliquid.mids(Object.fromEntries(COINS.map((c, k) => [c, 100 + k + (i % 7)])));
  return 'hyperliquid';
}

const counts = { binance: 0, bybit: 0, okx: 0, hyperliquid: 0 };

async function onMessage(message: { cmd: string; rate: number; seconds: number }): Promise<void> {
  if (message.cmd === 'stop') {
    await venues.stop();
    process.exit(0);
  }
  if (message.cmd !== 'flood') return;
  const sent = { binance: 0, bybit: 0, okx: 0, hyperliquid: 0 };
  const start = performance.now();
  const total = Math.round(message.rate * message.seconds);
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * message.rate) + 1);
    const t = Date.now();
    for (; i < due; i++) sent[sendOne(i, t)]++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const venue of Object.keys(sent) as Array<keyof typeof sent>) counts[venue] += sent[venue];
  process.send!({ sent, ms: performance.now() - start });
}

process.on('message', (message: { cmd: string; rate: number; seconds: number }) => {
  onMessage(message).catch((error: unknown) => {
    console.error('streams feeder:', error);
    process.exit(1);
  });
});

process.send!({ env: { ...venues.env(), STREAMS_SYMBOLS: COINS.join(',') } });
