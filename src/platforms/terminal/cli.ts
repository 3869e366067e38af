import { existsSync } from 'node:fs';
import { COMMANDS } from '../../../commands/index.ts';
import { createServices } from '../../app.ts';
import type { Lang } from '../../chat/command.ts';
import { Dispatcher, type Invocation } from '../../chat/dispatcher.ts';
import { langFromLocale, translator } from '../../chat/i18n.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { projectPath } from '../../paths.ts';
import { DatabaseOpenError, openDatabase, type Db } from '../../store/database.ts';
import { CLI_PROFILE } from './profile.ts';
import { oneLine, renderTerminal } from './render.ts';

/**
 * The one-shot CLI: `npm run -s cli -- <command> [words] [--option value …] [--lang en|vi] [--json]`.
 * Same commands and option grammar as the chats. `--json` prints reply.data as one JSON object.
 * Bad input: exit code 2 and one line on stderr saying what to type instead; our own failure: 1.
 */
const EXIT_USAGE = 2;

function fail(message: string, code = EXIT_USAGE): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const envFile = projectPath('.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const words = process.argv.slice(2);
let json = false;
let wantHelp = false;
let lang: Lang | undefined;
const rest: string[] = [];
for (let i = 0; i < words.length; i++) {
  const word = words[i];
  if (word === '--json') json = true;
  else if (word === '--help' || word === '-h') wantHelp = true;
  else if (word === '--lang' || word.startsWith('--lang=')) {
    const value = word.includes('=') ? word.slice('--lang='.length) : words[++i];
    if (value !== 'en' && value !== 'vi') fail('--lang must be en or vi, e.g. --lang vi');
    lang = value;
  } else rest.push(word);
}
lang ??= langFromLocale(process.env.LANG);
const t = translator(lang);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`, 1);
  throw error;
}
// stderr carries the one-line answer to bad input, so only real failures are logged there unless LOG_LEVEL asks for more.
const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'error', {}, 2);
let db: Db;
try {
  db = openDatabase(config.databasePath);
} catch (error) {
  if (error instanceof DatabaseOpenError) fail(`Database error: ${error.message}`, 1);
  throw error;
}
// The CLI posts nothing (no senders): `alerts run-once` evaluates and prints what it would send.
const { services } = createServices(config, db, logger);
const dispatcher = new Dispatcher({ commands: COMMANDS, services, logger, secrets: config.secrets });
const invocation: Invocation = { face: CLI_PROFILE, user: { id: 'cli' }, chat: { id: 'cli', kind: 'private' }, lang };

const name = rest.shift();
const help = dispatcher.find('help')!;
const command = name === undefined ? help : dispatcher.find(name);
if (!command) {
  db.close();
  fail(`${t('chat.error.unknown-command', { name: name ?? '' })} ${t('chat.hint.example', { example: 'npm run -s cli -- help' })}`);
}
const result = wantHelp || name === undefined
  ? await dispatcher.runWords(invocation, help, name && command !== help ? [command.name] : rest)
  : await dispatcher.runWords(invocation, command, rest);
db.close();

if (result.kind === 'unknown' || result.failure) {
  fail(oneLine(result.reply), result.kind === 'reply' && result.failure === 'internal' ? 1 : EXIT_USAGE);
}
if (json) process.stdout.write(`${JSON.stringify(result.reply.data ?? {})}\n`);
else process.stdout.write(`${renderTerminal(result.reply, { lang: result.lang, color: Boolean(process.stdout.isTTY) })}\n`);
