import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.ts';

export type Db = Database.Database;

/**
 * The database cannot be opened: the path is a folder, sits under a file, its folder cannot be
 * created, or the file is not an SQLite database. `message` is one line naming the path and the
 * cause, for the operator (npm start and the CLI print it and exit 1).
 */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    cause: string,
  ) {
    super(`DATABASE_PATH "${path}" ${cause}`);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * Opens the one SQLite database file (or `:memory:`), in WAL mode with a busy timeout,
 * and brings its schema up to date. Migrations are versioned and each runs once, in a
 * transaction, recorded in `schema_migrations`. Throws DatabaseOpenError when the file cannot
 * be opened as a database.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') prepareFolder(path);
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Deleted rows (a removed API key, a user who asked to be forgotten) are overwritten with zeros,
    // not left in free pages; eraseDeleted() then empties the write-ahead log too.
    db.pragma('secure_delete = ON');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db?.close();
    throw new DatabaseOpenError(path, sqliteCause(error));
  }
}

/**
 * Checks the path and creates its missing folders one level at a time. (Node's recursive mkdir
 * loops forever under /proc, where mkdir answers ENOENT for a folder whose parent exists.)
 */
function prepareFolder(path: string): void {
  const kind = kindOf(path);
  if (kind === 'directory') throw new DatabaseOpenError(path, 'is a directory; name a file in it, such as data/runtime/adl-sentinel.db');
  const missing: string[] = [];
  let folder = dirname(resolve(path));
  for (;;) {
    const found = kindOf(folder);
    if (found === 'directory') break;
    if (found === 'file') throw new DatabaseOpenError(path, `cannot be created: ${folder} is a file, not a folder`);
    missing.unshift(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new DatabaseOpenError(path, `cannot be created: cannot create the folder ${dir} (${code})`);
    }
  }
}

function kindOf(path: string): 'directory' | 'file' | undefined {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/** SQLite's reason, in words an operator can act on. */
function sqliteCause(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') return `is not an SQLite database (${message}); move it aside or point DATABASE_PATH elsewhere`;
  if (code === 'SQLITE_CORRUPT') return `is damaged (${message}); restore a backup or move it aside`;
  if (code === 'SQLITE_CANTOPEN') return `cannot be opened (${message}): check the folder exists and is writable`;
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') return `is read-only (${message})`;
  return `cannot be used (${code ? `${code}: ` : ''}${message.split('\n')[0]})`;
}

/**
 * After deleting something that must not stay readable: copies the write-ahead log into the
 * database (where secure_delete has zeroed the rows) and truncates the log, so no older copy of
 * the page survives in either file. Returns false when another connection kept the log in use (it
 * is emptied at a later checkpoint).
 */
export function eraseDeleted(db: Db): boolean {
  if (db.memory) return true;
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return result?.busy === 0;
}

export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error('migrations: duplicate version number');
  const ran: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
    ran.push(migration.version);
  }
  return ran;
}
