/**
 * Impossible calculator inputs. Core never imports src/chat: commands translate a
 * CalculationInputError into a UserError with the i18n key `liq.error.<code>`.
 */
export const CALCULATION_INPUT_ERROR_CODES = [
  'unknown-venue',
  'unknown-symbol',
  'not-positive',
  'not-finite',
  'too-large',
  'size-missing',
  'size-both',
  'margin-missing',
  'margin-conflict',
  'wallet-missing',
  'leverage-above-max',
  'leverage-below-one',
  'notional-above-table',
  'mmr-out-of-range',
  'already-liquidated',
  'past-bankruptcy',
  'not-ranked',
  'table-missing',
  'contracts-not-used',
  'contract-size-unknown',
  'contracts-lot',
  'cum-without-mmr',
  'wallet-too-small',
] as const;
export type CalculationInputErrorCode = (typeof CALCULATION_INPUT_ERROR_CODES)[number];

export type CalculationInputParams = Record<string, string | number>;

export class CalculationInputError extends Error {
  readonly code: CalculationInputErrorCode;
  readonly params: CalculationInputParams;

  constructor(code: CalculationInputErrorCode, params: CalculationInputParams = {}) {
    super(`${code}${Object.keys(params).length ? ` ${JSON.stringify(params)}` : ''}`);
    this.name = 'CalculationInputError';
    this.code = code;
    this.params = params;
  }
}

export function isCalculationInputError(error: unknown): error is CalculationInputError {
  return error instanceof CalculationInputError;
}
