import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hyperliquid's POST /info for accounts, as a test scripts it: `clearinghouseState`,
 * `userFillsByTime` / `userFills` and `meta`, each answer cloned from a real example in
 * test/fixtures/exchange/ (the docs' clearinghouseState and meta, a recorded ADL fill, a recorded
 * liquidation fill) with its values replaced from the scripted accounts, so every field and type
 * of the real format is kept. It counts the weight the venue would charge (2 per state, 20 per
 * fills or meta call plus 1 per 20 fills returned).
 *
 * Served by test/e2e/fake-exchange.ts under /hyperliquid/info, or on its own (`handle`).
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'exchange');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

export interface FakePosition {
  coin: string;
  /** Signed size: > 0 long. */
  szi: number;
  entryPx: number;
  markPx: number;
  leverage: number;
  type: 'cross' | 'isolated';
  /** The venue's own liquidation price (null: none). */
  liquidationPx: number | null;
  /** Isolated: the margin put up (before PnL). */
  margin?: number;
}

export interface FakeAccount {
  positions: FakePosition[];
  /** Cross account value (the isolated margins are added for the total). */
  crossAccountValue: number;
  /** Raw fills as the venue returns them (build them with adlFill / liquidationFill / plainFill). */
  fills: any[];
}

const s = (n: number): string => String(Number(n.toPrecision(12)));

export class FakeHyperliquidAccounts {
  readonly accounts = new Map<string, FakeAccount>();
  /** Max leverage per coin served by `meta` (single-tier tables). */
  maxLeverage: Record<string, number> = { BTC: 40, ETH: 25, SOL: 20, AVAX: 10, HYPE: 10 };
  /** Weight the venue would have charged, and the calls, in order. */
  weight = 0;
  readonly calls: Array<{ type: string; user?: string; at: number }> = [];
  /** The venue's clock for `time` fields. */
  now: () => number = () => Date.now();

  account(address: string): FakeAccount {
    const key = address.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      account = { positions: [], crossAccountValue: 0, fills: [] };
      this.accounts.set(key, account);
    }
    return account;
  }

  /** The answer to one /info body, or undefined when it is not an account request. */
  handle(body: { type?: string; user?: string; startTime?: number; endTime?: number }): unknown {
    switch (body.type) {
      case 'clearinghouseState':
        this.charge(body, 2);
        return this.clearinghouseState(String(body.user ?? ''));
      case 'userFills':
      case 'userFillsByTime': {
        const fills = this.account(String(body.user ?? '')).fills
          .filter((f) => body.startTime === undefined || f.time >= body.startTime)
          .filter((f) => body.endTime === undefined || f.time <= body.endTime)
          // The venue answers newest first.
          .sort((a, b) => b.time - a.time);
        this.charge(body, 20 + Math.floor(fills.length / 20));
        return fills;
      }
      case 'meta':
        this.charge(body, 20);
        return this.meta();
      default:
        return undefined;
    }
  }

  private charge(body: { type?: string; user?: string }, weight: number): void {
    this.weight += weight;
    this.calls.push({ type: String(body.type), user: body.user, at: this.now() });
  }

  clearinghouseState(address: string): unknown {
    const template = fixture('hyperliquid_clearinghouseState_doc.json');
    const [positionTemplate] = template.assetPositions;
    const account = this.accounts.get(address.toLowerCase());
    if (!account) {
      // An address the venue has never seen: zeros and no position, the same shape.
      return { ...template, assetPositions: [], crossMaintenanceMarginUsed: '0.0', crossMarginSummary: zeros(), marginSummary: zeros(), withdrawable: '0.0', time: this.now() };
    }
    let isolatedValue = 0;
    let totalNtl = 0;
    let crossMargin = 0;
    const assetPositions = account.positions.map((p) => {
      const size = Math.abs(p.szi);
      const value = size * p.markPx;
      const upnl = p.szi * (p.markPx - p.entryPx);
      const isolated = p.type === 'isolated';
      const margin = isolated ? (p.margin ?? (size * p.entryPx) / p.leverage) : value / p.leverage;
      const marginUsed = isolated ? margin + upnl : margin;
      if (isolated) isolatedValue += marginUsed;
      else crossMargin += marginUsed;
      totalNtl += value;
      return {
        ...positionTemplate,
        position: {
          ...positionTemplate.position,
          coin: p.coin,
          entryPx: s(p.entryPx),
          leverage: isolated ? { rawUsd: s(marginUsed - p.szi * p.markPx), type: 'isolated', value: p.leverage } : { type: 'cross', value: p.leverage },
          liquidationPx: p.liquidationPx === null ? null : s(p.liquidationPx),
          marginUsed: s(marginUsed),
          maxLeverage: this.maxLeverage[p.coin] ?? 20,
          positionValue: s(value),
          returnOnEquity: s(upnl / margin),
          szi: s(p.szi),
          unrealizedPnl: s(upnl),
        },
      };
    });
    return {
      ...template,
      assetPositions,
      crossMarginSummary: { ...template.crossMarginSummary, accountValue: s(account.crossAccountValue), totalMarginUsed: s(crossMargin) },
      marginSummary: { ...template.marginSummary, accountValue: s(account.crossAccountValue + isolatedValue), totalNtlPos: s(totalNtl) },
      time: this.now(),
    };
  }

  meta(): unknown {
    const doc = fixture('hyperliquid_meta_doc.json');
    const [assetTemplate] = doc.universe;
    return {
      ...doc,
      universe: Object.entries(this.maxLeverage).map(([name, maxLeverage]) => ({ ...assetTemplate, name, maxLeverage, marginTableId: maxLeverage })),
    };
  }
}

function zeros(): Record<string, string> {
  return { accountValue: '0.0', totalMarginUsed: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0' };
}

interface ClosingFill {
  coin: string;
  /** The side of the position that was closed. */
  side: 'long' | 'short';
  size: number;
  px: number;
  markPx: number;
  closedPnl: number;
  time: number;
  tid: number;
}

/** A recorded forced fill with its values replaced: closing a short buys (B), closing a long sells (A). */
function closing(template: any, values: ClosingFill): any {
  return {
    ...template,
    coin: values.coin,
    px: s(values.px),
    sz: s(values.size),
    side: values.side === 'short' ? 'B' : 'A',
    startPosition: s(values.side === 'short' ? -values.size : values.size),
    closedPnl: s(values.closedPnl),
    time: values.time,
    tid: values.tid,
  };
}

/**
 * An ADL fill of an account's position, cloned from the recorded 10 Oct 2025 AVAX fill: the
 * `liquidation` object names the account it absorbed (not this one), `dir` is "Auto-Deleveraging".
 */
export function adlFill(values: ClosingFill): any {
  const [template] = fixture('hyperliquid_userFills_adl_2025-10-10.json');
  return { ...closing(template, values), oid: values.tid + 7, liquidation: { ...template.liquidation, markPx: s(values.markPx) } };
}

/** The liquidated user's own fill of a liquidation, cloned from the recorded 2025-06-21 ETH backstop liquidation. */
export function liquidationFill(address: string, values: ClosingFill & { method?: 'market' | 'backstop' }): any {
  const [template] = fixture('hyperliquid_userFills_liquidation_2025-06-21.json');
  return {
    ...closing(template, values),
    dir: `Liquidated Isolated ${values.side === 'short' ? 'Short' : 'Long'}`,
    liquidation: { liquidatedUser: address.toLowerCase(), markPx: s(values.markPx), method: values.method ?? template.liquidation.method },
  };
}

/** An ordinary fill (the docs' example), e.g. the trader closing part of a position themselves. */
export function plainFill(values: { coin: string; dir: string; side: 'A' | 'B'; size: number; px: number; time: number; tid: number }): any {
  const [template] = fixture('hyperliquid_userFills_doc.json');
  return { ...template, coin: values.coin, dir: values.dir, side: values.side, sz: s(values.size), px: s(values.px), time: values.time, tid: values.tid };
}
