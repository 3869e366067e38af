import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { TierTable } from '../../core/tier-table.ts';
import { VenueHttpError, type VenueHttp } from '../../market/http.ts';
import type { VenueTables } from '../../market/tiers/service.ts';
import { scrubSecrets } from '../../logger.ts';
import type { Credentials } from '../keys/keyring.ts';
import { AccountError, type AccountClient, type AccountState, type FillsPage, type KeyedVenue, type RulesContext } from '../types.ts';

/**
 * What the keyed venues (Binance, Bybit, OKX) share: a read-only key per watched account, opened
 * only for the request that signs with it; the key-permission verdict; and one translation of the
 * venue's refusals into the watch list's AccountError, so a revoked or expired key pauses its watch
 * while a clock or network problem is only retried.
 */

/** A permission the key must not have, named as the venue's key-management page names it. */
export interface Permission {
  name: string;
  kind: 'trade' | 'withdraw' | 'transfer' | 'other';
}

export type KeyVerdict =
  | {
      ok: true;
      /** The venue says the key only works from bound IP addresses. */
      ipRestricted: boolean;
      /** When the venue will expire the key (Bybit, for keys without an IP restriction), epoch ms. */
      expiresAt: number | null;
    }
  /** The key can do more than read: the permissions to remove. */
  | { ok: false; reason: 'not-read-only'; permissions: Permission[]; ipRestricted: boolean }
  /** The key cannot read what the watch needs (`missing` names the read permission to add). */
  | { ok: false; reason: 'no-read'; missing: string[] }
  /** The venue does not accept the key at all (wrong key, secret or passphrase; revoked; another IP). */
  | { ok: false; reason: 'rejected' }
  /** The venue lets no read-only key read positions (Binance futures: see src/watch/keyed/binance.ts). */
  | { ok: false; reason: 'positions-need-trading' }
  /** The venue did not answer: nothing is known about the key. */
  | { ok: false; reason: 'unavailable' };

/** Where a client finds the key of a watched account (`key:12`): opened for one request, never kept. */
export interface KeySource {
  credentials(account: string): Credentials | undefined;
}

export interface KeyedAccountClient extends AccountClient {
  readonly venue: KeyedVenue;
  /** Checks the key with the venue's own permission endpoint (and a first read where that is the test). */
  verify(credentials: Credentials): Promise<KeyVerdict>;
}

/** The venue answered a signed request with an error code (in the body, whatever the HTTP status). */
export class VenueCodeError extends Error {
  constructor(
    readonly venue: KeyedVenue,
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${venue}: code ${code}: ${message}`);
    this.name = 'VenueCodeError';
  }
}

/**
 * What a venue's error code means for the key: no longer accepted (pause the watch), lacking a
 * permission, a passing problem (our clock, the venue's rate limit: retry), or anything else.
 */
export type Refusal = 'key-rejected' | 'no-permission' | 'transient' | 'other';

export abstract class KeyedClient implements KeyedAccountClient {
  abstract readonly venue: KeyedVenue;
  abstract readonly cost: { account: number; fills: number };

  constructor(
    readonly http: VenueHttp,
    protected readonly keys: KeySource,
    protected readonly tables?: VenueTables,
  ) {}

  abstract verify(credentials: Credentials): Promise<KeyVerdict>;
  protected abstract readAccount(credentials: Credentials, account: string): Promise<AccountState>;
  protected abstract readFills(credentials: Credentials, account: string, from: number, to: number): Promise<FillsPage>;
  /** What the venue's error code means for the key. */
  protected abstract refusal(code: string, status: number | undefined): Refusal;

  account(account: string): Promise<AccountState> {
    return this.withKey(account, (credentials) => this.readAccount(credentials, account));
  }

  fills(account: string, from: number, to?: number): Promise<FillsPage> {
    return this.withKey(account, (credentials) => this.readFills(credentials, account, from, to ?? this.http.clock.now()));
  }

  /** The symbol's tier table from the venue (through /liq's lookup order), for our liquidation price and ADL estimate. */
  async rulesFor(coin: string, context: RulesContext = {}): Promise<TierTable | undefined> {
    if (!this.tables) return undefined;
    const found = await this.tables.lookup(this.venue, `${coin}USDT`, { mode: context.mode ?? 'cross' });
    return found.table ?? undefined;
  }

  protected async withKey<T>(account: string, read: (credentials: Credentials) => Promise<T>): Promise<T> {
    const credentials = this.keys.credentials(account);
    if (!credentials) throw new AccountError(`${this.venue}: no stored key for this watch`, 'refused');
    try {
      return await read(credentials);
    } catch (error) {
      throw this.accountError(error, credentials);
    }
  }

  /** Any failure as an AccountError whose message holds no part of the key. */
  protected accountError(error: unknown, credentials: Credentials): AccountError {
    if (error instanceof AccountError) return new AccountError(scrubSecrets(error.message, credentials.values), error.reason);
    const message = scrubSecrets(error instanceof Error ? error.message : String(error), credentials.values);
    const code = codeOf(error, this.venue);
    if (code) {
      const refusal = this.refusal(code.code, code.status);
      if (refusal === 'key-rejected') return new AccountError(message, 'key-rejected');
      if (refusal === 'no-permission' || refusal === 'other') return new AccountError(message, 'refused');
      return new AccountError(message, 'unavailable');
    }
    if (error instanceof VenueHttpError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
      return new AccountError(message, 'refused');
    }
    return new AccountError(message, 'unavailable');
  }

  /** Verify's verdict for a failure of one of its requests. */
  protected verdictFor(error: unknown): KeyVerdict {
    const code = codeOf(error, this.venue);
    if (code) {
      const refusal = this.refusal(code.code, code.status);
      if (refusal === 'key-rejected') return { ok: false, reason: 'rejected' };
      if (refusal === 'transient' || refusal === 'other') return { ok: false, reason: 'unavailable' };
      return { ok: false, reason: 'no-read', missing: [] };
    }
    return { ok: false, reason: 'unavailable' };
  }
}

/** The venue's error code of a failed request: from a VenueCodeError, or the JSON body of a refused HTTP request. */
export function codeOf(error: unknown, venue: KeyedVenue): { code: string; status?: number } | undefined {
  if (error instanceof VenueCodeError) return { code: error.code, status: error.status };
  if (error instanceof VenueHttpError && error.body) {
    try {
      const body = JSON.parse(error.body) as { code?: unknown; retCode?: unknown };
      const code = body.code ?? body.retCode;
      if ((typeof code === 'number' || typeof code === 'string') && String(code) !== '0') return { code: String(code), status: error.status };
    } catch {
      // not JSON (a proxy's page): no code
    }
    void venue;
  }
  return undefined;
}

// ---- parsing helpers the three clients share ---------------------------------------------------

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A decimal the venue sends as a string (or a number). */
export const decimal = z.union([z.string().regex(DECIMAL), z.number().finite()]).transform((v) => new Decimal(v));
/** "" (or "0" where the venue uses it for "none") becomes null. */
export const optionalDecimal = z
  .union([z.literal(''), z.string().regex(DECIMAL), z.number().finite(), z.null()])
  .transform((v) => (v === '' || v === null ? null : new Decimal(v)));
/** A millisecond timestamp sent as a string or a number. */
export const millis = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

/** `BTCUSDT` → `BTC`; `1000PEPEUSDC` → `1000PEPE`. */
export function baseOf(symbol: string): string {
  return symbol.replace(/(USDT|USDC|BUSD|USD)$/, '') || symbol;
}

/** The first reason a list of items did not parse, for an AccountError (the field path, never a value). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'answer'} ${issue.message}` : 'unexpected answer';
}
