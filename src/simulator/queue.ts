import { adlQueueKey, type ScoreState } from '../core/adl.ts';
import type { AdlFormula } from '../core/venues.ts';

/**
 * The ADL queue order: who is closed first. The ranking key of one position comes from one call to
 * the queue key shared with /adl-rank (`adlQueueKey` in src/core/adl.ts: the venue's score, and for
 * Hyperliquid a position at a loss behind every winner, "the affected users in profit"). The
 * simulator also ranks positions in profit ahead for every other venue's formula, which changes
 * nothing but ties (their scores already put losers at or below winners). Equal keys go by position
 * index, so runs repeat. test/simulator/queue.test.ts checks this order against src/core.
 */
export interface RankKey {
  /** 1 in profit, 0 at a loss or flat. */
  tier: number;
  score: number;
}

/** Profit rule: only positions in profit are ranked ahead. */
export function inProfit(state: ScoreState): boolean {
  return state.sign * (state.markPrice - state.entryPrice) > 0;
}

/** Higher first: tier, then score; then the lower index. */
export function ranksBefore(tierA: number, scoreA: number, indexA: number, tierB: number, scoreB: number, indexB: number): boolean {
  if (tierA !== tierB) return tierA > tierB;
  if (scoreA !== scoreB) return scoreA > scoreB;
  return indexA < indexB;
}

/**
 * Scores positions with one reusable ScoreState (no allocation per position in the hot scans).
 * A score the formula leaves undefined (dYdX's random order) or NaN ranks last within its tier.
 */
export class QueueScorer {
  readonly state: ScoreState = { sign: 1, quantity: 0, entryPrice: 1, markPrice: 1, collateral: 0, maintenanceMargin: 0 };
  constructor(readonly formula: AdlFormula) {}

  /** Fills `out` with the key of the position described by `state` (set the fields first). */
  key(out: RankKey): RankKey {
    const score = adlQueueKey(this.formula, this.state);
    out.tier = inProfit(this.state) ? 1 : 0;
    out.score = score === null || Number.isNaN(score) ? -Infinity : score;
    return out;
  }
}

/** How many of the best a scan keeps before a deeper walk has to rank everyone. */
export const QUEUE_TOP = 256;

/**
 * The queue of one market and side at one moment: positions given by `add(index, tier, score)` in one
 * pass; `next()` walks them best first. One pass keeps the best `top` in a bounded heap (most
 * positions are rejected by one comparison); walking past them ranks every remaining one.
 */
export class QueueCursor {
  private readonly heapIndex: Int32Array;
  private readonly heapTier: Uint8Array;
  private readonly heapScore: Float64Array;
  private kept = 0;
  private all: { index: Int32Array; tier: Uint8Array; score: Float64Array; count: number };
  private sorted: number[] | null = null;
  private position = 0;
  private deepBuilt = false;

  constructor(capacity: number, readonly top = QUEUE_TOP) {
    this.heapIndex = new Int32Array(top);
    this.heapTier = new Uint8Array(top);
    this.heapScore = new Float64Array(top);
    this.all = { index: new Int32Array(capacity), tier: new Uint8Array(capacity), score: new Float64Array(capacity), count: 0 };
  }

  reset(): void {
    this.kept = 0;
    this.all.count = 0;
    this.sorted = null;
    this.deepBuilt = false;
    this.deepSize = 0;
    this.position = 0;
  }

  /** Min-heap on rank: the root is the worst kept position. */
  private worse(a: number, b: number): boolean {
    return ranksBefore(this.heapTier[b], this.heapScore[b], this.heapIndex[b], this.heapTier[a], this.heapScore[a], this.heapIndex[a]);
  }

  private swap(a: number, b: number): void {
    const i = this.heapIndex[a];
    this.heapIndex[a] = this.heapIndex[b];
    this.heapIndex[b] = i;
    const t = this.heapTier[a];
    this.heapTier[a] = this.heapTier[b];
    this.heapTier[b] = t;
    const s = this.heapScore[a];
    this.heapScore[a] = this.heapScore[b];
    this.heapScore[b] = s;
  }

  /** Kept small so the scans inline it: most positions are only recorded, not kept. */
  add(index: number, tier: number, score: number): void {
    const all = this.all;
    all.index[all.count] = index;
    all.tier[all.count] = tier;
    all.score[all.count++] = score;
    if (this.kept === this.top && !ranksBefore(tier, score, index, this.heapTier[0], this.heapScore[0], this.heapIndex[0])) return;
    this.keep(index, tier, score);
  }

  /** Into the bounded heap: appended while it has room, else in place of its worst (the root). */
  private keep(index: number, tier: number, score: number): void {
    if (this.kept < this.top) {
      let node = this.kept++;
      this.heapIndex[node] = index;
      this.heapTier[node] = tier;
      this.heapScore[node] = score;
      while (node > 0) {
        const parent = (node - 1) >> 1;
        if (!this.worse(node, parent)) break;
        this.swap(node, parent);
        node = parent;
      }
      return;
    }
    this.heapIndex[0] = index;
    this.heapTier[0] = tier;
    this.heapScore[0] = score;
    let node = 0;
    for (;;) {
      const left = 2 * node + 1;
      if (left >= this.kept) break;
      let child = left;
      if (left + 1 < this.kept && this.worse(left + 1, left)) child = left + 1;
      if (!this.worse(child, node)) break;
      this.swap(node, child);
      node = child;
    }
  }

  /** The next position in queue order, or −1 when every one has been walked. */
  next(): number {
    if (this.sorted === null) {
      const slots = Array.from({ length: this.kept }, (_, k) => k);
      slots.sort((a, b) => (this.worse(a, b) ? 1 : -1));
      this.sorted = slots.map((k) => this.heapIndex[k]);
    }
    if (this.position < this.sorted.length) return this.sorted[this.position++];
    if (this.all.count <= this.kept) return -1;
    if (!this.deepBuilt) this.buildDeepHeap();
    return this.popDeep();
  }

  /** Deeper than the kept best: a max-heap over every position not kept (O(n) to build, O(log n) a step). */
  private deepHeap = new Int32Array(0);
  private deepSize = 0;

  /** Its loops are functions of their own (see AdlDesk.haircutWinners: code after an on-the-fly compiled loop). */
  private buildDeepHeap(): void {
    // The kept best have the highest keys: every other slot ranks after the last of them.
    this.deepSize = this.slotsAfter(this.heapSlotOfLast());
    this.heapify();
    this.deepBuilt = true;
  }

  /** Every `all` slot ranked after slot `last`, into deepHeap; returns how many. */
  private slotsAfter(last: number): number {
    const { count } = this.all;
    if (this.deepHeap.length < count) this.deepHeap = new Int32Array(count);
    let size = 0;
    for (let k = 0; k < count; k++) if (this.before(last, k)) this.deepHeap[size++] = k;
    return size;
  }

  private heapify(): void {
    for (let k = (this.deepSize >> 1) - 1; k >= 0; k--) this.siftDown(k);
  }

  /** The `all` slot of the worst kept position (the kept heap's root). */
  private heapSlotOfLast(): number {
    const { index, count } = this.all;
    const worst = this.heapIndex[0];
    for (let k = 0; k < count; k++) if (index[k] === worst) return k;
    return -1;
  }

  private before(a: number, b: number): boolean {
    const { index, tier, score } = this.all;
    return ranksBefore(tier[a], score[a], index[a], tier[b], score[b], index[b]);
  }

  private siftDown(start: number): void {
    const heap = this.deepHeap;
    const size = this.deepSize;
    let node = start;
    for (;;) {
      const left = 2 * node + 1;
      if (left >= size) return;
      let best = left;
      if (left + 1 < size && this.before(heap[left + 1], heap[left])) best = left + 1;
      if (!this.before(heap[best], heap[node])) return;
      const swap = heap[node];
      heap[node] = heap[best];
      heap[best] = swap;
      node = best;
    }
  }

  private popDeep(): number {
    if (this.deepSize === 0) return -1;
    const top = this.deepHeap[0];
    this.deepHeap[0] = this.deepHeap[--this.deepSize];
    this.siftDown(0);
    return this.all.index[top];
  }
}
