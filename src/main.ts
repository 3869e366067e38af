import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { projectPath } from './paths.ts';
import { DatabaseOpenError, openDatabase } from './store/database.ts';
import { CHAT_FACES } from './platforms/registry.ts';

/**
 * `npm start`: reads .env, validates the configuration, and starts the faces that have tokens
 * (the terminal chat when none has; `--terminal` adds it anyway).
 */
const envFile = projectPath('.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const { values } = parseArgs({ options: { terminal: { type: 'boolean', default: false } }, strict: false });

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const hasFace = CHAT_FACES.some((face) => face.configure(config) !== undefined);
const terminalWanted = !hasFace || values.terminal === true;
// In the terminal chat, logs go to stderr and only errors unless LOG_LEVEL says otherwise, so they do not interleave with replies.
const logger = createLogger(terminalWanted && !process.env.LOG_LEVEL ? 'error' : config.logLevel, {}, terminalWanted ? 2 : 1);

// The database is checked before the rest of the bot loads, so a bad DATABASE_PATH is one line at once.
try {
  openDatabase(config.databasePath).close();
} catch (error) {
  if (error instanceof DatabaseOpenError) {
    process.stderr.write(`Database error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const { startApp } = await import('./app.ts');
const app = await startApp(config, {
  logger,
  terminal: terminalWanted ? { input: process.stdin, output: process.stdout, locale: process.env.LANG } : false,
});

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  try {
    await app.stop();
  } catch (error) {
    logger.error({ err: error }, 'stop failed');
    process.exit(1);
  }
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

if (terminalWanted) {
  await app.terminalDone;
  if (!hasFace) await shutdown('end of input');
}
