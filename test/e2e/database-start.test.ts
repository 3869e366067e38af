import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../src/paths.ts';

/**
 * A database that cannot be opened at start (issue 10, fault 6): `npm start` and the CLI print
 * one line naming DATABASE_PATH and the cause, and exit 1, with no stack trace. Before, each case
 * printed better-sqlite3's stack, and a path under /proc made Node's recursive mkdir spin at full
 * CPU forever (here a child still running after 30 s is killed, and the test fails).
 */
const CHILD_TIMEOUT_MS = 30_000;

function run(entry: string, args: string[], databasePath: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: projectPath(),
      env: { ...process.env, DATABASE_PATH: databasePath, TELEGRAM_BOT_TOKEN: '', DISCORD_TOKEN: '', LOG_LEVEL: '' },
      timeout: CHILD_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('npm start and the CLI: a database that cannot be opened is one line naming DATABASE_PATH and the cause, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adl-db-'));
  try {
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, Buffer.alloc(8192, 0x5a));
    const cases: Array<[string, string, RegExp]> = [
      ['a directory', dir, /is a directory/],
      ['under a file', join(aFile, 'adl.db'), /is a file, not a folder/],
      ['corrupt', corrupt, /not an SQLite database|malformed/],
      ['under /proc', '/proc/adl-sentinel-test/data/adl.db', /cannot create the folder/],
    ];
    const results = await Promise.all(cases.map(([, path]) => run('src/main.ts', [], path)));
    results.push(await run('src/platforms/terminal/cli.ts', ['help'], dir));
    cases.push(['a directory (CLI)', dir, /is a directory/]);
    for (const [index, [name, path, cause]] of cases.entries()) {
      const { code, signal, stderr } = results[index];
      assert.equal(signal, null, `${name}: still running after ${CHILD_TIMEOUT_MS / 1000} s`);
      assert.equal(code, 1, `${name}: exit code (stderr: ${stderr})`);
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
