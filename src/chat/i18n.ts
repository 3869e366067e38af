import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, type Lang, type Localized } from './command.ts';
import { projectPath } from '../paths.ts';

/**
 * Message catalogs live in `data/i18n/<namespace>.json`, one object per key with both
 * languages side by side: `{ "title": { "en": "Liquidation", "vi": "Thanh lý" } }`.
 * A key is addressed as `<namespace>.<key>`. Placeholders are `{name}`.
 * Each feature owns its namespace file, so features never edit each other's catalog. A face
 * keeps its own strings in its folder (`src/platforms/<face>/i18n.json`, namespace `<face>`).
 */
export type Catalog = Map<string, Localized>;
export type Params = Record<string, string | number>;
export type Translator = (key: string, params?: Params) => string;

export function loadCatalog(dir = projectPath('data', 'i18n'), facesDir = projectPath('src', 'platforms')): Catalog {
  const catalog: Catalog = new Map();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ namespace: file.slice(0, -'.json'.length), path: join(dir, file) }));
  for (const face of readdirSync(facesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const path = join(facesDir, face, 'i18n.json');
    if (existsSync(path)) files.push({ namespace: face, path });
  }
  for (const { namespace, path } of files) {
    const entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Localized>;
    for (const [key, value] of Object.entries(entries)) {
      for (const lang of LANGS) {
        if (typeof value?.[lang] !== 'string') throw new Error(`i18n: ${namespace}.${key} has no "${lang}" text (${path})`);
      }
      if (catalog.has(`${namespace}.${key}`)) throw new Error(`i18n: ${namespace}.${key} is defined twice (${path})`);
      catalog.set(`${namespace}.${key}`, value);
    }
  }
  return catalog;
}

let defaultCatalog: Catalog | undefined;
export function catalog(): Catalog {
  defaultCatalog ??= loadCatalog();
  return defaultCatalog;
}

export function fillPlaceholders(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang, source: Catalog = catalog()): Translator {
  return (key, params) => {
    const entry = source.get(key);
    if (!entry) return key; // a missing key shows itself; test/chat/i18n.test.ts keeps the catalog complete
    return fillPlaceholders(entry[lang], params);
  };
}

/** Pick a supported language from a platform locale (`vi`, `vi-VN`, `en-US`…); English otherwise. */
export function langFromLocale(locale: string | undefined | null): Lang {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(base) ? (base as Lang) : 'en';
}

export function localized(key: string, params?: Params, source: Catalog = catalog()): Localized {
  return { en: translator('en', source)(key, params), vi: translator('vi', source)(key, params) };
}
