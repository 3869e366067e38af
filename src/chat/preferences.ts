import type { Lang } from './command.ts';
import { serviceKey } from './services.ts';

/**
 * Stored language choices: per user (their replies) and per chat (its alerts), keyed by the face
 * id (`FaceProfile.id`) and that face's user or chat id. src/store/preferences.ts keeps them in SQLite.
 */
export interface LanguagePreferences {
  userLang(face: string, userId: string): Lang | undefined;
  setUserLang(face: string, userId: string, lang: Lang, now?: Date): void;
  chatLang(face: string, chatId: string): Lang | undefined;
  setChatLang(face: string, chatId: string, lang: Lang, now?: Date): void;
}

export const LANGUAGE_PREFERENCES = serviceKey<LanguagePreferences>('language-preferences');
