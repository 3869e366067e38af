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
  {
    version: 300,
    name: 'venue tier tables',
    sql: `
      -- the last tier table (and contract size) each venue gave for a symbol, with when it was fetched:
      -- a fresh copy (≤ 24 h) is used as is, an older one when the venue does not answer (its age shown)
      CREATE TABLE venue_tier_tables (
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        -- OKX gives different tiers for cross and isolated margin; '' for venues with one table
        variant TEXT NOT NULL DEFAULT '',
        fetched_at INTEGER NOT NULL,
        table_json TEXT NOT NULL,
        contract_json TEXT,
        PRIMARY KEY (venue, symbol, variant)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 400,
    name: 'watch list',
    sql: `
      -- a person who watches accounts: where their alerts go and in which language
      CREATE TABLE watch_owners (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        -- the chat that reaches them privately (Telegram: their user id; Discord: the DM channel), once known
        private_chat_id TEXT,
        lang TEXT NOT NULL CHECK (lang IN ('en', 'vi')),
        paused_at INTEGER,
        paused_reason TEXT,
        PRIMARY KEY (platform, user_id)
      );
      CREATE INDEX watch_owners_chat ON watch_owners (platform, private_chat_id);
      -- one watched account of one person
      CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        venue TEXT NOT NULL,
        account TEXT NOT NULL,
        label TEXT NOT NULL,
        -- keyed venues: the stored (encrypted) read-only key this watch reads with; NULL for public accounts
        key_id INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (platform, user_id, venue, account),
        UNIQUE (platform, user_id, label COLLATE NOCASE)
      );
      CREATE INDEX watches_account ON watches (venue, account);
      -- polling state per venue account, shared by everyone watching it
      CREATE TABLE watch_accounts (
        venue TEXT NOT NULL,
        account TEXT NOT NULL,
        checked_at INTEGER,
        risk TEXT NOT NULL DEFAULT 'new',
        -- last seen sizes by coin and side (JSON), to notice a position shrinking or vanishing
        positions TEXT NOT NULL DEFAULT '{}',
        -- forced fills before this time are settled (receipted, or older than the watch)
        fills_from INTEGER NOT NULL,
        fills_checked_at INTEGER,
        fills_due INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        retry_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        PRIMARY KEY (venue, account)
      );
      -- forced fills (ADL, liquidation) seen, by the venue's fill id: one receipt each
      CREATE TABLE watch_fills (
        venue TEXT NOT NULL,
        account TEXT NOT NULL,
        fill_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        fill TEXT NOT NULL,
        PRIMARY KEY (venue, account, fill_id)
      ) WITHOUT ROWID;
      -- alert tiers per position: armed again only after the reading moves back past the hysteresis
      CREATE TABLE watch_tiers (
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        position TEXT NOT NULL,
        kind TEXT NOT NULL,
        tier REAL NOT NULL,
        armed INTEGER NOT NULL,
        sent_at INTEGER,
        PRIMARY KEY (watch_id, position, kind, tier)
      ) WITHOUT ROWID;
      -- alerts and receipts on their way to private chats, written with the decision that made them
      CREATE TABLE watch_outbox (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        item TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX watch_outbox_pending ON watch_outbox (status, next_attempt_at);
    `,
  },
  {
    version: 401,
    name: 'watch outbox: sending and uncertain',
    // The watch list's messages go through the same delivery queue as the alerts (migration 202):
    // `sending` committed before the platform call, `uncertain` for a send that may have been
    // posted and is not repeated, first_attempt_at dating the idempotency key's window.
    sql: `
      CREATE TABLE watch_outbox_new (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        item TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dropped', 'uncertain')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        first_attempt_at INTEGER,
        last_error TEXT
      );
      INSERT INTO watch_outbox_new (id, watch_id, platform, chat_id, item, status, attempts, next_attempt_at, created_at, last_error)
        SELECT id, watch_id, platform, chat_id, item, status, attempts, next_attempt_at, created_at, last_error FROM watch_outbox;
      DROP TABLE watch_outbox;
      ALTER TABLE watch_outbox_new RENAME TO watch_outbox;
      CREATE INDEX watch_outbox_pending ON watch_outbox (status, next_attempt_at);
    `,
  },
  {
    version: 500,
    name: 'liquidation stream aggregates',
    sql: `
      -- per minute, venue, coin and liquidated side, from the venues' public liquidation streams;
      -- kept as long as the market minutes (48 h). Keyed by minute first: pruning and "the last
      -- hour" are range scans.
      CREATE TABLE stream_liquidation_minutes (
        minute INTEGER NOT NULL,
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('long', 'short')),
        count INTEGER NOT NULL,
        usd REAL NOT NULL,
        largest_usd REAL NOT NULL,
        largest_price REAL NOT NULL,
        PRIMARY KEY (minute, venue, symbol, side)
      ) WITHOUT ROWID;
      -- when a venue's stream was down (or the bot was): totals across a gap are partial
      CREATE TABLE stream_gaps (
        venue TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        reason TEXT NOT NULL,
        PRIMARY KEY (venue, started_at)
      ) WITHOUT ROWID;
      -- each venue's stream as last seen by the bot (the CLI and /health of another process read it)
      CREATE TABLE stream_status (
        venue TEXT PRIMARY KEY,
        coverage_since INTEGER NOT NULL,
        connected INTEGER NOT NULL,
        last_message_at INTEGER,
        reconnects INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 501,
    name: 'crash episodes and live digests',
    sql: `
      -- a crash seen on the streams, from its first trigger until it has been calm for a while
      CREATE TABLE stream_crash_episodes (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL,
        ended_at INTEGER,
        state TEXT NOT NULL
      );
      -- the one message per chat and episode that the bot edits, so a restart continues it
      CREATE TABLE stream_digests (
        episode_id INTEGER NOT NULL,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'live', 'final', 'failed')),
        versions INTEGER NOT NULL DEFAULT 0,
        last_sent_at INTEGER,
        next_at INTEGER NOT NULL,
        content_hash TEXT,
        last_error TEXT,
        PRIMARY KEY (episode_id, platform, chat_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 502,
    name: 'live digests: sending and uncertain',
    // A digest's new message (its first version, or a final summary where the face cannot edit) is
    // marked sending_since (committed) before the platform call and cleared once its id is stored:
    // a restart then knows the message may be out without its id. `uncertain`: perhaps posted,
    // never posted again (at most once; Discord repeats with the same nonce within 2 min instead).
    sql: `
      CREATE TABLE stream_digests_new (
        episode_id INTEGER NOT NULL,
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'live', 'final', 'failed', 'uncertain')),
        versions INTEGER NOT NULL DEFAULT 0,
        last_sent_at INTEGER,
        next_at INTEGER NOT NULL,
        content_hash TEXT,
        last_error TEXT,
        sending_since INTEGER,
        PRIMARY KEY (episode_id, platform, chat_id)
      ) WITHOUT ROWID;
      INSERT INTO stream_digests_new (episode_id, platform, chat_id, message_id, status, versions, last_sent_at, next_at, content_hash, last_error)
        SELECT episode_id, platform, chat_id, message_id, status, versions, last_sent_at, next_at, content_hash, last_error FROM stream_digests;
      DROP TABLE stream_digests;
      ALTER TABLE stream_digests_new RENAME TO stream_digests;
    `,
  },
  {
    version: 600,
    name: 'read-only API keys',
    // A user's read-only key for a keyed venue (Binance, Bybit, OKX), sealed with AES-256-GCM under
    // WATCH_ENCRYPTION_KEY (src/watch/keys/vault.ts): each secret its own IV and tag, the owner,
    // venue and field as associated data. Nothing here is readable without the master key;
    // `master_id` names which master key sealed the row (a fingerprint, for rotation). The
    // database runs with secure_delete, so a deleted key leaves zeros behind.
    sql: `
      CREATE TABLE watch_keys (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        venue TEXT NOT NULL,
        master_id TEXT NOT NULL,
        api_key BLOB NOT NULL,
        secret BLOB NOT NULL,
        passphrase BLOB,
        -- the venue said the key is bound to IP addresses
        ip_restricted INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX watch_keys_owner ON watch_keys (platform, user_id);
      -- a watch whose key the venue rejected (revoked, expired) stops until the key is replaced
      ALTER TABLE watches ADD COLUMN paused_at INTEGER;
      ALTER TABLE watches ADD COLUMN paused_reason TEXT;
      -- Binance brackets read with a user's key (they can be adjusted for one account): that user's /liq only
      CREATE TABLE watch_key_brackets (
        key_id INTEGER NOT NULL REFERENCES watch_keys (id) ON DELETE CASCADE,
        symbol TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        table_json TEXT NOT NULL,
        PRIMARY KEY (key_id, symbol)
      ) WITHOUT ROWID;
    `,
  },
];
