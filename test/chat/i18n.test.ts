import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, fillPlaceholders, langFromLocale, translator } from '../../src/chat/i18n.ts';
import { projectPath } from '../../src/paths.ts';

const VIETNAMESE_LETTERS = /[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]/i;

test('every catalog key has English and Vietnamese text with the same placeholders', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, value] of catalog()) {
    assert.ok(value.en.trim() && value.vi.trim(), key);
    assert.deepEqual(placeholders(value.vi), placeholders(value.en), key);
  }
});

test('Vietnamese text is Vietnamese: sentences carry their diacritics', () => {
  for (const [key, value] of catalog()) {
    const words = value.vi.replace(/\{\w+\}|https?:\/\/\S+|`[^`]*`/g, ' ').split(/\s+/).filter((w) => /\p{L}{2,}/u.test(w));
    if (words.length < 4) continue; // labels such as "PnL", "Long", venue names
    assert.match(value.vi, VIETNAMESE_LETTERS, `${key}: "${value.vi}"`);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('every literal catalog key used in src/ and commands/ exists', () => {
  const namespaces = new Set([...catalog().keys()].map((k) => k.split('.')[0]));
  const pattern = new RegExp(`['\`](${[...namespaces].join('|')})\\.([a-z0-9.-]+)['\`]`, 'g');
  const missing: string[] = [];
  for (const file of [...sourceFiles(projectPath('src')), ...sourceFiles(projectPath('commands'))]) {
    for (const [, ns, key] of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (key.endsWith('.') || key.endsWith('-') || key === 'json' || key === 'js') continue; // a prefix completed at run time, or a file or package name (discord.js)
      if (!catalog().has(`${ns}.${key}`)) missing.push(`${file.replace(projectPath(), '')}: ${ns}.${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('translator fills placeholders and shows a missing key as itself', () => {
  const t = translator('vi');
  assert.equal(t('chat.reply.step', { index: 2, count: 8 }), 'Bước 2/8');
  assert.equal(t('chat.no-such-key'), 'chat.no-such-key');
  assert.equal(fillPlaceholders('{a} {b}', { a: 1 }), '1 {b}');
});

test('platform locales map to a supported language, English otherwise', () => {
  assert.equal(langFromLocale('vi'), 'vi');
  assert.equal(langFromLocale('vi-VN'), 'vi');
  assert.equal(langFromLocale('vi_VN.UTF-8'), 'vi');
  assert.equal(langFromLocale('en-US'), 'en');
  assert.equal(langFromLocale('fr'), 'en');
  assert.equal(langFromLocale(undefined), 'en');
});
