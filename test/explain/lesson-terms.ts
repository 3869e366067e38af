import { readFileSync } from 'node:fs';
import type { Lang } from '../../src/chat/command.ts';
import { contentDir, TOPIC_IDS, type TopicId } from '../../src/explain/content.ts';

/**
 * Counting the terms a lesson step asks a novice to learn (docs/lessons.md explains the rule).
 * The vocabulary is data/explain/terms.json; this file only reads and counts.
 */
export interface Term {
  id: string;
  home: TopicId;
  en: string[];
  vi: string[];
}

export function loadTerms(): Term[] {
  return (JSON.parse(readFileSync(contentDir('terms.json'), 'utf8')) as { terms: Term[] }).terms;
}

/** The text a reader reads, for counting: no code spans (formulas), no link targets, no markup. */
export function readableText(markdown: string): string {
  return markdown
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/[*_]/g, '')
    .normalize('NFC');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Ids of the terms in a text, each form matched as a whole word, longest form first. */
export function termsIn(text: string, lang: Lang, terms: readonly Term[]): Set<string> {
  const forms = terms
    .flatMap((term) => term[lang].map((form) => ({ id: term.id, form: form.normalize('NFC') })))
    .sort((a, b) => b.form.length - a.form.length);
  let rest = text;
  const found = new Set<string>();
  for (const { id, form } of forms) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escape(form)}(?![\\p{L}\\p{N}_])`, 'giu');
    rest = rest.replace(pattern, (match) => {
      found.add(id);
      return ' '.repeat(match.length);
    });
  }
  return found;
}

/** A term is known in a topic when its home lesson comes earlier in the reading order. */
export function knownBefore(topic: TopicId, terms: readonly Term[]): Set<string> {
  const position = TOPIC_IDS.indexOf(topic);
  return new Set(terms.filter((term) => TOPIC_IDS.indexOf(term.home) < position).map((term) => term.id));
}

/** For each step (texts in order): the terms a reader meets there for the first time. */
export function newTermsPerStep(topic: TopicId, stepTexts: readonly string[], lang: Lang, terms: readonly Term[]): string[][] {
  const seen = knownBefore(topic, terms);
  return stepTexts.map((text) => {
    const fresh = [...termsIn(readableText(text), lang, terms)].filter((id) => !seen.has(id)).sort();
    for (const id of fresh) seen.add(id);
    return fresh;
  });
}
