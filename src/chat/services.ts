import type { PreferencesRepository } from '../store/preferences.ts';
import type { SimulationRunner } from '../simulator/runner.ts';
import type { MarketService } from '../market/service.ts';
import type { AlertService } from '../alerts/service.ts';
import type { VenueTables } from '../market/tiers/service.ts';

/**
 * The long-lived things commands use, built once in src/main.ts (the composition root)
 * and passed to every face. Tests build them with local fakes.
 * Optional fields are services a command can do without (it says so, or runs in-process).
 */
export interface Services {
  preferences: PreferencesRepository;
  /** Runs /simulate in worker threads (built in src/main.ts with config.simulateMaxPositions). */
  simulator?: SimulationRunner;
  /** Venue polling and stored snapshots (`/market`). */
  market?: MarketService;
  /** Subscriptions, the alert cycle and delivery (`/alerts`). */
  alerts?: AlertService;
  /** Per-symbol tier tables (`/liq`, `/adl-rank`); without it only the shipped tables are used. */
  venueTables?: VenueTables;
}
