import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.ts';

for (const namespace of ['market', 'alerts']) {
  test(`data/i18n/${namespace}.json: every key in English and Vietnamese with the same placeholders`, () => {
    const catalog = JSON.parse(readFileSync(projectPath('data', 'i18n', `${namespace}.json`), 'utf8')) as Record<string, { en: string; vi: string }>;
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of Object.entries(catalog)) {
      assert.ok(value.en.trim() && value.vi.trim(), `${namespace}.${key}`);
      assert.deepEqual(placeholders(value.vi), placeholders(value.en), `${namespace}.${key}`);
    }
  });
}

test('source files only use market/alerts keys that exist', () => {
  const catalogs = Object.fromEntries(
    ['market', 'alerts'].map((ns) => [ns, JSON.parse(readFileSync(projectPath('data', 'i18n', `${ns}.json`), 'utf8')) as Record<string, unknown>]),
  );
  const files = ['commands/market.ts', 'commands/alerts.ts', 'src/alerts/message.ts', 'src/market/chart.ts', 'src/alerts/service.ts'];
  for (const file of files) {
    const source = readFileSync(projectPath(file), 'utf8');
    for (const [, ns, key] of source.matchAll(/'(market|alerts)\.([a-z0-9-]+)'/g)) {
      assert.ok(key in catalogs[ns], `${file}: ${ns}.${key}`);
    }
  }
});
