import type { LiveValues } from '../live-values.ts';
import { live as adl } from './adl.ts';
import { live as adlAtALoss } from './adl-at-a-loss.ts';
import { live as adlHedges } from './adl-hedges.ts';
import { live as adlPolicies } from './adl-policies.ts';
import { live as crash20251010 } from './crash-2025-10-10.ts';
import { live as funding } from './funding.ts';
import { live as insuranceFund } from './insurance-fund.ts';
import { live as liquidation } from './liquidation.ts';
import { live as liquidationDebt } from './liquidation-debt.ts';
import { live as markPrice } from './mark-price.ts';
import { live as openInterest } from './open-interest.ts';
import { live as stopsAndWarnings } from './stops-and-warnings.ts';
import { live as whereMoneyGoes } from './where-money-goes.ts';
import { live as zeroSum } from './zero-sum.ts';

/**
 * Each topic with `{{placeholders}}` names its LiveValues module here (one line per topic).
 * Topics without live numbers need no entry.
 */
export const LIVE_VALUES: Readonly<Record<string, LiveValues>> = {
  adl,
  liquidation,
  'insurance-fund': insuranceFund,
  funding,
  'open-interest': openInterest,
  'mark-price': markPrice,
  'zero-sum': zeroSum,
  'adl-policies': adlPolicies,
  'crash-2025-10-10': crash20251010,
  'adl-at-a-loss': adlAtALoss,
  'adl-hedges': adlHedges,
  'where-money-goes': whereMoneyGoes,
  'liquidation-debt': liquidationDebt,
  'stops-and-warnings': stopsAndWarnings,
};
