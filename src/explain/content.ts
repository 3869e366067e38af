import { editDistance } from '../core/text.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, type Lang } from '../chat/command.ts';
import { UserError } from '../chat/errors.ts';
import { projectPath } from '../paths.ts';

/**
 * Walkthrough content: one markdown file per topic and language, `data/explain/<lang>/<topic>.md`
 * (format, summarised here):
 *
 *   ---
 *   title: Auto-deleveraging (ADL)
 *   summary: One line shown in the topic list.
 *   image: adl-waterfall        # optional, shown with step 1
 *   ---
 *   ## Step title
 *   Step text with **bold**, _italic_, `code`, [label](https://url) and {{live_value}} placeholders.
 *   ...
 *   ## Learn more            (vi: ## Tìm hiểu thêm) — always the last step
 */

/**
 * The reading order. The learning path is the spine a novice follows from the first button;
 * the traders' questions assume the path; funding and open interest stand aside. Each topic
 * ends by pointing to the next one in this order (see `nextTopic`).
 */
export const LEARNING_PATH = ['zero-sum', 'liquidation', 'mark-price', 'insurance-fund', 'adl', 'adl-policies', 'crash-2025-10-10'] as const;
export const TRADER_QUESTIONS = ['what-now', 'adl-at-a-loss', 'adl-hedges', 'where-money-goes', 'liquidation-debt', 'stops-and-warnings'] as const;
export const ASIDE_TOPICS = ['funding', 'open-interest'] as const;

/** Every topic the product knows, in reading order. */
export const TOPIC_IDS = [...LEARNING_PATH, ...TRADER_QUESTIONS, ...ASIDE_TOPICS] as const;
export type TopicId = (typeof TOPIC_IDS)[number];

/** Other names people type (`/explain liq`, `/explain 10-10`). Keys are normalised (see normaliseTopicInput). */
export const TOPIC_ALIASES: Readonly<Record<string, TopicId>> = {
  'auto-deleveraging': 'adl',
  autodeleveraging: 'adl',
  deleveraging: 'adl',
  liq: 'liquidation',
  liquidations: 'liquidation',
  'thanh-ly': 'liquidation',
  if: 'insurance-fund',
  insurance: 'insurance-fund',
  fund: 'insurance-fund',
  hlp: 'insurance-fund',
  'quy-bao-hiem': 'insurance-fund',
  'funding-rate': 'funding',
  fr: 'funding',
  oi: 'open-interest',
  mark: 'mark-price',
  markprice: 'mark-price',
  'index-price': 'mark-price',
  'last-price': 'mark-price',
  'gia-danh-dau': 'mark-price',
  zerosum: 'zero-sum',
  policies: 'adl-policies',
  policy: 'adl-policies',
  'pro-rata': 'adl-policies',
  crash: 'crash-2025-10-10',
  '10-10': 'crash-2025-10-10',
  '1010': 'crash-2025-10-10',
  '10-oct': 'crash-2025-10-10',
  'oct-10': 'crash-2025-10-10',
  path: 'zero-sum',
  start: 'zero-sum',
  compensation: 'what-now',
  refund: 'what-now',
  ticket: 'what-now',
  'boi-thuong': 'what-now',
  'adl-loss': 'adl-at-a-loss',
  hedge: 'adl-hedges',
  hedges: 'adl-hedges',
  hedging: 'adl-hedges',
  'low-leverage': 'adl-hedges',
  'who-pays': 'where-money-goes',
  'fund-didnt-pay': 'where-money-goes',
  money: 'where-money-goes',
  debt: 'liquidation-debt',
  owe: 'liquidation-debt',
  'negative-balance': 'liquidation-debt',
  'no-am': 'liquidation-debt',
  stop: 'stops-and-warnings',
  'stop-loss': 'stops-and-warnings',
  stops: 'stops-and-warnings',
  sl: 'stops-and-warnings',
  'margin-call': 'stops-and-warnings',
};

/** The topic after this one in reading order; undefined after the last. */
export function nextTopic(topic: TopicId): TopicId | undefined {
  return TOPIC_IDS[TOPIC_IDS.indexOf(topic) + 1];
}

export const IMAGE_NAMES = ['adl-waterfall', 'crash-timeline'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

export const LEARN_MORE_TITLE: Readonly<Record<Lang, string>> = { en: 'Learn more', vi: 'Tìm hiểu thêm' };
export const MIN_STEPS = 4;
export const MAX_STEPS = 10;

export interface WalkthroughStep {
  title: string;
  /** Markdown text with `{{name}}` placeholders still in it. */
  body: string;
}

export interface Walkthrough {
  topic: string;
  lang: Lang;
  title: string;
  summary: string;
  image?: ImageName;
  steps: WalkthroughStep[];
}

/** A content file breaks the format: a bug in data/, caught by tests, never shown to users as such. */
export class ContentError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ContentError';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Names of the `{{placeholders}}` in a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export function parseWalkthrough(markdown: string, where: string): Omit<Walkthrough, 'topic' | 'lang'> {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') throw new ContentError(where, 'must start with a --- front-matter block');
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new ContentError(where, 'front matter is not closed with ---');

  const meta = new Map<string, string>();
  for (const line of lines.slice(1, end)) {
    if (!line.trim()) continue;
    const match = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!match) throw new ContentError(where, `front-matter line not understood: "${line}"`);
    meta.set(match[1], match[2].replace(/\s+#\s.*$/, '').trim());
  }
  for (const key of meta.keys()) {
    if (!['title', 'summary', 'image'].includes(key)) throw new ContentError(where, `unknown front-matter key "${key}"`);
  }
  const title = meta.get('title') ?? '';
  const summary = meta.get('summary') ?? '';
  if (!title) throw new ContentError(where, 'front matter has no title');
  if (!summary) throw new ContentError(where, 'front matter has no summary');
  const imageText = meta.get('image') || undefined;
  if (imageText !== undefined && !(IMAGE_NAMES as readonly string[]).includes(imageText)) {
    throw new ContentError(where, `unknown image "${imageText}" (known: ${IMAGE_NAMES.join(', ')})`);
  }

  const steps: WalkthroughStep[] = [];
  let current: { title: string; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
    if (!body) throw new ContentError(where, `step "${current.title}" has no text`);
    steps.push({ title: current.title, body });
  };
  for (const line of lines.slice(end + 1)) {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      flush();
      current = { title: heading[1], lines: [] };
      continue;
    }
    if (/^#/.test(line)) throw new ContentError(where, `only "## " step headings are allowed: "${line}"`);
    if (/^\s*\|/.test(line)) throw new ContentError(where, `tables are not allowed: "${line}"`);
    if (/<\/?[a-zA-Z][^>]*>/.test(line)) throw new ContentError(where, `HTML is not allowed: "${line}"`);
    if (/^\s*[-*]\s/.test(line)) throw new ContentError(where, `bullets start with "• ", not "-" or "*": "${line}"`);
    if (!current) {
      if (line.trim()) throw new ContentError(where, 'text before the first "## " step');
      continue;
    }
    current.lines.push(line);
  }
  flush();
  return { title, summary, image: imageText as ImageName | undefined, steps };
}

/** Format rules for one language file. */
export function validateWalkthrough(walkthrough: Walkthrough, where: string): void {
  const { steps, lang } = walkthrough;
  if (steps.length < MIN_STEPS || steps.length > MAX_STEPS) {
    throw new ContentError(where, `has ${steps.length} steps; a topic has ${MIN_STEPS}–${MAX_STEPS}`);
  }
  const last = steps[steps.length - 1];
  if (last.title !== LEARN_MORE_TITLE[lang]) {
    throw new ContentError(where, `the last step must be "${LEARN_MORE_TITLE[lang]}", not "${last.title}"`);
  }
  if (!/\]\(https:\/\//.test(last.body)) throw new ContentError(where, 'the Learn more step has no https link');
}

/** en and vi tell the same walkthrough: same steps, same placeholders per step, same picture. */
export function validateLanguagePair(en: Walkthrough, vi: Walkthrough): void {
  const where = `data/explain/{en,vi}/${en.topic}.md`;
  if (en.steps.length !== vi.steps.length) {
    throw new ContentError(where, `en has ${en.steps.length} steps, vi has ${vi.steps.length}`);
  }
  if (en.image !== vi.image) throw new ContentError(where, `image differs: en ${en.image}, vi ${vi.image}`);
  en.steps.forEach((step, i) => {
    const a = placeholdersIn(step.title + '\n' + step.body).sort().join(',');
    const b = placeholdersIn(vi.steps[i].title + '\n' + vi.steps[i].body).sort().join(',');
    if (a !== b) throw new ContentError(where, `step ${i + 1} placeholders differ: en [${a}] vi [${b}]`);
  });
}

// ---------------------------------------------------------------------------------------
// Loading

export function contentDir(...parts: string[]): string {
  return projectPath('data', 'explain', ...parts);
}

/** Topic ids that have a file in at least one language, in TOPIC_IDS order, then any others found. */
export function topicFilesPresent(dir = contentDir()): string[] {
  const found = new Set<string>();
  for (const lang of LANGS) {
    const langDir = join(dir, lang);
    if (!existsSync(langDir)) continue;
    for (const file of readdirSync(langDir)) if (file.endsWith('.md')) found.add(file.slice(0, -3));
  }
  const known = TOPIC_IDS.filter((id) => found.has(id));
  const others = [...found].filter((id) => !(TOPIC_IDS as readonly string[]).includes(id)).sort();
  return [...known, ...others];
}

const cache = new Map<string, Walkthrough>();

function readWalkthrough(topic: string, lang: Lang): Walkthrough {
  const where = `data/explain/${lang}/${topic}.md`;
  const path = contentDir(lang, `${topic}.md`);
  if (!existsSync(path)) throw new ContentError(where, 'file is missing');
  const walkthrough: Walkthrough = { topic, lang, ...parseWalkthrough(readFileSync(path, 'utf8'), where) };
  validateWalkthrough(walkthrough, where);
  return walkthrough;
}

/** A topic in one language, validated against its other-language twin; cached for the process. */
export function loadWalkthrough(topic: string, lang: Lang): Walkthrough {
  const key = `${lang}/${topic}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const pair = { en: readWalkthrough(topic, 'en'), vi: readWalkthrough(topic, 'vi') };
  validateLanguagePair(pair.en, pair.vi);
  for (const l of LANGS) cache.set(`${l}/${topic}`, pair[l]);
  return pair[lang];
}

/** Topics a reader can open now: known ids with both language files present. */
export function availableTopics(): TopicId[] {
  return TOPIC_IDS.filter((id) => LANGS.every((lang) => existsSync(contentDir(lang, `${id}.md`))));
}

// ---------------------------------------------------------------------------------------
// What the reader typed → a topic

export function normaliseTopicInput(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/[\s_/.]+/g, '-');
}

/** The closest topic id to what was typed (comparing with ids and aliases), if it is close enough to be a typo. */
export function nearestTopic(input: string, topics: readonly TopicId[] = availableTopics()): TopicId | undefined {
  const typed = normaliseTopicInput(input);
  let best: { topic: TopicId; distance: number } | undefined;
  const candidates: Array<[string, TopicId]> = [
    ...topics.map((id): [string, TopicId] => [id, id]),
    ...Object.entries(TOPIC_ALIASES).filter(([, id]) => topics.includes(id)),
  ];
  for (const [name, topic] of candidates) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { topic, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(2, Math.floor(typed.length / 2));
  return best.distance <= tolerance ? best.topic : undefined;
}

/** Resolves ids and aliases; anything else is a UserError listing the topics (and the nearest one). */
export function resolveTopic(input: string): TopicId {
  const typed = normaliseTopicInput(input);
  const topics = availableTopics();
  const id = (TOPIC_IDS as readonly string[]).includes(typed) ? (typed as TopicId) : TOPIC_ALIASES[typed];
  if (id && topics.includes(id)) return id;
  const list = topics.join(', ');
  const suggestion = nearestTopic(input, topics);
  if (suggestion) {
    throw new UserError('explain.error.unknown-topic-suggest', { input, suggestion, topics: list }, {
      key: 'explain.hint.open-topic',
      params: { topic: suggestion },
    });
  }
  throw new UserError('explain.error.unknown-topic', { input, topics: list }, { key: 'explain.hint.list' });
}
