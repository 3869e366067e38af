import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';

/**
 * A database written before the outboxes learnt `sending` and `uncertain` (the schema up to 501,
 * without 202, 401 and 502) is brought up to date with its queued rows kept.
 */
const LATER = new Set([202, 401, 502]);

test('202, 401 and 502 upgrade an existing database: queued alerts, watch messages and digests are kept, and the new statuses are accepted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  try {
    const path = join(dir, 'old.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => !LATER.has(m.version)));
    old.prepare(`INSERT INTO alert_outbox (platform, chat_id, alert, status, next_attempt_at, created_at) VALUES ('telegram', '-100', '{"n":1}', 'pending', 5, 1)`).run();
    old.prepare(`INSERT INTO watches (id, platform, user_id, venue, account, label, created_at) VALUES (7, 'discord', 'u', 'hyperliquid', '0xabc', 'main', 1)`).run();
    old.prepare(`INSERT INTO watch_outbox (watch_id, platform, chat_id, item, status, next_attempt_at, created_at) VALUES (7, 'discord', 'dm', '{"n":2}', 'pending', 5, 2)`).run();
    old.prepare(`INSERT INTO stream_digests (episode_id, platform, chat_id, message_id, status, versions, next_at) VALUES (1, 'telegram', '-100', '42', 'live', 3, 9)`).run();
    old.close();

    const db = openDatabase(path);
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
    assert.deepEqual(versions, MIGRATIONS.map((m) => m.version).sort((a, b) => a - b), 'every migration applied once');
    assert.deepEqual(db.prepare('SELECT chat_id, alert, status, first_attempt_at FROM alert_outbox').all(), [{ chat_id: '-100', alert: '{"n":1}', status: 'pending', first_attempt_at: null }]);
    assert.deepEqual(db.prepare('SELECT watch_id, item, status, first_attempt_at FROM watch_outbox').all(), [{ watch_id: 7, item: '{"n":2}', status: 'pending', first_attempt_at: null }]);
    assert.deepEqual(db.prepare('SELECT message_id, status, versions, sending_since FROM stream_digests').all(), [{ message_id: '42', status: 'live', versions: 3, sending_since: null }]);
    db.prepare(`UPDATE alert_outbox SET status = 'uncertain'`).run();
    db.prepare(`UPDATE watch_outbox SET status = 'sending'`).run();
    db.prepare(`UPDATE stream_digests SET status = 'uncertain'`).run();
    db.prepare('DELETE FROM watches WHERE id = 7').run();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM watch_outbox').get() as { n: number }).n, 0, 'still deleted with its watch');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('600 upgrades a database from before read-only keys: its watches keep running (not paused) and can carry a sealed key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  try {
    const path = join(dir, 'old.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.version < 600));
    old.prepare(`INSERT INTO watches (id, platform, user_id, venue, account, label, created_at) VALUES (3, 'telegram', 'u', 'hyperliquid', '0xabc', 'main', 1)`).run();
    old.close();
    const db = openDatabase(path);
    assert.deepEqual(db.prepare('SELECT id, paused_at, key_id FROM watches').all(), [{ id: 3, paused_at: null, key_id: null }]);
    const { lastInsertRowid } = db.prepare(`INSERT INTO watch_keys (platform, user_id, venue, master_id, api_key, secret, ip_restricted, created_at) VALUES ('telegram', 'u', 'bybit', 'f1', x'01', x'02', 0, 1)`).run();
    db.prepare(`INSERT INTO watch_key_brackets (key_id, symbol, fetched_at, table_json) VALUES (?, 'ETHUSDT', 1, '{}')`).run(lastInsertRowid);
    db.prepare('DELETE FROM watch_keys').run();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM watch_key_brackets').get() as { n: number }).n, 0, 'brackets go with their key');
    assert.equal(db.pragma('secure_delete', { simple: true }), 1, 'deleted rows are zeroed');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
