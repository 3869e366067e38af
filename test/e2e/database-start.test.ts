import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseOpenError, openDatabase } from '../../src/store/database.ts';
import { runProcess } from '../support/process.ts';

/**
 * A database that cannot be opened at start (issue 10, fault 6): `npm start` and the CLI print
 * one line naming DATABASE_PATH and the cause, and exit 1, with no stack trace. Before, each case
 * printed better-sqlite3's stack, and a path under /proc made Node's recursive mkdir spin at full
 * CPU forever (here a child still running after a minute is killed, and the test fails).
 */
const run = (entry: string, args: string[], databasePath: string) =>
  runProcess(process.execPath, ['--import', 'tsx', entry, ...args], { ...process.env, DATABASE_PATH: databasePath, TELEGRAM_BOT_TOKEN: '', DISCORD_TOKEN: '', LOG_LEVEL: '' });

function badPaths(dir: string): Array<[string, string, RegExp]> {
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
  const corrupt = join(dir, 'corrupt.db');
  writeFileSync(corrupt, Buffer.alloc(8192, 0x5a));
  return [
    ['a directory', dir, /is a directory/],
    ['under a file', join(aFile, 'adl.db'), /is a file, not a folder/],
    ['corrupt', corrupt, /not an SQLite database|damaged/],
    ['under /proc', '/proc/adl-sentinel-test/data/adl.db', /cannot create the folder/],
  ];
}

test('openDatabase: each cause is a DatabaseOpenError naming DATABASE_PATH, the path and what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adl-db-'));
  try {
    for (const [name, path, cause] of badPaths(dir)) {
      assert.throws(
        () => openDatabase(path),
        (error: unknown) => error instanceof DatabaseOpenError && /^DATABASE_PATH "/.test(error.message) && error.message.includes(path) && cause.test(error.message) && !error.message.includes('\n'),
        name,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm start and the CLI: a database that cannot be opened is one line on stderr and exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adl-db-'));
  try {
    const [directory, , , proc] = badPaths(dir);
    const cases: Array<[string, string, string[], string, RegExp]> = [
      ['npm start, a directory', 'src/main.ts', [], directory[1], directory[2]],
      ['npm start, under /proc', 'src/main.ts', [], proc[1], proc[2]],
      ['CLI, a directory', 'src/platforms/terminal/cli.ts', ['help'], directory[1], directory[2]],
    ];
    const results = await Promise.all(cases.map(([, entry, args, path]) => run(entry, args, path)));
    for (const [index, [name, , , path, cause]] of cases.entries()) {
      const { code, stderr } = results[index];
      assert.equal(code, 1, `${name}: exit code, null when it was still running after a minute (stderr: ${stderr})`);
      const lines = stderr.split('\n').filter((l) => l.trim());
      assert.equal(lines.length, 1, `${name}: one line, got:\n${stderr}`);
      assert.match(lines[0], /DATABASE_PATH/, name);
      assert.ok(lines[0].includes(path), `${name}: names the path`);
      assert.match(lines[0], cause, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
