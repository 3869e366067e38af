/**
 * Whether a failed request certainly never reached the server (so it cannot have posted
 * anything): the connection was refused, the name did not resolve, no route. Anything else that
 * fails without an answer (a time-out, a reset connection) may have been processed.
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export function neverReachedServer(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, cause, error: inner } = current as { code?: unknown; cause?: unknown; error?: unknown };
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    current = cause ?? inner;
  }
  return false;
}
