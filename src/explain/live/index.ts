import type { LiveValues } from '../live-values.ts';
import { live as adl } from './adl.ts';
import { live as funding } from './funding.ts';
import { live as insuranceFund } from './insurance-fund.ts';
import { live as liquidation } from './liquidation.ts';

/**
 * Each topic with `{{placeholders}}` names its LiveValues module here (one line per topic).
 * Topics without live numbers need no entry.
 */
export const LIVE_VALUES: Readonly<Record<string, LiveValues>> = {
  adl,
  liquidation,
  'insurance-fund': insuranceFund,
  funding,
};
