import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';
import { projectPath } from '../../src/paths.ts';
import type { Venue } from '../../src/market/types.ts';

/**
 * Local stand-ins for the four venues' public websockets on 127.0.0.1, each speaking its venue's
 * protocol: Binance's combined stream on the `/market` route (a legacy path is accepted and stays
 * silent, as Binance's does since 2026) with server pings, Bybit's subscribe/ping ops and
 * `allLiquidation`/`adlAlert` topics, OKX's subscribe event, text `ping`/`pong` and
 * `liquidation-orders` (plus its REST instruments list for ctVal), Hyperliquid's `allMids`.
 * Pushes are cloned from the real examples in test/fixtures/streams.
 *
 * Faults a test can play: `drop()` (connections cut), `silence()` (open but nothing more: no
 * data, no pong), `malformed()` (broken frames), `lifetimeMs` (the venue closes every connection
 * after that long, as Binance does after 24 h), and floods (many pushes at once).
 */
const fixture = (name: string): any => JSON.parse(readFileSync(projectPath('test', 'fixtures', 'streams', name), 'utf8'));
const clone = <T>(value: T): T => structuredClone(value);

export interface FakeClient {
  ws: WebSocket;
  path: string;
  /** Topics / streams it subscribed to. */
  topics: Set<string>;
  silent: boolean;
  pingsReceived: number;
  openedAt: number;
}

abstract class FakeVenueServer {
  abstract readonly venue: Venue;
  readonly clients = new Set<FakeClient>();
  /** Connections accepted since start. */
  connections = 0;
  /** Items pushed (liquidations, prices, flags), counted once per push whoever received it. */
  itemsSent = 0;
  /** Client messages received (subscriptions, pings). */
  readonly received: string[] = [];
  /** Close each connection this long after it opened (the venue's scheduled cut). */
  lifetimeMs: number | undefined;
  private server?: Server;
  private wss?: WebSocketServer;
  private timers = new Set<NodeJS.Timeout>();

  async start(): Promise<void> {
    const server = createServer((req, res) => this.http(req, res));
    const wss = new WebSocketServer({ server, autoPong: false });
    wss.on('connection', (ws, req) => this.accept(ws, req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.wss = wss;
  }

  get host(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `ws://127.0.0.1:${port}`;
  }

  get httpRoot(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const client of this.clients) client.ws.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Open connections that subscribed (or, for Binance, connected on the right route). */
  get live(): FakeClient[] {
    return [...this.clients].filter((c) => c.topics.size > 0);
  }

  /** Resolves once `count` connections are subscribed. */
  async waitForSubscribed(count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.live.length < count) {
      if (Date.now() > deadline) throw new Error(`fake ${this.venue}: ${this.live.length} subscribed connections, wanted ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Resolves once `total` connections were accepted since start. */
  async waitForConnections(total: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections < total) {
      if (Date.now() > deadline) throw new Error(`fake ${this.venue}: ${this.connections} connections, wanted ${total}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Cuts every connection without a close handshake (a network drop). */
  drop(): void {
    for (const client of this.clients) client.ws.terminate();
  }

  /** The open connections stay open but say nothing more: no data, no pong. */
  silence(): void {
    for (const client of this.clients) client.silent = true;
  }

  /** Sends these frames as they are to every open connection. */
  malformed(...frames: string[]): void {
    for (const client of this.live) for (const frame of frames) client.ws.send(frame);
  }

  /** Sends a frame to the connections subscribed to `topic` (`items`: what it carries, for the counters). */
  push(topic: string, frame: unknown, items = 1): void {
    this.send(topic, frame, items);
  }

  protected send(topic: string, frame: unknown, items = 1): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    let delivered = false;
    for (const client of this.clients) {
      if (client.silent || !client.topics.has(topic)) continue;
      client.ws.send(text);
      delivered = true;
    }
    if (delivered) this.itemsSent += items;
  }

  protected reply(client: FakeClient, frame: unknown): void {
    if (!client.silent) client.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  protected abstract onText(client: FakeClient, text: string): void;
  protected onOpen(_client: FakeClient, _req: IncomingMessage): void {}
  protected http(_req: IncomingMessage, res: import('node:http').ServerResponse): void {
    res.writeHead(404).end();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    this.connections++;
    const client: FakeClient = { ws, path: req.url ?? '/', topics: new Set(), silent: false, pingsReceived: 0, openedAt: Date.now() };
    this.clients.add(client);
    ws.on('message', (data) => {
      const text = (data as Buffer).toString();
      this.received.push(text);
      if (!client.silent) this.onText(client, text);
    });
    ws.on('ping', (data) => {
      client.pingsReceived++;
      if (!client.silent) ws.pong(data);
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => undefined);
    if (this.lifetimeMs !== undefined) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        ws.close(1001, 'connection lifetime reached');
      }, this.lifetimeMs);
      this.timers.add(timer);
    }
    this.onOpen(client, req);
  }
}

/** Binance USDⓈ-M: `/market/stream?streams=a/b` combined streams; server ping frames. */
export class FakeBinanceStream extends FakeVenueServer {
  readonly venue = 'binance' as const;
  /** Server pings every this often (Binance: 3 min); unanswered for `pongTimeoutMs`, the connection is closed. */
  pingEveryMs: number | undefined;
  pongTimeoutMs = 600_000;
  private readonly forceOrder = fixture('binance_forceOrder_arr_ws_connector_v37_postCM.json');
  private readonly markPrice = fixture('binance_markPriceUpdate_ws.json');

  protected override onOpen(client: FakeClient, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://x');
    // Since 2026 market streams live under /market; the legacy paths accept and stay silent.
    if (url.pathname === '/market/stream') for (const stream of (url.searchParams.get('streams') ?? '').split('/').filter(Boolean)) client.topics.add(stream);
    if (this.pingEveryMs !== undefined) {
      let lastPong = Date.now();
      client.ws.on('pong', () => (lastPong = Date.now()));
      const timer = setInterval(() => {
        if (Date.now() - lastPong > this.pongTimeoutMs) return client.ws.close(1008, 'pong timeout');
        if (!client.silent) client.ws.ping();
      }, this.pingEveryMs);
      client.ws.on('close', () => clearInterval(timer));
    }
  }

  protected onText(client: FakeClient, text: string): void {
    const message = JSON.parse(text) as { method?: string; id?: number };
    if (message.method) this.reply(client, { result: null, id: message.id ?? null });
  }

  /** One liquidation: `side` is the liquidation order's (SELL = a long was liquidated). */
  liquidation(o: { symbol: string; side: 'BUY' | 'SELL'; qty: number; price: number; time: number; cm?: boolean }): void {
    const data = clone(this.forceOrder);
    Object.assign(data, { E: o.time, ps: o.symbol, st: o.cm ? 2 : 1 });
    Object.assign(data.o, { s: o.symbol, S: o.side, q: String(o.qty), p: String(o.price), ap: String(o.price), l: String(o.qty), z: String(o.qty), T: o.time });
    this.send('!forceOrder@arr', { stream: '!forceOrder@arr', data });
  }

  markPriceUpdate(symbol: string, price: number, time: number): void {
    const stream = `${symbol.toLowerCase()}@markPrice@1s`;
    const data = clone(this.markPrice);
    Object.assign(data, { E: time, s: symbol, p: price.toFixed(2), i: price.toFixed(2), P: price.toFixed(2) });
    this.send(stream, { stream, data });
  }
}

/** Bybit v5 public linear: subscribe ops, `{"op":"ping"}`, per-symbol liquidation topics. */
export class FakeBybitStream extends FakeVenueServer {
  readonly venue = 'bybit' as const;
  private readonly allLiquidation = fixture('bybit_allLiquidation_ws.json');
  private readonly adlAlert = fixture('bybit_adlAlert_ws.json');

  protected onText(client: FakeClient, text: string): void {
    const message = JSON.parse(text) as { op?: string; args?: string[]; req_id?: string };
    if (message.op === 'ping') return this.reply(client, { success: true, ret_msg: 'pong', conn_id: 'fake-conn', req_id: message.req_id ?? '', op: 'ping' });
    if (message.op === 'subscribe') {
      const args = message.args ?? [];
      if (JSON.stringify(args).length > 21_000) return this.reply(client, { success: false, ret_msg: 'args too long', conn_id: 'fake-conn', req_id: message.req_id ?? '', op: 'subscribe' });
      for (const topic of args) client.topics.add(topic);
      this.reply(client, { success: true, ret_msg: '', conn_id: 'fake-conn', req_id: message.req_id ?? '', op: 'subscribe' });
    }
  }

  /** Liquidations of one symbol in one push; `side` is the position's (`Buy` = a long was liquidated). */
  liquidations(symbol: string, items: Array<{ side: 'Buy' | 'Sell'; size: number; price: number; time: number }>, ts = items[items.length - 1]?.time ?? Date.now()): void {
    const frame = clone(this.allLiquidation);
    const template = frame.data[0];
    frame.topic = `allLiquidation.${symbol}`;
    frame.ts = ts;
    frame.data = items.map((i) => ({ ...template, T: i.time, s: symbol, S: i.side, v: String(i.size), p: String(i.price) }));
    this.send(frame.topic, frame, items.length);
  }

  /** The USDT pool's ADL state for these symbols (`pr` below `i_pr` with a funded pool: ADL risk). */
  adl(items: Array<{ symbol: string; balance: number; pnlRatio: number }>, ts: number): void {
    const frame = clone(this.adlAlert);
    const template = frame.data[1];
    frame.ts = ts;
    frame.data = items.map((i) => ({ ...template, s: i.symbol, b: i.balance, mb: i.balance, pr: i.pnlRatio }));
    this.send('adlAlert.USDT', frame, items.length);
  }
}

/** One item of OKX's GET /api/v5/public/instruments?instType=SWAP: the fields the docs' table lists for SWAP, the fake's own values. */
export function okxSwapInstrument(c: { instId: string; ctVal: string; ctType: 'linear' | 'inverse' }): Record<string, string> {
  const [base, quote] = c.instId.split('-');
  return {
    instType: 'SWAP',
    instId: c.instId,
    uly: `${base}-${quote}`,
    instFamily: `${base}-${quote}`,
    settleCcy: c.ctType === 'linear' ? quote : base,
    ctVal: c.ctVal,
    ctMult: '1',
    ctValCcy: c.ctType === 'linear' ? base : 'USD',
    ctType: c.ctType,
    lotSz: '0.01',
    minSz: '0.01',
    tickSz: '0.1',
    lever: '100',
    state: 'live',
    listTime: '1611916828000',
    expTime: '',
  };
}

/** OKX v5 public: subscribe event, text ping/pong, `liquidation-orders` for SWAP; REST instruments. */
export class FakeOkxStream extends FakeVenueServer {
  readonly venue = 'okx' as const;
  /** What GET /api/v5/public/instruments?instType=SWAP lists (ctVal per instrument). */
  contracts: Array<{ instId: string; ctVal: string; ctType: 'linear' | 'inverse' }> = [
    { instId: 'BTC-USDT-SWAP', ctVal: '0.01', ctType: 'linear' },
    { instId: 'ETH-USDT-SWAP', ctVal: '0.1', ctType: 'linear' },
    { instId: 'SOL-USDT-SWAP', ctVal: '1', ctType: 'linear' },
    { instId: 'BTC-USD-SWAP', ctVal: '100', ctType: 'inverse' },
  ];
  instrumentRequests = 0;
  private readonly liquidationOrders = fixture('okx_liquidation_orders_ws.json');

  protected override http(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v5/public/instruments' || url.searchParams.get('instType') !== 'SWAP') return void res.writeHead(404).end();
    this.instrumentRequests++;
    const data = this.contracts.map(okxSwapInstrument);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: '0', msg: '', data }));
  }

  protected onText(client: FakeClient, text: string): void {
    if (text === 'ping') return this.reply(client, 'pong');
    const message = JSON.parse(text) as { id?: string; op?: string; args?: Array<{ channel: string; instType?: string }> };
    if (message.op === 'subscribe') {
      for (const arg of message.args ?? []) {
        client.topics.add(`${arg.channel}:${arg.instType ?? ''}`);
        this.reply(client, { id: message.id, event: 'subscribe', arg, connId: 'fake-conn' });
      }
    }
  }

  /** Liquidation orders of one swap: `posSide` the liquidated position's side, `sz` in contracts. */
  liquidations(instId: string, details: Array<{ posSide: 'long' | 'short'; contracts: number; price: number; time: number }>): void {
    const frame = clone(this.liquidationOrders);
    delete frame.id;
    const item = frame.data[0];
    const family = instId.replace(/-SWAP$/, '');
    Object.assign(item, { instId, instFamily: family, uly: family, instType: 'SWAP' });
    const template = item.details[0];
    item.details = details.map((d) => ({ ...template, posSide: d.posSide, side: d.posSide === 'long' ? 'sell' : 'buy', sz: String(d.contracts), bkPx: String(d.price), ts: String(d.time) }));
    this.send('liquidation-orders:SWAP', frame, details.length);
  }
}

/** Hyperliquid: `{"method":"subscribe","subscription":{"type":"allMids"}}`, `{"method":"ping"}`. */
export class FakeHyperliquidStream extends FakeVenueServer {
  readonly venue = 'hyperliquid' as const;

  protected onText(client: FakeClient, text: string): void {
    const message = JSON.parse(text) as { method?: string; subscription?: { type: string } };
    if (message.method === 'ping') return this.reply(client, { channel: 'pong' });
    if (message.method === 'subscribe' && message.subscription) {
      client.topics.add(message.subscription.type);
      this.reply(client, { channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: message.subscription } });
    }
  }

  mids(prices: Record<string, number>): void {
    const mids = Object.fromEntries(Object.entries(prices).map(([coin, price]) => [coin, price.toFixed(2)]));
    this.send('allMids', { channel: 'allMids', data: { mids } }, Object.keys(prices).length);
  }
}

export class FakeVenues {
  readonly binance = new FakeBinanceStream();
  readonly bybit = new FakeBybitStream();
  readonly okx = new FakeOkxStream();
  readonly hyperliquid = new FakeHyperliquidStream();

  get all(): FakeVenueServer[] {
    return [this.binance, this.bybit, this.okx, this.hyperliquid];
  }

  async start(): Promise<void> {
    await Promise.all(this.all.map((v) => v.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((v) => v.stop()));
  }

  /** The configuration that points the bot at these fakes. */
  env(): Record<string, string> {
    return {
      BINANCE_WS_URL: this.binance.host,
      BYBIT_WS_URL: this.bybit.host,
      OKX_WS_URL: this.okx.host,
      HYPERLIQUID_WS_URL: this.hyperliquid.host,
      OKX_BASE_URL: this.okx.httpRoot,
    };
  }

  urls(): Record<Venue, string> {
    return { binance: this.binance.host, bybit: this.bybit.host, okx: this.okx.host, hyperliquid: this.hyperliquid.host };
  }
}
