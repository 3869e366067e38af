/**
 * The zero-sum ledger: perpetuals only move money between traders. After every step, the accounts'
 * equity, the rest of the market's PnL (it holds the net coins and buys every liquidation order),
 * the backstop vault, the insurance fund and the vault policy's vault must add up to what they held
 * at the start. A negative account's equity stays in the sum: a deficit nobody raised is still there.
 */
export class LedgerError extends Error {
  constructor(policy: string, step: number, residual: number, tolerance: number) {
    super(`zero-sum ledger broken under ${policy} at step ${step}: residual ${residual} > tolerance ${tolerance}`);
    this.name = 'LedgerError';
  }
}

export interface LedgerTotals {
  accounts: number;
  outside: number;
  vault: number;
  fund: number;
  reserve: number;
  initial: number;
}

/** |what everyone holds now − what they held at the start|. */
export function checkLedger(totals: LedgerTotals): number {
  return Math.abs(totals.accounts + totals.outside + totals.vault + totals.fund + totals.reserve - totals.initial);
}

/**
 * 1e-13 of the gross amounts involved (equity, twice the open interest, funds): under a cent on a
 * $40B gross; the float error of a run is ~1e-16 of gross, so a leak of a cent on one account shows.
 */
export function ledgerTolerance(gross: number): number {
  return 1e-13 * gross;
}
