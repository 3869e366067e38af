import { pino } from 'pino';
import { ALERT_SUBSCRIPTIONS, type AlertSubscriptions } from '../../commands/alerts.ts';
import { MARKET_DATA, marketData } from '../../commands/market.ts';
import { SIMULATOR } from '../../commands/simulate.ts';
import type { Lang } from '../../src/chat/command.ts';
import type { ChatContext } from '../../src/chat/context.ts';
import { translator } from '../../src/chat/i18n.ts';
import { LANGUAGE_PREFERENCES } from '../../src/chat/preferences.ts';
import type { FaceProfile } from '../../src/chat/profile.ts';
import { Services } from '../../src/chat/services.ts';
import type { MarketService } from '../../src/market/service.ts';
import { faceProfile } from '../../src/platforms/registry.ts';
import type { SimulationRunner } from '../../src/simulator/runner.ts';
import { openDatabase } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';

/** The parts a test may provide; the rest stay absent, as in a process that runs without them. */
export interface TestServiceParts {
  preferences?: PreferencesRepository;
  simulator?: SimulationRunner;
  market?: MarketService;
  alerts?: AlertSubscriptions;
}

/** Services on a fresh in-memory database, as src/app.ts provides them; `parts` adds or replaces some. */
export function makeTestServices(parts: TestServiceParts = {}): Services & { preferences: PreferencesRepository } {
  const preferences = parts.preferences ?? new PreferencesRepository(openDatabase(':memory:'));
  let services = Services.empty().with(LANGUAGE_PREFERENCES, preferences);
  if (parts.simulator) services = services.with(SIMULATOR, parts.simulator);
  if (parts.market) services = services.with(MARKET_DATA, marketData(parts.market));
  if (parts.alerts) services = services.with(ALERT_SUBSCRIPTIONS, parts.alerts);
  return Object.assign(services, { preferences });
}

/** A face's profile by id (`telegram`, `discord`, `terminal`, `cli`). */
export function profile(id: string): FaceProfile {
  const found = faceProfile(id);
  if (!found) throw new Error(`test: no face "${id}"`);
  return found;
}

/** A ChatContext as the dispatcher builds it, for calling `command.run` directly in tests. */
export function makeTestContext(options: {
  lang?: Lang;
  /** The face id; default `cli`. */
  platform?: string;
  services?: Services;
  canManageChat?: boolean;
  now?: Date;
  userId?: string;
  chatId?: string;
  chatKind?: 'private' | 'group' | 'channel';
  /** The command whose button payloads the context sizes (default `explain`). */
  command?: string;
} = {}): ChatContext {
  const lang = options.lang ?? 'en';
  const now = options.now ?? new Date('2025-10-10T21:15:00Z');
  const face = profile(options.platform ?? 'cli');
  return {
    face,
    lang,
    t: translator(lang),
    user: { id: options.userId ?? 'test-user', name: 'Tester' },
    chat: { id: options.chatId ?? 'test-chat', kind: options.chatKind ?? 'private' },
    canManageChat: options.canManageChat ?? true,
    actionPayloadBytes: (face.limits.actionDataBytes ?? Number.POSITIVE_INFINITY) - Buffer.byteLength(`${options.command ?? 'explain'}:`),
    services: options.services ?? makeTestServices(),
    logger: pino({ level: 'silent' }),
    now: () => now,
  };
}
