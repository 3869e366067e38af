import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectPath } from '../../src/paths.ts';
import { CHAT_FACES, FACE_PROFILES } from '../../src/platforms/registry.ts';

/**
 * Platform knowledge lives in the face folders (src/platforms/<face>/) and nowhere else: the
 * command layer, the commands, alerts and storage read the face's profile. Allowed elsewhere:
 * src/config.ts (each face's settings, the wiring) and the shipped migration 200 (never edited).
 */
const ALLOWED = new Set(['src/config.ts', 'src/store/migrations.ts']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The code without its comments (comments may explain what a platform does). */
const code = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

test('no code outside a face folder names a chat platform', () => {
  const names = CHAT_FACES.map((face) => face.profile.id);
  const pattern = new RegExp(`['"\`/.]\\s*(${names.join('|')})\\b`, 'i');
  const found: string[] = [];
  for (const file of [...files(projectPath('src')), ...files(projectPath('commands'))]) {
    const path = relative(projectPath(), file);
    if (path.startsWith('src/platforms/') || ALLOWED.has(path)) continue;
    const match = pattern.exec(code(readFileSync(file, 'utf8')));
    if (match) found.push(`${path}: ${match[0]}`);
  }
  assert.deepEqual(found, []);
});

test('every face profile has a unique id and a syntax the usage writer knows', () => {
  const ids = FACE_PROFILES.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const profile of FACE_PROFILES) {
    assert.ok(['words', 'named', 'flags'].includes(profile.syntax.options), profile.id);
    assert.match(profile.syntax.name('adl-rank'), /^[a-z_-]+$/, profile.id);
    if (profile.push) assert.ok(profile.push.pacing.perChatMs > 0, `${profile.id} paces pushed messages`);
  }
});
