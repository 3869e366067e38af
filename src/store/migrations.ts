export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, in order. Never edit a migration that has shipped: add a new one.
 * Version ranges by feature keep parallel work apart: 1–99 chat/preferences,
 * 100–199 market data, 200–299 alerts, 300–399 venue tables, 400–499 watch, 500–599 streams,
 * 600–699 keys.
 *
 * Face ids (`platform` columns) are not constrained here: the faces are listed once, in
 * src/platforms/registry.ts, and a new face needs no schema change.
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
  {
    version: 100,
    name: 'market snapshots',
    sql: `
      CREATE TABLE market_instruments (
        id INTEGER PRIMARY KEY,
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        instrument TEXT NOT NULL,
        UNIQUE (venue, instrument)
      );
      CREATE INDEX market_instruments_symbol ON market_instruments (symbol);
      -- minute resolution, kept ~48 h: only what the look-backs read (price, funding, OI), keyed by
      -- minute first so pruning and "all symbols at minute m" are range scans. Full rows live in
      -- market_latest; longer history in market_hourly.
      CREATE TABLE market_minutes (
        minute INTEGER NOT NULL,
        instrument_id INTEGER NOT NULL,
        mark REAL NOT NULL,
        funding_rate REAL,
        open_interest REAL,
        PRIMARY KEY (minute, instrument_id)
      ) WITHOUT ROWID;
      -- the newest row per instrument (what /market shows), upserted each cycle
      CREATE TABLE market_latest (
        instrument_id INTEGER PRIMARY KEY,
        minute INTEGER NOT NULL,
        time INTEGER NOT NULL,
        mark REAL NOT NULL,
        index_price REAL,
        last REAL,
        funding_rate REAL,
        funding_interval_h REAL NOT NULL,
        open_interest REAL,
        open_interest_usd REAL,
        volume_usd REAL,
        change_24h REAL,
        adl_risk INTEGER
      );
      -- hourly aggregates, kept ~90 days: charts and the funding baseline (z-score). Keyed by hour
      -- first: "the last 24 h of these instruments" and "all of last month" are range scans.
      CREATE TABLE market_hourly (
        hour INTEGER NOT NULL,
        instrument_id INTEGER NOT NULL,
        mark_close REAL NOT NULL,
        funding_apr_sum REAL NOT NULL DEFAULT 0,
        funding_samples INTEGER NOT NULL DEFAULT 0,
        open_interest REAL,
        open_interest_usd REAL,
        samples INTEGER NOT NULL,
        PRIMARY KEY (hour, instrument_id)
      ) WITHOUT ROWID;
      CREATE TABLE market_venue_status (
        venue TEXT PRIMARY KEY,
        last_success INTEGER,
        last_attempt INTEGER,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        paused_until INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
    `,
  },
  {
    version: 200,
    name: 'alerts',
    sql: `
      CREATE TABLE alert_subscriptions (
        platform TEXT NOT NULL CHECK (platform IN ('discord', 'telegram')),
        chat_id TEXT NOT NULL,
        kinds TEXT NOT NULL,
        symbols TEXT NOT NULL,
        venues TEXT NOT NULL,
        min_severity TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        paused_at TEXT,
        paused_reason TEXT,
        PRIMARY KEY (platform, chat_id)
      );
      -- dedup / cooldown: the last alert per (target, venue group, symbol, kind)
      CREATE TABLE alert_sent (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        venue_group TEXT NOT NULL,
        symbol TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        PRIMARY KEY (platform, chat_id, venue_group, symbol, kind)
      );
      -- the delivery queue, persisted with the dedup record so a restart neither loses nor repeats
      CREATE TABLE alert_outbox (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        alert TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX alert_outbox_pending ON alert_outbox (status, next_attempt_at);
    `,
  },
  {
    version: 201,
    name: 'alert subscriptions for any face',
    // Migration 200 limited `platform` to discord and telegram; SQLite cannot drop a CHECK, so the
    // table is rebuilt without it (same columns, same rows).
    sql: `
      CREATE TABLE alert_subscriptions_new (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kinds TEXT NOT NULL,
        symbols TEXT NOT NULL,
        venues TEXT NOT NULL,
        min_severity TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        paused_at TEXT,
        paused_reason TEXT,
        PRIMARY KEY (platform, chat_id)
      );
      INSERT INTO alert_subscriptions_new SELECT platform, chat_id, kinds, symbols, venues, min_severity, created_by, created_at, paused_at, paused_reason FROM alert_subscriptions;
      DROP TABLE alert_subscriptions;
      ALTER TABLE alert_subscriptions_new RENAME TO alert_subscriptions;
    `,
  },
  {
    version: 202,
    name: 'alert outbox: sending and uncertain',
    // A row is marked `sending` (committed) before the platform call and `sent` after it, so a
    // restart can tell an interrupted send from one never tried; `uncertain` is a send that may
    // have been posted and is not repeated. first_attempt_at dates the idempotency key's window.
    sql: `
      CREATE TABLE alert_outbox_new (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        alert TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        first_attempt_at INTEGER,
        last_error TEXT
      );
      INSERT INTO alert_outbox_new (id, platform, chat_id, alert, status, attempts, next_attempt_at, created_at, last_error)
        SELECT id, platform, chat_id, alert, status, attempts, next_attempt_at, created_at, last_error FROM alert_outbox;
      DROP TABLE alert_outbox;
      ALTER TABLE alert_outbox_new RENAME TO alert_outbox;
      CREATE INDEX alert_outbox_pending ON alert_outbox (status, next_attempt_at);
    `,
  },
];
