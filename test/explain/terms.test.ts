import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGS } from '../../src/chat/command.ts';
import { loadWalkthrough, topicFilesPresent, TOPIC_IDS, type TopicId } from '../../src/explain/content.ts';
import { LIVE_VALUES } from '../../src/explain/live/index.ts';
import { fillWalkthrough } from '../../src/explain/render.ts';
import { loadTerms, newTermsPerStep, readableText, termsIn } from './lesson-terms.ts';

/**
 * "At most about three new terms per step": every step of every lesson, as a reader who followed
 * the reading order meets it (live numbers filled in, the Learn-more list left out), introduces
 * at most MAX_NEW_TERMS terms of data/explain/terms.json, and the same ones in both languages.
 */
const MAX_NEW_TERMS = 3;
const terms = loadTerms();
const topics = topicFilesPresent() as TopicId[];

function stepTexts(topic: TopicId, lang: 'en' | 'vi'): string[] {
  const steps = fillWalkthrough(loadWalkthrough(topic, lang), LIVE_VALUES[topic]?.(lang, {}) ?? {});
  return steps.slice(0, -1).map((step) => `${step.title}\n${step.text}`);
}

test('the vocabulary: unique ids, known home lessons, forms in both languages', () => {
  const ids = new Set<string>();
  for (const term of terms) {
    assert.ok(!ids.has(term.id), `duplicate term ${term.id}`);
    ids.add(term.id);
    assert.ok((TOPIC_IDS as readonly string[]).includes(term.home), `${term.id}: unknown home ${term.home}`);
    for (const lang of LANGS) assert.ok(term[lang].length > 0, `${term.id}: no ${lang} form`);
  }
});

test('the counter: longest form first, whole words, code and links left out', () => {
  const found = termsIn(readableText('The **maintenance margin** of a `margin` [long](https://x.io/short) shortly'), 'en', terms);
  assert.deepEqual([...found].sort(), ['long', 'maintenance-margin']);
  assert.deepEqual([...termsIn('ký quỹ duy trì và cơ chế tự động giảm đòn bẩy (ADL)', 'vi', terms)].sort(), ['adl', 'maintenance-margin']);
});

for (const topic of topics) {
  test(`${topic}: every step introduces at most ${MAX_NEW_TERMS} new terms, the same in en and vi`, () => {
    const en = newTermsPerStep(topic, stepTexts(topic, 'en'), 'en', terms);
    const vi = newTermsPerStep(topic, stepTexts(topic, 'vi'), 'vi', terms);
    en.forEach((fresh, i) => {
      assert.ok(fresh.length <= MAX_NEW_TERMS, `en step ${i + 1}: ${fresh.length} new terms (${fresh.join(', ')})`);
      assert.deepEqual(vi[i], fresh, `step ${i + 1}: vi introduces [${vi[i].join(', ')}], en [${fresh.join(', ')}]`);
    });
  });
}

test('every term is used in its home lesson', () => {
  for (const term of terms) {
    for (const lang of LANGS) {
      if (!topics.includes(term.home)) continue;
      const used = stepTexts(term.home, lang).some((text) => termsIn(readableText(text), lang, terms).has(term.id));
      assert.ok(used, `${term.id} is never used in ${lang}/${term.home}.md`);
    }
  }
});
