import type { PreferencesRepository } from '../store/preferences.ts';
import type { SimulationRunner } from '../simulator/runner.ts';

/**
 * The long-lived things commands use, built once in src/main.ts (the composition root)
 * and passed to every face. Tests build them with local fakes.
 * Features add their service here as an optional field until every face provides it.
 */
export interface Services {
  preferences: PreferencesRepository;
  /** Runs /simulate in worker threads (built in src/main.ts with config.simulateMaxPositions). */
  simulator?: SimulationRunner;
}
