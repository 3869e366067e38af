import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { LANGS, type ParsedArgs } from '../../src/chat/command.ts';
import {
  ContentError,
  IMAGE_NAMES,
  LEARN_MORE_TITLE,
  MAX_STEPS,
  MIN_STEPS,
  loadWalkthrough,
  parseWalkthrough,
  placeholdersIn,
  TOPIC_IDS,
  topicFilesPresent,
  validateLanguagePair,
  validateWalkthrough,
  type Walkthrough,
} from '../../src/explain/content.ts';
import { LIVE_VALUES } from '../../src/explain/live/index.ts';
import { fillWalkthrough } from '../../src/explain/render.ts';

/** Every topic file in data/explain (this branch's four, and the other four once merged). */
const topics = topicFilesPresent();

/** Reader positions for `/explain adl …`, including long numbers and a venue that ranks differently. */
const readerPositions: ParsedArgs[] = [
  { side: 'short', entry: new Decimal(122_000), mark: new Decimal(102_000), leverage: new Decimal(20), venue: 'binance' },
  { side: 'long', entry: new Decimal('60123.45'), mark: new Decimal('100234.56'), leverage: new Decimal(30), venue: 'hyperliquid', qty: new Decimal('0.12345678') },
  { side: 'long', entry: new Decimal('104782.5'), mark: new Decimal('104500.25'), leverage: new Decimal(125), venue: 'binance', qty: new Decimal('0.45') },
  { side: 'long', entry: new Decimal('104782.5'), mark: new Decimal('122574.75'), leverage: new Decimal(75), venue: 'bybit', qty: new Decimal('0.75') },
  { side: 'short', entry: new Decimal(100_000), mark: new Decimal(90_000), leverage: new Decimal(10), venue: 'dydx' },
  { side: 'short', entry: new Decimal(100_000), mark: new Decimal(99_000), leverage: new Decimal(3), venue: 'okx', qty: new Decimal(1234) },
];

function argsFor(topic: string): ParsedArgs[] {
  return topic === 'adl' ? [{}, ...readerPositions] : [{}];
}

test('the content folder holds at least the four walkthroughs of this branch, all with known ids', () => {
  for (const id of ['adl', 'liquidation', 'insurance-fund', 'funding']) assert.ok(topics.includes(id), id);
  for (const id of topics) assert.ok((TOPIC_IDS as readonly string[]).includes(id), `unknown topic file ${id}.md`);
});

for (const topic of topics) {
  test(`${topic}: en and vi exist, follow the format and tell the same steps`, () => {
    const en = loadWalkthrough(topic, 'en');
    const vi = loadWalkthrough(topic, 'vi');
    assert.equal(en.steps.length, vi.steps.length);
    assert.ok(en.steps.length >= MIN_STEPS && en.steps.length <= MAX_STEPS, `${en.steps.length} steps`);
    assert.equal(en.steps.at(-1)?.title, LEARN_MORE_TITLE.en);
    assert.equal(vi.steps.at(-1)?.title, LEARN_MORE_TITLE.vi);
    assert.equal(en.image, vi.image);
    en.steps.forEach((step, i) => {
      assert.deepEqual(placeholdersIn(step.body).sort(), placeholdersIn(vi.steps[i].body).sort(), `step ${i + 1}`);
    });
  });

  test(`${topic}: every placeholder is filled and every step fits a phone (≤ 900 characters)`, () => {
    for (const lang of LANGS) {
      for (const args of argsFor(topic)) {
        const values = LIVE_VALUES[topic]?.(lang, args) ?? {};
        const steps = fillWalkthrough(loadWalkthrough(topic, lang), values);
        steps.forEach((step, i) => {
          assert.deepEqual(step.missing, [], `${lang} step ${i + 1} has unresolved placeholders`);
          assert.ok(step.text.length <= 900, `${lang} step ${i + 1} is ${step.text.length} characters`);
          assert.doesNotMatch(step.text, /\{\{|\}\}/);
        });
      }
    }
  });

  test(`${topic}: the Vietnamese text uses the traders' words and number style`, () => {
    const vi = loadWalkthrough(topic, 'vi');
    const values = LIVE_VALUES[topic]?.('vi', {}) ?? {};
    const text = [vi.title, vi.summary, ...fillWalkthrough(vi, values).map((s) => `${s.title}\n${s.text}`)].join('\n');
    for (const avoided of ['lãi suất mở', 'bóp ngắn', 'mua dài hạn']) assert.ok(!text.toLowerCase().includes(avoided), avoided);
    const withoutLinks = (markdown: string) => markdown.replace(/\]\([^)]*\)/g, ']').replace(/`[^`]*`/g, '');
    assert.doesNotMatch(withoutLinks(text), /\$\d/, 'Vietnamese amounts read "19,13 tỷ USD", not "$19.13B"');
    // With the reader's own positions too: the live numbers must follow the same style.
    for (const args of argsFor(topic)) {
      const filled = fillWalkthrough(vi, LIVE_VALUES[topic]?.('vi', args) ?? {}).map((s) => s.text).join('\n');
      const numbers = withoutLinks(filled).replace(/arXiv:\S+/g, '');
      const englishDecimal = /\d\.(?:\d{1,2}|\d{4,})(?!\d)/.exec(numbers);
      assert.equal(englishDecimal, null, `decimals take a comma in Vietnamese ("8,5%"); "." only groups thousands: …${englishDecimal?.input.slice(Math.max(0, englishDecimal.index - 30), englishDecimal.index + 30)}…`);
      assert.doesNotMatch(numbers, /\d,\d{3},\d{3}/, 'thousands are grouped with "." in Vietnamese ("1.618.240")');
      assert.doesNotMatch(numbers, /\d\s+%/, 'no space before "%" ("8,5%")');
    }
    // Text typed without diacritics reads as a different (or no) word to a Vietnamese reader.
    const unaccented = /(?<![\p{L}])(khong|duoc|nguoi|thanh ly|ky quy|don bay|gia pha san|quy bao hiem|vi the)(?![\p{L}])/iu.exec(withoutLinks(text));
    assert.equal(unaccented, null, `Vietnamese without diacritics: "${unaccented?.[0]}"`);
    // Titles and summaries are short labels; the prose introduces the term on its first use.
    // "ADL Sentinel" is the product's name, not a mention of the mechanism.
    const prose = withoutLinks(fillWalkthrough(vi, values).map((s) => s.text).join('\n')).replace(/ADL Sentinel/g, 'Sentinel');
    const firstAdl = prose.search(/\bADL\b/);
    if (firstAdl >= 0) {
      assert.ok(
        prose.slice(0, firstAdl + 4).toLowerCase().includes('tự động giảm đòn bẩy (adl)'),
        'ADL is introduced as "cơ chế tự động giảm đòn bẩy (ADL)" on first mention',
      );
    }
  });
}

const sample = `---
title: Sample
summary: A sample topic.
image: adl-waterfall            # shown with step 1
---
## One
Text with {{value}}.

## Two
• a bullet

## Three
More.

## Learn more
• [Docs](https://example.com)
`;

test('parses front matter (comments dropped) and ## steps', () => {
  const parsed = parseWalkthrough(sample, 'sample.md');
  assert.equal(parsed.title, 'Sample');
  assert.equal(parsed.image, 'adl-waterfall');
  assert.deepEqual(parsed.steps.map((s) => s.title), ['One', 'Two', 'Three', 'Learn more']);
  assert.equal(parsed.steps[0].body, 'Text with {{value}}.');
  assert.deepEqual(placeholdersIn(parsed.steps[0].body), ['value']);
});

test('refuses content that breaks the format, naming the file', () => {
  const broken: Array<[string, RegExp]> = [
    [sample.replace('image: adl-waterfall', 'image: pie-chart'), /unknown image "pie-chart"/],
    [sample.replace('More.', '| a | table |'), /tables are not allowed/],
    [sample.replace('More.', '<b>bold</b>'), /HTML is not allowed/],
    [sample.replace('More.', '### Sub heading'), /only "## " step headings/],
    [sample.replace('• a bullet', '- a bullet'), /bullets start with "• "/],
    [sample.replace('title: Sample\n', ''), /no title/],
    [sample.slice(4), /front-matter/],
  ];
  for (const [markdown, message] of broken) {
    assert.throws(() => parseWalkthrough(markdown, 'sample.md'), (error: unknown) => error instanceof ContentError && message.test(error.message) && error.message.startsWith('sample.md'));
  }
});

test('refuses too few steps, a missing Learn more, and languages that disagree', () => {
  const walk = (lang: 'en' | 'vi', markdown: string): Walkthrough => ({ topic: 'sample', lang, ...parseWalkthrough(markdown, 'x') });
  const threeSteps = sample.replace('## Three\nMore.\n\n', '');
  assert.throws(() => validateWalkthrough(walk('en', threeSteps), 'x'), /has 3 steps/);
  assert.throws(() => validateWalkthrough(walk('vi', sample), 'x'), /must be "Tìm hiểu thêm"/);
  const vi = sample.replace('## Learn more', '## Tìm hiểu thêm');
  assert.doesNotThrow(() => validateLanguagePair(walk('en', sample), walk('vi', vi)));
  assert.throws(() => validateLanguagePair(walk('en', sample), walk('vi', vi.replace('{{value}}', '{{other}}'))), /step 1 placeholders differ/);
  assert.throws(() => validateLanguagePair(walk('en', sample), walk('vi', vi.replace('image: adl-waterfall', 'image: crash-timeline'))), /image differs/);
  assert.deepEqual([...IMAGE_NAMES], ['adl-waterfall', 'crash-timeline']);
});
