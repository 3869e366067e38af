import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../config.ts';
import { projectPath } from '../../paths.ts';
import { DatabaseOpenError, eraseDeleted, openDatabase } from '../../store/database.ts';
import { KeyRepository } from '../../store/key-repository.ts';
import { rotateKeys } from './keyring.ts';
import { KeyVault } from './vault.ts';

/**
 * `npm run -s rotate-watch-key`: re-seals every stored read-only key under a new master key.
 * WATCH_ENCRYPTION_KEY is the current key, WATCH_ENCRYPTION_KEY_NEW the new one (32 random bytes in
 * base64: `openssl rand -base64 32`). Stop the bot first; run this; set WATCH_ENCRYPTION_KEY to the
 * new key; start the bot. All rows are re-sealed in one transaction (a failure changes nothing),
 * and a rotation that stopped half-way can run again. Neither key nor any stored key is printed.
 */
const envFile = projectPath('.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

try {
  const config = loadConfig();
  const current = config.watch.encryptionKey;
  const next = newMasterKey(process.env.WATCH_ENCRYPTION_KEY_NEW);
  if (!current) throw new ConfigError('WATCH_ENCRYPTION_KEY must be set to the key the stored keys are sealed with');
  if (!next) throw new ConfigError('WATCH_ENCRYPTION_KEY_NEW must be set to the new key (openssl rand -base64 32)');
  const db = openDatabase(config.databasePath);
  const { resealed, already } = rotateKeys(new KeyRepository(db), new KeyVault(current), new KeyVault(next));
  // The old sealed values are overwritten (secure_delete) and the log emptied.
  eraseDeleted(db);
  db.close();
  process.stdout.write(`Re-sealed ${resealed} key(s) under the new master key (${already} already were). Now set WATCH_ENCRYPTION_KEY to the new key and start the bot.\n`);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DatabaseOpenError) {
    process.stderr.write(`Rotation stopped: ${error.message}\n`);
    process.exit(1);
  }
  // A key that does not open with the current master key: nothing was changed.
  process.stderr.write(`Rotation stopped, nothing changed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

/** The new master key, checked by the same rule as WATCH_ENCRYPTION_KEY. */
function newMasterKey(value: string | undefined): Buffer | undefined {
  try {
    return loadConfig({ WATCH_ENCRYPTION_KEY: value }).watch.encryptionKey;
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.message.replace(/^WATCH_ENCRYPTION_KEY\b/, 'WATCH_ENCRYPTION_KEY_NEW'));
    throw error;
  }
}
