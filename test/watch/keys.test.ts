import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import axios from 'axios';
import { pino } from 'pino';
import { formValuesFromText } from '../../src/chat/forms.ts';
import { carriesSecret, looksLikeSecret } from '../../src/chat/secrets.ts';
import { LOG_OPTIONS } from '../../src/logger.ts';
import { projectPath } from '../../src/paths.ts';
import { openDatabase } from '../../src/store/database.ts';
import { KeyRepository } from '../../src/store/key-repository.ts';
import { Credentials, KeyRing, rotateKeys } from '../../src/watch/keys/keyring.ts';
import { KeyVault, SealError } from '../../src/watch/keys/vault.ts';
import { FakeKeyedVenues } from '../support/fake-keyed-venues.ts';

/**
 * Users' read-only keys at rest: AES-256-GCM with a fresh IV per secret and the owner, venue and
 * field bound as associated data; rotation to a new master key; what the logger blanks; and the
 * shapes that make the bot treat text as a key.
 */
const OWNER = { platform: 'telegram', userId: '42', venue: 'bybit', field: 'secret' as const };

test('sealing: a fresh IV each time, the owner, venue and field bound, another master key refused', () => {
  const vault = new KeyVault(randomBytes(32));
  const a = vault.seal('the-secret-value', OWNER);
  const b = vault.seal('the-secret-value', OWNER);
  assert.notDeepEqual(a, b, 'two seals of one secret differ (fresh IV)');
  assert.notDeepEqual(a.subarray(1, 13), b.subarray(1, 13));
  assert.equal(a.length, 1 + 12 + 16 + 'the-secret-value'.length);
  assert.equal(a.indexOf(Buffer.from('the-secret-value')), -1);
  assert.equal(vault.open(a, OWNER), 'the-secret-value');
  for (const other of [{ ...OWNER, userId: '43' }, { ...OWNER, venue: 'okx' }, { ...OWNER, platform: 'discord' }, { ...OWNER, field: 'api-key' as const }]) {
    assert.throws(() => vault.open(a, other), SealError, JSON.stringify(other));
  }
  assert.throws(() => new KeyVault(randomBytes(32)).open(a, OWNER), SealError);
  const tampered = Buffer.from(a);
  tampered[tampered.length - 1] ^= 1;
  assert.throws(() => vault.open(tampered, OWNER), SealError, 'GCM authenticates the ciphertext');
  assert.match(vault.masterId, /^[0-9a-f]{16}$/);
  assert.equal(JSON.stringify({ vault }).includes(vault.masterId), true);
  assert.throws(() => new KeyVault(randomBytes(16)), /32 bytes/);
});

test('credentials print nothing of themselves; the logger blanks keys, passphrases and the venues signing headers', () => {
  const credentials = new Credentials('AKIA1234567890abcdef', 'SECRET0987654321zyxw', 'pass-phrase-1');
  assert.equal(JSON.stringify({ credentials }), '{"credentials":"[credentials]"}');
  assert.doesNotMatch(inspect({ credentials }), /AKIA|SECRET|pass-phrase/);
  const lines: string[] = [];
  const logger = pino(LOG_OPTIONS, { write: (line: string) => void lines.push(line) });
  logger.info({ apiKey: 'AKIA1234567890abcdef', passphrase: 'pass-phrase-1', secret: 'SECRET0987654321zyxw', request: { headers: { 'X-MBX-APIKEY': 'AKIA1234567890abcdef', 'OK-ACCESS-PASSPHRASE': 'pass-phrase-1' } } }, 'x');
  assert.doesNotMatch(lines.join(''), /AKIA|SECRET0987|pass-phrase/);
  assert.match(lines.join(''), /\[redacted\]/);
});

test('an HTTP client error logged whole shows nothing of the signed request: no key, passphrase or signed URL', async () => {
  const server = createServer((_req, res) => res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let error: unknown;
  try {
    await axios.get(`http://127.0.0.1:${port}/fapi/v3/positionRisk?timestamp=1&signature=SIGNATURE0123456789`, {
      headers: { 'X-MBX-APIKEY': 'APIKEY0123456789abcdef', 'OK-ACCESS-PASSPHRASE': 'PASSPHRASE-0123' },
    });
  } catch (caught) {
    error = caught;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  assert.ok(axios.isAxiosError(error));
  const lines: string[] = [];
  const logger = pino(LOG_OPTIONS, { write: (line: string) => void lines.push(line) });
  logger.error({ err: error }, 'as err');
  logger.error({ error }, 'as error');
  logger.error(error, 'bare');
  assert.equal(lines.length, 3);
  for (const line of lines) {
    assert.doesNotMatch(line, /APIKEY0123|PASSPHRASE-0123|SIGNATURE0123/);
    assert.match(line, /"status":401/, 'what went wrong is still logged');
  }
});

test('the key ring stores only sealed values and rotation re-seals every row under a new master key, once', () => {
  const db = openDatabase(':memory:');
  const repo = new KeyRepository(db);
  const old = new KeyVault(randomBytes(32));
  const ring = new KeyRing(old, repo);
  const id = ring.store({ platform: 'telegram', userId: '42' }, 'okx', new Credentials('key-0001-aaaa-bbbb', 'SECRETSECRETSECRET01', 'my pass'), false, Date.now());
  const row = repo.get(id)!;
  assert.ok(row.apiKey.indexOf(Buffer.from('key-0001')) === -1 && row.secret.indexOf(Buffer.from('SECRET')) === -1);
  assert.equal(ring.open(id)!.credentials.passphrase, 'my pass');

  const next = new KeyVault(randomBytes(32));
  assert.deepEqual(rotateKeys(repo, old, next), { resealed: 1, already: 0 });
  assert.deepEqual(rotateKeys(repo, old, next), { resealed: 0, already: 1 }, 'a second run leaves re-sealed rows alone');
  assert.equal(new KeyRing(next, repo).open(id)!.credentials.secret, 'SECRETSECRETSECRET01');
  assert.throws(() => ring.open(id), SealError, 'the old master key no longer opens it');
  assert.throws(() => rotateKeys(repo, next, next), /the new master key is the old one/);
});

test('npm run rotate-watch-key: re-seals the file database, prints no key, and stops with one line on a bad new key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rotate-'));
  try {
    const path = join(dir, 'bot.db');
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const db = openDatabase(path);
    const id = new KeyRing(new KeyVault(Buffer.from(oldKey, 'base64')), new KeyRepository(db)).store({ platform: 'discord', userId: '7' }, 'bybit', new Credentials('ABCDEFGHIJKLMNOPQR', 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3t'), true, Date.now());
    db.close();
    const run = (env: Record<string, string>) =>
      spawnSync('npm', ['run', '-s', 'rotate-watch-key'], { cwd: projectPath(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_PATH: path, WATCH_ENCRYPTION_KEY: oldKey, ...env } });
    const bad = run({ WATCH_ENCRYPTION_KEY_NEW: 'too-short' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Rotation stopped: WATCH_ENCRYPTION_KEY_NEW must be 32 random bytes in base64/);
    const ok = run({ WATCH_ENCRYPTION_KEY_NEW: newKey });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Re-sealed 1 key\(s\) under the new master key \(0 already were\)/);
    for (const output of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) assert.ok(!output.includes(oldKey) && !output.includes(newKey) && !output.includes('S3cr3t'));
    const after = openDatabase(path);
    assert.equal(new KeyRing(new KeyVault(Buffer.from(newKey, 'base64')), new KeyRepository(after)).open(id)!.credentials.apiKey, 'ABCDEFGHIJKLMNOPQR');
    after.close();
    assert.equal(readFileSync(path).indexOf(Buffer.from('S3cr3tS3cr3t')), -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what counts as a key: the venues random keys and secrets, not labels, words or addresses', () => {
  const fake = new FakeKeyedVenues();
  for (const venue of ['binance', 'bybit', 'okx'] as const) {
    for (let i = 0; i < 20; i++) {
      const key = fake.addKey(venue);
      // Each message that carries a key also carries its secret: one of them is always caught.
      assert.ok(carriesSecret(`${key.apiKey} ${key.secret}`), `${venue} key and secret`);
      assert.ok(looksLikeSecret(key.secret) || venue === 'bybit', `${venue} secret alone`);
    }
  }
  for (const word of ['main', 'sub-account-2024', 'wallet2024', 'binance-futures-main', '0x2ea18c23f72a4b6172c55b411823cdc5335923f4', 'hyperliquid', '1000PEPEUSDT']) {
    assert.equal(looksLikeSecret(word), false, word);
  }
});

test('a form answered in one message: one field per line, else the words in order with the rest in the last field', () => {
  const spec = { fields: [{ name: 'apiKey' }, { name: 'secret' }, { name: 'passphrase' }] } as any;
  assert.deepEqual(formValuesFromText('k1\ns2\npass word', spec), { apiKey: 'k1', secret: 's2', passphrase: 'pass word' });
  assert.deepEqual(formValuesFromText('  k1   s2 pass word ', spec), { apiKey: 'k1', secret: 's2', passphrase: 'pass word' });
  assert.deepEqual(formValuesFromText('k1', spec), { apiKey: 'k1', secret: '', passphrase: '' });
  assert.deepEqual(formValuesFromText('k1 s2', { fields: [{ name: 'apiKey' }, { name: 'secret' }] } as any), { apiKey: 'k1', secret: 's2' });
});
