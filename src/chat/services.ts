import type { PreferencesRepository } from '../store/preferences.ts';
import type { MarketService } from '../market/service.ts';
import type { AlertService } from '../alerts/service.ts';

/**
 * The long-lived things commands use, built once in src/main.ts (the composition root)
 * and passed to every face. Tests build them with local fakes.
 * Features add their service here as an optional field until every face provides it.
 */
export interface Services {
  preferences: PreferencesRepository;
  /** Venue polling and stored snapshots (`/market`). */
  market?: MarketService;
  /** Subscriptions, the alert cycle and delivery (`/alerts`). */
  alerts?: AlertService;
}
