import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../src/paths.ts';
import type { Lang } from '../../src/chat/command.ts';
import { LIVE_VALUES } from '../../src/explain/live/index.ts';
import { TOPIC_IDS, MAX_STEPS, MIN_STEPS } from '../../src/explain/content.ts';
import { typedFigures } from './figures.ts';

/**
 * The walkthrough files of every topic, checked against the content format (src/explain/content.ts)
 * by a second, deliberately small parser: a format drift in the engine's parser cannot hide here.
 */
const IMAGES: Readonly<Record<string, string>> = { adl: 'adl-waterfall', 'crash-2025-10-10': 'crash-timeline' };
const LANGS: readonly Lang[] = ['en', 'vi'];
const KNOWN_IMAGES = new Set(['adl-waterfall', 'crash-timeline']);
const LEARN_MORE: Record<Lang, string> = { en: 'Learn more', vi: 'Tìm hiểu thêm' };
const MAX_STEP_CHARS = 900;
/** Literal translations Vietnamese traders do not use (vi-glossary.md). */
const FORBIDDEN_VI = ['lãi suất mở', 'bóp ngắn', 'mua dài hạn'];

interface Walkthrough {
  frontMatter: Record<string, string>;
  steps: Array<{ title: string; text: string }>;
}

function parseWalkthrough(source: string): Walkthrough {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source.replace(/\r\n/g, '\n'));
  assert.ok(match, 'the file starts with a front-matter block between --- lines');
  const frontMatter: Record<string, string> = {};
  for (const line of match[1].split('\n')) {
    if (line.trim() === '') continue;
    const field = /^([a-z]+):\s*(.*?)\s*(?:\s#.*)?$/.exec(line);
    assert.ok(field, `front-matter line is "key: value": ${line}`);
    frontMatter[field[1]] = field[2];
  }
  const steps: Walkthrough['steps'] = [];
  const body = match[2];
  assert.ok(body.trimStart().startsWith('## '), 'the body starts with a ## step title');
  for (const chunk of body.split(/^## /m).slice(1)) {
    const newline = chunk.indexOf('\n');
    const title = (newline === -1 ? chunk : chunk.slice(0, newline)).trim();
    const text = newline === -1 ? '' : chunk.slice(newline + 1).trim();
    steps.push({ title, text });
  }
  return { frontMatter, steps };
}

function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([a-zA-Z0-9_-]+)\s*\}\}/g)].map((m) => m[1]);
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-zA-Z0-9_-]+)\s*\}\}/g, (_, name: string) => {
    assert.ok(name in values, `placeholder {{${name}}} has a live value`);
    return values[name];
  });
}

function load(topic: string, lang: Lang): Walkthrough {
  return parseWalkthrough(readFileSync(projectPath('data', 'explain', lang, `${topic}.md`), 'utf8'));
}

for (const topic of TOPIC_IDS) {
  const spec = { live: LIVE_VALUES[topic] ?? (() => ({})), image: IMAGES[topic] };
  test(`${topic}: front matter, ${MIN_STEPS}–${MAX_STEPS} steps, "Learn more" last, in en and vi`, () => {
    for (const lang of LANGS) {
      const { frontMatter, steps } = load(topic, lang);
      assert.ok(frontMatter.title, `${lang}: has a title`);
      assert.ok(frontMatter.summary, `${lang}: has a summary`);
      if (frontMatter.image !== undefined) assert.ok(KNOWN_IMAGES.has(frontMatter.image), `${lang}: image ${frontMatter.image} is one the engine draws`);
      assert.equal(frontMatter.image, spec.image, `${lang}: image`);
      assert.ok(steps.length >= MIN_STEPS && steps.length <= MAX_STEPS, `${lang}: ${steps.length} steps`);
      assert.equal(steps.at(-1)?.title, LEARN_MORE[lang]);
      for (const step of steps) assert.ok(step.title && step.text, `${lang}: step "${step.title}" has a title and text`);
    }
  });

  test(`${topic}: en and vi have the same steps, placeholders and image`, () => {
    const en = load(topic, 'en');
    const vi = load(topic, 'vi');
    assert.equal(vi.steps.length, en.steps.length);
    assert.equal(vi.frontMatter.image, en.frontMatter.image);
    en.steps.forEach((step, index) => {
      const enNames = [...new Set(placeholdersOf(step.text))].sort();
      const viNames = [...new Set(placeholdersOf(vi.steps[index].text))].sort();
      assert.deepEqual(viNames, enNames, `step ${index + 1} ("${step.title}")`);
    });
  });

  test(`${topic}: every step fits ${MAX_STEP_CHARS} characters with live numbers filled in`, () => {
    for (const lang of LANGS) {
      const values = spec.live(lang, {});
      for (const step of load(topic, lang).steps) {
        const filled = fill(step.text, values);
        assert.doesNotMatch(filled, /\{\{|\}\}/, `${lang} "${step.title}": no unresolved placeholder`);
        assert.ok(filled.length <= MAX_STEP_CHARS, `${lang} "${step.title}": ${filled.length} characters`);
      }
    }
  });

  test(`${topic}: only the allowed markup, and Learn more is a list of https links`, () => {
    for (const lang of LANGS) {
      const { steps } = load(topic, lang);
      for (const step of steps) {
        for (const line of step.text.split('\n')) {
          assert.doesNotMatch(line, /^\s*#/, `${lang} "${step.title}": no heading inside a step`);
          assert.doesNotMatch(line, /^\s*\|/, `${lang} "${step.title}": no table`);
          assert.doesNotMatch(line, /<\/?[a-zA-Z][^>]*>/, `${lang} "${step.title}": no HTML`);
          assert.doesNotMatch(line, /^\s*[-*+] /, `${lang} "${step.title}": bullets start with "• "`);
        }
        for (const link of step.text.matchAll(/\[[^\]]+\]\(([^)\s]+)\)/g)) {
          assert.match(link[1], /^https:\/\//, `${lang} "${step.title}": link ${link[1]} is https`);
        }
      }
      const learnMore = steps.at(-1)!.text.split('\n').filter((line) => line.trim() !== '');
      assert.ok(learnMore.length >= 2, `${lang}: Learn more lists sources`);
      for (const line of learnMore) assert.match(line, /^• \[[^\]]+\]\(https:\/\/[^)\s]+\)/, `${lang}: "${line}" is a bullet link`);
    }
  });

  test(`${topic}: Vietnamese uses the glossary (no literal translations, ADL introduced in full)`, () => {
    const source = readFileSync(projectPath('data', 'explain', 'vi', `${topic}.md`), 'utf8');
    for (const term of FORBIDDEN_VI) assert.ok(!source.toLowerCase().includes(term), `no "${term}"`);
    // Prose only (titles are short labels); "ADL Sentinel" is the product's name, not the mechanism.
    const body = load(topic, 'vi').steps.map((step) => step.text).join('\n').replace(/ADL Sentinel/g, 'Sentinel');
    const firstAdl = body.indexOf('ADL');
    if (firstAdl !== -1) {
      const introduced = body.toLowerCase().indexOf('cơ chế tự động giảm đòn bẩy (adl)');
      assert.ok(introduced !== -1 && introduced < firstAdl, 'the first mention of ADL is "cơ chế tự động giảm đòn bẩy (ADL)"');
    }
  });
}

// ---------------------------------------------------------------------------------------
// en and vi in step, sources, and the Vietnamese house style (issues 9, 10 and 15)

/** Hosts that mirror, translate or farm a venue's pages: never cited (issue 9). */
const DENIED_HOSTS = [
  'bybitx.global',
  'testnet.bybit.com',
  'bybits.org',
  'ouyizh.biz',
  'supdljgzdhc.okx.com',
  'bilikayo.com',
  'open-lib.com',
  'dydx-documentation-six.vercel.app',
  'generallink.top',
  'binance.bh',
];
/** A path segment naming a language other than English (`/vi/`, `/zh-CN/`, `/en-IN/`) or an AMP copy. */
const LOCALIZED_SEGMENT = /^(?!en$)[a-z]{2}(?:-[A-Za-z]{2,4})?$|^amp$/;

function linksOf(text: string): string[] {
  return [...text.matchAll(/\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => m[1]);
}

for (const topic of TOPIC_IDS) {
  test(`${topic}: en and vi cite the same links and type the same figures, step by step`, () => {
    const en = load(topic, 'en');
    const vi = load(topic, 'vi');
    en.steps.forEach((step, i) => {
      const other = vi.steps[i];
      assert.deepEqual(linksOf(other.text), linksOf(step.text), `step ${i + 1} ("${step.title}"): links`);
      const values = (lang: Lang, text: string) => typedFigures(text, lang).map((figure) => figure.split(' ')[0]).sort();
      assert.deepEqual(values('vi', `${other.title}\n${other.text}`), values('en', `${step.title}\n${step.text}`), `step ${i + 1} ("${step.title}"): figures`);
    });
  });

  test(`${topic}: every citation is a canonical page (no mirror, AMP, localized copy or denied host)`, () => {
    for (const lang of LANGS) {
      for (const link of load(topic, lang).steps.flatMap((step) => linksOf(step.text))) {
        const url = new URL(link);
        assert.equal(url.protocol, 'https:', link);
        for (const host of DENIED_HOSTS) assert.ok(url.hostname !== host && !url.hostname.endsWith(`.${host}`), `${lang}: ${link} is on a denied host`);
        const localized = url.pathname.split('/').find((segment) => LOCALIZED_SEGMENT.test(segment));
        assert.equal(localized, undefined, `${lang}: ${link} is a localized or AMP copy`);
      }
    }
  });

  // The other settled Vietnamese terms are one list for every text: test/i18n/vi-terms.test.ts.
  test(`${topic}: Vietnamese house style (Long/Short capitalised, glossed (mua)/(bán) at first use)`, () => {
    const steps = load(topic, 'vi').steps.slice(0, -1);
    const prose = steps.map((step) => `${step.title}\n${step.text}`).join('\n').replace(/`[^`]*`|\{\{[^}]*\}\}/g, ' ').replace(/\]\([^)]*\)/g, ']').replace(/[*_]/g, '');
    for (const [side, gloss] of [['Long', 'mua'], ['Short', 'bán']] as const) {
      const first = new RegExp(`(?<![\\p{L}])${side}(?![\\p{L}])(.{0,6})`, 'u').exec(prose);
      if (first) assert.ok(first[1].startsWith(` (${gloss})`), `the first "${side}" is glossed "(${gloss})": …${prose.slice(first.index, first.index + 20)}…`);
      assert.doesNotMatch(prose, new RegExp(`(?<![\\p{L}])${side.toLowerCase()}(?![\\p{L}])`, 'u'), `"${side}" is capitalised`);
    }
  });
}
