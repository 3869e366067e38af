import { createHmac } from 'node:crypto';
import type { Credentials } from '../keys/keyring.ts';

/**
 * The three venues' request signatures (HMAC-SHA256 with Node's crypto), each as its docs write it.
 * Each returns the query string exactly as signed and the headers to send; nothing here is logged.
 *
 * - Binance (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#signed-trade-and-user_data-endpoint-security):
 *   `timestamp` and `recvWindow` join the query; `signature` = hex HMAC-SHA256(secret, query) is
 *   appended last; the key goes in `X-MBX-APIKEY`. Accepted while the server's time is within
 *   `recvWindow` after `timestamp` (and at most 1 s before it). Same on the spot host (/sapi).
 * - Bybit (https://bybit-exchange.github.io/docs/v5/guide#authentication): `X-BAPI-SIGN` = hex
 *   HMAC-SHA256(secret, timestamp + apiKey + recvWindow + queryString), with `X-BAPI-API-KEY`,
 *   `X-BAPI-TIMESTAMP`, `X-BAPI-RECV-WINDOW`.
 * - OKX (https://www.okx.com/docs-v5/en/#overview-rest-authentication-signature): `OK-ACCESS-SIGN`
 *   = base64 HMAC-SHA256(secret, timestamp + method + requestPath[?query] + body), timestamp in
 *   ISO-8601 with milliseconds; with `OK-ACCESS-KEY`, `OK-ACCESS-TIMESTAMP`,
 *   `OK-ACCESS-PASSPHRASE`. A request expires 30 s after its timestamp.
 */
export interface SignedRequest {
  query: string;
  headers: Record<string, string>;
}

/** Binance and Bybit: the window a request stays valid in (both default to 5,000 ms; kept at it). */
export const RECV_WINDOW_MS = 5_000;

const queryOf = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function binanceSigned(credentials: Credentials, params: Record<string, string>, now: number): SignedRequest {
  const query = queryOf({ ...params, recvWindow: String(RECV_WINDOW_MS), timestamp: String(now) });
  const signature = createHmac('sha256', credentials.secret).update(query).digest('hex');
  return { query: `${query}&signature=${signature}`, headers: { 'X-MBX-APIKEY': credentials.apiKey } };
}

export function bybitSigned(credentials: Credentials, params: Record<string, string>, now: number): SignedRequest {
  const query = queryOf(params);
  const timestamp = String(now);
  const recvWindow = String(RECV_WINDOW_MS);
  const sign = createHmac('sha256', credentials.secret).update(timestamp + credentials.apiKey + recvWindow + query).digest('hex');
  return {
    query,
    headers: { 'X-BAPI-API-KEY': credentials.apiKey, 'X-BAPI-TIMESTAMP': timestamp, 'X-BAPI-RECV-WINDOW': recvWindow, 'X-BAPI-SIGN': sign },
  };
}

export function okxSigned(credentials: Credentials, path: string, params: Record<string, string>, now: number): SignedRequest {
  const query = queryOf(params);
  const timestamp = new Date(now).toISOString();
  const sign = createHmac('sha256', credentials.secret)
    .update(`${timestamp}GET${path}${query ? `?${query}` : ''}`)
    .digest('base64');
  return {
    query,
    headers: {
      'OK-ACCESS-KEY': credentials.apiKey,
      'OK-ACCESS-SIGN': sign,
      'OK-ACCESS-TIMESTAMP': timestamp,
      'OK-ACCESS-PASSPHRASE': credentials.passphrase ?? '',
    },
  };
}
