import { pino } from 'pino';
import type { Lang } from '../../src/chat/command.ts';
import type { ChatContext, Platform } from '../../src/chat/context.ts';
import { translator } from '../../src/chat/i18n.ts';
import type { Services } from '../../src/chat/services.ts';
import { openDatabase } from '../../src/store/database.ts';
import { PreferencesRepository } from '../../src/store/preferences.ts';

/** Services on a fresh in-memory database; pass `overrides` for the parts a test replaces. */
export function makeTestServices(overrides: Partial<Services> = {}): Services {
  const db = openDatabase(':memory:');
  return { preferences: new PreferencesRepository(db), ...overrides };
}

/** A ChatContext as a face would build it, for calling `command.run` directly in tests. */
export function makeTestContext(options: {
  lang?: Lang;
  platform?: Platform;
  services?: Services;
  canManageChat?: boolean;
  now?: Date;
  userId?: string;
  chatId?: string;
  chatKind?: 'private' | 'group' | 'channel';
} = {}): ChatContext {
  const lang = options.lang ?? 'en';
  const now = options.now ?? new Date('2025-10-10T21:15:00Z');
  return {
    platform: options.platform ?? 'cli',
    lang,
    t: translator(lang),
    user: { id: options.userId ?? 'test-user', name: 'Tester' },
    chat: { id: options.chatId ?? 'test-chat', kind: options.chatKind ?? 'private' },
    canManageChat: options.canManageChat ?? true,
    services: options.services ?? makeTestServices(),
    logger: pino({ level: 'silent' }),
    now: () => now,
  };
}
