/**
 * How much of each keyed venue's documented request limit the watch list may use, with the market
 * poll that shares the same IP budget (both record into one WeightLedger per venue). Every figure
 * here is a small share of the limit, so a long watch list stretches its intervals instead of
 * coming near it (src/watch/pacing.ts), and a user's own trading tools keep their headroom.
 *
 * - Binance USDⓈ-M: 2,400 request weight per minute per IP (exchangeInfo `rateLimits`,
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information).
 *   The watch list and the market poll together: 600 (25%). An account read costs 15
 *   (positionRisk 5 + adlQuantile 5 + account 5), a forced-orders read 50.
 * - Bybit: 600 requests per 5 s per IP = 7,200 per minute (https://bybit-exchange.github.io/docs/v5/rate-limit);
 *   per UID, 50 per second on the position list. Together: 360 per minute (5%). An account read is
 *   2 requests (position list, wallet balance), a forced-fills read 2 (AdlTrade, BustTrade) + 1.
 * - OKX: limits are per user ID on the private endpoints: positions 10 per 2 s, balance 10 per 2 s,
 *   bills 5 per s, account config 5 per 2 s (https://www.okx.com/docs-v5/en/#trading-account-rest-api).
 *   The documented IP limit of the public endpoints is 20 per 2 s = 600 per minute; the watch list
 *   keeps to 300 per minute in all (an account read is 2 requests, a bills read 2). One account read
 *   every 30 s (the risky interval) is 1.3% of that user's own position limit.
 */
export const KEYED_BUDGETS = {
  binance: { limitPerMinute: 2_400, budgetPerMinute: 600 },
  bybit: { limitPerMinute: 7_200, budgetPerMinute: 360 },
  okx: { limitPerMinute: 600, budgetPerMinute: 300 },
} as const;
