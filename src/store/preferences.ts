import type { Lang } from '../chat/command.ts';
import type { LanguagePreferences } from '../chat/preferences.ts';
import type { Db } from './database.ts';

/** Language choices per user (replies) and per chat/server (alerts), keyed by face id. */
export class PreferencesRepository implements LanguagePreferences {
  private readonly getUser;
  private readonly setUser;
  private readonly getChat;
  private readonly setChat;

  constructor(db: Db) {
    this.getUser = db.prepare<[string, string], { lang: Lang }>(
      'SELECT lang FROM user_preferences WHERE platform = ? AND user_id = ?',
    );
    this.setUser = db.prepare(
      `INSERT INTO user_preferences (platform, user_id, lang, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
    );
    this.getChat = db.prepare<[string, string], { lang: Lang }>(
      'SELECT lang FROM chat_preferences WHERE platform = ? AND chat_id = ?',
    );
    this.setChat = db.prepare(
      `INSERT INTO chat_preferences (platform, chat_id, lang, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, chat_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
    );
  }

  userLang(platform: string, userId: string): Lang | undefined {
    return this.getUser.get(platform, userId)?.lang;
  }

  setUserLang(platform: string, userId: string, lang: Lang, now = new Date()): void {
    this.setUser.run(platform, userId, lang, now.toISOString());
  }

  chatLang(platform: string, chatId: string): Lang | undefined {
    return this.getChat.get(platform, chatId)?.lang;
  }

  setChatLang(platform: string, chatId: string, lang: Lang, now = new Date()): void {
    this.setChat.run(platform, chatId, lang, now.toISOString());
  }
}
