import type { Lang } from '../chat/command.ts';
import { UserError } from '../chat/errors.ts';
import { translator } from '../chat/i18n.ts';
import { isCalculationInputError } from '../core/errors.ts';
import { getVenue, VENUE_IDS } from '../core/venues.ts';
import type { ReaderPosition } from './payload.ts';

/** Venues a reader's position can be on (the ADL calculator's venues). */
export const EXPLAIN_VENUES: readonly string[] = VENUE_IDS;

const EXPLAINED_CODES = new Set(['leverage-above-max', 'already-liquidated', 'too-large', 'notional-above-table']);

/** The ADL calculator refusing the reader's position, as a UserError; undefined for anything else. */
export function positionError(error: unknown, position: ReaderPosition, lang: Lang): UserError | undefined {
  if (!isCalculationInputError(error)) return undefined;
  const t = translator(lang);
  const venue = getVenue(position.venue).displayName;
  const reason = EXPLAINED_CODES.has(error.code)
    ? t(`explain.error.calc.${error.code}`, { ...error.params, venue })
    : t('explain.error.calc.other', { code: error.code });
  return new UserError('explain.error.position-invalid', { venue, reason }, { key: 'explain.hint.position' });
}
