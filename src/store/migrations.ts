export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, in order. Never edit a migration that has shipped: add a new one.
 * Version ranges by feature keep parallel work apart: 1–99 chat/preferences,
 * 100–199 market data, 200–299 alerts.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'preferences',
    sql: `
      CREATE TABLE user_preferences (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        lang TEXT NOT NULL CHECK (lang IN ('en', 'vi')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, user_id)
      );
      CREATE TABLE chat_preferences (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        lang TEXT NOT NULL CHECK (lang IN ('en', 'vi')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, chat_id)
      );
    `,
  },
];
