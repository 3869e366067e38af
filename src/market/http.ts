import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Translator } from '../chat/i18n.ts';
import type { Venue } from './types.ts';
import type { WeightLedger } from './weight-ledger.ts';

/** Venues this client talks to: the four polled ones, and the two asked only for tier tables. */
export type HttpVenue = Venue | 'bitmex' | 'dydx';

/**
 * HTTP for one venue: timeouts, retries with jitter, `Retry-After`, bans, and the request
 * weight spent in the current cycle. Clock, sleep and randomness are injectable so tests
 * replay faults without waiting.
 */
export interface HttpClock {
  // Function properties, not methods: callers hand `clock.now` on by itself, so no `this`.
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const SYSTEM_CLOCK: HttpClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export interface VenueHttpOptions {
  venue: HttpVenue;
  baseUrl: string;
  timeoutMs?: number;
  /** Extra attempts after the first for timeouts, 5xx, truncated bodies and short 429s. */
  maxRetries?: number;
  /** First backoff step; doubles each attempt, times a jitter factor in [0.5, 1.5). */
  backoffMs?: number;
  /** A 429 asking to wait longer than this ends the venue's cycle instead of sleeping. */
  maxInlineWaitMs?: number;
  clock?: HttpClock;
  /** Where every request's weight is also recorded, under `source`: clients sharing one IP budget. */
  ledger?: { ledger: WeightLedger; source: string };
}

export class VenueHttpError extends Error {
  constructor(
    readonly venue: HttpVenue,
    message: string,
    readonly status?: number,
    /** The venue's answer to a refused request (4xx), for reading its error code. */
    readonly body?: string,
  ) {
    super(`${venue}: ${message}`);
    this.name = 'VenueHttpError';
  }
}

/** The venue told us to stop (Binance 418 ban, 429 with a long Retry-After, Bybit 403 "access too frequent"). */
export class VenueBlockedError extends VenueHttpError {
  constructor(venue: HttpVenue, message: string, status: number, readonly until: number) {
    super(venue, message, status);
    this.name = 'VenueBlockedError';
  }
}

export class VenueHttp {
  readonly venue: HttpVenue;
  private readonly axios: AxiosInstance;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxInlineWaitMs: number;
  readonly clock: HttpClock;
  private readonly ledger?: { ledger: WeightLedger; source: string };
  /** Epoch ms until which the venue asked us to stay away (ban, long 429): requests fail at once. */
  blockedUntil = 0;
  /**
   * Epoch ms until which every request of this venue waits after a short 429 (Binance: "back
   * off"): one request told to wait holds back the concurrent ones too, instead of each of them
   * hitting the limit again.
   */
  coolUntil = 0;
  requests = 0;
  weight = 0;

  constructor(options: VenueHttpOptions) {
    this.venue = options.venue;
    this.maxRetries = options.maxRetries ?? 2;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 5_000;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.ledger = options.ledger;
    this.axios = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 8_000,
      // Parse JSON ourselves: a truncated body must be a retryable fault, not a string.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // One poll makes up to ~100 calls to the same host: reuse connections.
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
      headers: { 'User-Agent': 'adl-sentinel/0.1 (+market watch)', Accept: 'application/json' },
    });
  }

  /** Start counting a new poll cycle. */
  resetCounters(): void {
    this.requests = 0;
    this.weight = 0;
  }

  get(path: string, params: Record<string, string> = {}, weight = 1): Promise<unknown> {
    return this.request(() => this.axios.get(path, { params }), weight);
  }

  /**
   * A signed GET: `sign` returns the query string exactly as signed and the headers, and runs again
   * on every attempt, so a retry carries a fresh timestamp and signature.
   */
  getSigned(path: string, sign: () => { query: string; headers: Record<string, string> }, weight = 1): Promise<unknown> {
    return this.request(() => {
      const { query, headers } = sign();
      return this.axios.get(query ? `${path}?${query}` : path, { headers });
    }, weight);
  }

  post(path: string, body: unknown, weight = 1): Promise<unknown> {
    return this.request(() => this.axios.post(path, body, { headers: { 'Content-Type': 'application/json' } }), weight);
  }

  private async request(send: () => Promise<AxiosResponse<string>>, weight: number): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const now = this.clock.now();
      if (now < this.blockedUntil) {
        throw new VenueBlockedError(this.venue, `blocked for ${Math.ceil((this.blockedUntil - now) / 1000)} s more`, 0, this.blockedUntil);
      }
      if (now < this.coolUntil) await this.clock.sleep(this.coolUntil - now);
      this.requests++;
      this.charge(weight);
      let retryAfterMs: number | undefined;
      let problem: string;
      try {
        const response = await send();
        const status = response.status;
        if (status >= 200 && status < 300) {
          try {
            return JSON.parse(response.data);
          } catch {
            problem = `invalid JSON (${String(response.data).length} bytes)`;
          }
        } else if (status === 418 || (status === 403 && /too frequent/i.test(response.data))) {
          // Binance 418: IP ban (2 min to 3 days). Bybit 403: stop for at least 10 minutes.
          const waitMs = retryAfter(response) ?? (status === 418 ? 120_000 : 600_000);
          this.blockedUntil = this.clock.now() + waitMs;
          throw new VenueBlockedError(this.venue, `HTTP ${status}: banned for ${Math.round(waitMs / 1000)} s`, status, this.blockedUntil);
        } else if (status === 429) {
          retryAfterMs = retryAfter(response) ?? this.backoff(attempt);
          if (retryAfterMs > this.maxInlineWaitMs || attempt >= this.maxRetries) {
            this.blockedUntil = this.clock.now() + retryAfterMs;
            throw new VenueBlockedError(this.venue, `HTTP 429: backing off ${Math.round(retryAfterMs / 1000)} s`, 429, this.blockedUntil);
          }
          this.coolUntil = Math.max(this.coolUntil, this.clock.now() + retryAfterMs);
          problem = 'HTTP 429';
        } else if (status >= 500) {
          problem = `HTTP ${status}`;
        } else {
          throw new VenueHttpError(this.venue, `HTTP ${status}: ${String(response.data).slice(0, 200)}`, status, String(response.data).slice(0, 2000));
        }
      } catch (error) {
        if (error instanceof VenueHttpError) throw error;
        problem = axios.isAxiosError(error) ? (error.code === 'ECONNABORTED' ? 'timeout' : (error.code ?? error.message)) : String(error);
      }
      if (attempt >= this.maxRetries) throw new VenueHttpError(this.venue, `${problem} after ${attempt + 1} attempts`);
      // After a 429 the cool-down gate at the top of the loop does the waiting.
      if (retryAfterMs === undefined) await this.clock.sleep(this.backoff(attempt));
    }
  }

  /** Weight the venue charges beyond a request's base (Hyperliquid: per 20 items returned). */
  charge(weight: number): void {
    this.weight += weight;
    this.ledger?.ledger.record(weight, this.clock.now(), this.ledger.source);
  }

  private backoff(attempt: number): number {
    return Math.round(this.backoffMs * 2 ** attempt * (0.5 + this.clock.random()));
  }
}

function retryAfter(response: AxiosResponse): number | undefined {
  const raw: unknown = response.headers['retry-after'];
  const seconds = Number(raw);
  return raw !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * A venue failure as stored and logged (English, from this file and src/market/service.ts) in
 * the reader's language: "binance: ENOTFOUND after 3 attempts" → "binance: không tìm thấy máy
 * chủ (ENOTFOUND), đã thử 3 lần". Shapes not listed here are shown as they are.
 */
const ERROR_SHAPES: ReadonlyArray<[RegExp, (m: RegExpExecArray, t: Translator) => string]> = [
  [/^paused: (.*)$/s, (m, t) => t('market.error-paused', { error: localizeVenueError(m[1], t) })],
  [/^(\w+): (.+) after (\d+) attempts$/, (m, t) => t('market.error-network', { venue: m[1], problem: problemText(m[2], t), attempts: m[3] })],
  [/^(\w+): HTTP (\d+): banned for (\d+) s$/, (m, t) => t('market.error-banned', { venue: m[1], status: m[2], seconds: m[3] })],
  [/^(\w+): HTTP 429: backing off (\d+) s$/, (m, t) => t('market.error-backoff', { venue: m[1], seconds: m[2] })],
  [/^(\w+): blocked for (\d+) s more$/, (m, t) => t('market.error-blocked', { venue: m[1], seconds: m[2] })],
  [/^(\w+): HTTP (\d+): (.*)$/s, (m, t) => t('market.error-http', { venue: m[1], status: m[2], body: m[3] })],
  [/^all (\d+) items are stale$/, (m, t) => t('market.error-stale', { count: m[1] })],
  [/^no valid items$/, (_m, t) => t('market.error-no-items')],
];

const KNOWN_PROBLEMS = new Set(['timeout', 'ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN']);

function problemText(problem: string, t: Translator): string {
  if (KNOWN_PROBLEMS.has(problem)) return t(`market.problem-${problem}`);
  if (/^HTTP \d+$/.test(problem)) return t('market.problem-http', { status: problem.slice(5) });
  if (/^invalid JSON/.test(problem)) return t('market.problem-json');
  return problem;
}

export function localizeVenueError(message: string, t: Translator): string {
  for (const [shape, render] of ERROR_SHAPES) {
    const match = shape.exec(message);
    if (match) return render(match, t);
  }
  return message;
}
