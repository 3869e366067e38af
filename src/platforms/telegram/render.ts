import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Lang } from '../../chat/command.ts';
import { translator } from '../../chat/i18n.ts';
import { parseMarkup, plainText } from '../../chat/markup.ts';
import type { Action, Reply, ReplyImage, Tone } from '../../chat/reply.ts';
import { textTable } from '../../chat/text-table.ts';

/**
 * A Reply as Telegram messages (pure functions; the face and the alert sender post the plan).
 *
 * HTML parse mode: everything is escaped (& < > and quotes in href); the reply markup becomes
 * <b>, <i>, <code> and <a href>; the title is bold after a tone icon, fields are
 * `<b>label</b>: value` lines, tables are <pre>, the step of a walkthrough is shown after the
 * title, the footer is italic. Long replies are split at block, then line, then word
 * boundaries, never inside a tag or an entity: every piece of text is carried as a run with
 * its own formatting, so any cut between runs (or inside a run's raw text) leaves balanced HTML.
 */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;
export const CALLBACK_DATA_LIMIT = 64;
export const CALLBACK_ALERT_LIMIT = 200;
export const BUTTONS_PER_ROW = 3;

const TONE_ICON: Record<Tone, string> = { info: 'ℹ️', success: '✅', warn: '⚠️', error: '❌' };

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/** Telegram HTML back to the text a reader sees (the plain-text fallback, length checks). */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[name] ?? '');
}

type Wrap = { tag: 'b' | 'i' | 'code' } | { tag: 'a'; href: string };
/** A piece of raw text with the formatting around it; rendered on its own, it is balanced HTML. */
interface Run {
  text: string;
  wraps: readonly Wrap[];
}
type Line = Run[];
/** A block's lines; a table's lines share one <pre> that is closed and reopened at a cut. */
interface Section {
  lines: Line[];
  open: string;
  close: string;
}

const openTag = (w: Wrap) => (w.tag === 'a' ? `<a href="${escapeAttr(w.href)}">` : `<${w.tag}>`);
const closeTag = (w: Wrap) => `</${w.tag}>`;

function runHtml(run: Run): string {
  if (!run.text) return '';
  return run.wraps.map(openTag).join('') + escapeHtml(run.text) + [...run.wraps].reverse().map(closeTag).join('');
}

const sameWraps = (a: readonly Wrap[], b: readonly Wrap[]) =>
  a.length === b.length && a.every((w, i) => w.tag === b[i].tag && (w.tag !== 'a' || (b[i] as { href: string }).href === w.href));

/** A line's HTML; neighbouring runs with the same formatting share their tags. */
function lineHtml(line: Line): string {
  let html = '';
  for (let i = 0; i < line.length; ) {
    let text = line[i].text;
    let j = i + 1;
    for (; j < line.length && sameWraps(line[j].wraps, line[i].wraps); j++) text += line[j].text;
    html += runHtml({ text, wraps: line[i].wraps });
    i = j;
  }
  return html;
}

/**
 * The markup of a text as lines of runs. `outer` wraps every run (the footer's italic). Telegram
 * lets bold and italic contain links but not code, and the same tag never nests in itself.
 */
function markupLines(text: string, outer: readonly Wrap[] = []): Line[] {
  const lines: Line[] = [[]];
  for (const span of parseMarkup(text)) {
    let wraps: Wrap[];
    if (span.kind === 'code') wraps = [{ tag: 'code' }];
    else {
      wraps = [...outer];
      const add = (w: Wrap) => {
        if (!wraps.some((x) => x.tag === w.tag)) wraps.push(w);
      };
      if (span.kind === 'bold') add({ tag: 'b' });
      else if (span.kind === 'italic') add({ tag: 'i' });
      else if (span.kind === 'link') add({ tag: 'a', href: span.url });
    }
    span.text.split('\n').forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ text: part, wraps });
    });
  }
  return lines;
}

function titleLine(reply: Reply, lang: Lang): Line | undefined {
  const t = translator(lang);
  const line: Line = [];
  if (reply.title) {
    // A title that opens with its own icon (alerts, digests) is not given a second one.
    if (!/^\p{Extended_Pictographic}/u.test(reply.title)) line.push({ text: `${TONE_ICON[reply.tone ?? 'info']} `, wraps: [] });
    for (const run of markupLines(reply.title.replace(/\n+/g, ' '), [{ tag: 'b' }])[0] ?? []) line.push(run);
  }
  if (reply.page) {
    if (line.length) line.push({ text: ' · ', wraps: [] });
    line.push({ text: t('chat.reply.step', { index: reply.page.index, count: reply.page.count }), wraps: [{ tag: 'i' }] });
  }
  return line.length ? line : undefined;
}

function sections(reply: Reply, lang: Lang): Section[] {
  const out: Section[] = [];
  const plain = (lines: Line[]) => {
    // Blank lines inside a block stay (paragraphs); blank lines at its edges do not.
    while (lines.length && lines[0].length === 0) lines.shift();
    while (lines.length && lines[lines.length - 1].length === 0) lines.pop();
    if (lines.length) out.push({ lines, open: '', close: '' });
  };
  const title = titleLine(reply, lang);
  if (title) plain([title]);
  for (const block of reply.blocks) {
    if (block.kind === 'text') plain(markupLines(block.text));
    else if (block.kind === 'fields') {
      const lines: Line[] = [];
      for (const field of block.fields) {
        const label = (markupLines(field.label.replace(/\n+/g, ' '), [{ tag: 'b' }])[0] ?? []);
        const [first = [], ...more] = markupLines(field.value);
        lines.push([...label, { text: ': ', wraps: [] }, ...first], ...more);
      }
      plain(lines);
    } else if (block.columns.length) {
      const table = textTable(block.columns, block.rows, block.align);
      out.push({ lines: table.split('\n').map((text) => [{ text, wraps: [] }]), open: '<pre>', close: '</pre>' });
    }
  }
  if (reply.footer) plain(markupLines(reply.footer, [{ tag: 'i' }]));
  return out;
}

/** The reply as HTML messages, each at most `limit` characters of HTML (so within Telegram's count too). */
export function renderHtml(reply: Reply, lang: Lang, limit = MESSAGE_LIMIT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const section of sections(reply, lang)) {
    const room = limit - section.open.length - section.close.length;
    let inChunk = false; // whether this section already has a line in `current`
    for (const line of section.lines.flatMap((l) => splitLine(l, room))) {
      const html = lineHtml(line);
      const addition = inChunk ? `\n${html}` : `${current ? '\n\n' : ''}${section.open}${html}`;
      if ((current + addition).length + section.close.length <= limit) {
        current += addition;
        inChunk = true;
        continue;
      }
      if (inChunk) current += section.close;
      if (current) chunks.push(current);
      // A blank line never starts a message.
      current = html || section.open ? section.open + html : '';
      inChunk = current !== '';
    }
    if (inChunk) current += section.close;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** A line whose HTML exceeds `room` cut into lines that fit: at spaces when there are any. */
function splitLine(line: Line, room: number): Line[] {
  if (lineHtml(line).length <= room) return [line];
  const out: Line[] = [];
  let current: Line = [];
  let used = 0;
  const flush = () => {
    if (current.length) out.push(current);
    current = [];
    used = 0;
  };
  for (const run of line) {
    const overhead = runHtml({ text: 'x', wraps: run.wraps }).length - 1;
    let rest = run.text;
    while (rest) {
      const whole = runHtml({ text: rest, wraps: run.wraps }).length;
      if (used + whole <= room) {
        current.push({ text: rest, wraps: run.wraps });
        used += whole;
        break;
      }
      const cut = cutPoint(rest, room - used - overhead);
      if (cut <= 0) {
        if (current.length) {
          flush();
          continue;
        }
        // Not even one character fits: cannot happen with Telegram's limits; keep the text whole.
        current.push({ text: rest, wraps: run.wraps });
        break;
      }
      current.push({ text: rest.slice(0, cut).trimEnd(), wraps: run.wraps });
      flush();
      rest = rest.slice(cut).trimStart();
    }
  }
  flush();
  return out.map((l) => l.filter((run) => run.text));
}

/**
 * How much of `text` fits in `budget` characters once escaped: up to the last space if there is
 * one in the fitting part, else whole graphemes (an emoji or a letter with its accents stays whole).
 */
function cutPoint(text: string, budget: number): number {
  if (budget <= 0) return 0;
  let used = 0;
  let end = 0;
  let lastSpace = -1;
  for (const { segment, index } of graphemes(text)) {
    const cost = escapeHtml(segment).length;
    if (used + cost > budget) break;
    used += cost;
    end = index + segment.length;
    if (/^\s+$/.test(segment)) lastSpace = end;
  }
  if (end >= text.length) return end;
  return lastSpace > 0 ? lastSpace : end;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (text: string) => segmenter.segment(text);

/**
 * Buttons as an inline keyboard: several per row, at most three, rows balanced (4 → 2 + 2, 7 → 3 + 2 + 2).
 * callback_data is the action's payload as the dispatcher qualified it (`explain:adl:2`);
 * a payload over Telegram's 64 bytes (or empty) is dropped and reported through `onDropped`.
 */
export function buildKeyboard(actions: readonly Action[] | undefined, onDropped?: (action: Action, bytes: number) => void): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = [];
  for (const action of actions ?? []) {
    const bytes = Buffer.byteLength(action.payload, 'utf8');
    if (bytes === 0 || bytes > CALLBACK_DATA_LIMIT) {
      onDropped?.(action, bytes);
      continue;
    }
    const style = action.style === 'primary' ? 'primary' : action.style === 'danger' ? 'danger' : undefined;
    buttons.push({ text: plainText(action.label).trim() || '…', callback_data: action.payload, ...(style ? { style } : {}) });
  }
  if (!buttons.length) return undefined;
  const rows = Math.ceil(buttons.length / BUTTONS_PER_ROW);
  const base = Math.floor(buttons.length / rows);
  const longer = buttons.length % rows; // the first rows take one more: 7 → 3 + 2 + 2
  const inline_keyboard: InlineKeyboardButton[][] = [];
  let next = 0;
  for (let row = 0; row < rows; row++) {
    const size = base + (row < longer ? 1 : 0);
    inline_keyboard.push(buttons.slice(next, next + size));
    next += size;
  }
  return { inline_keyboard };
}

/** What to post for one reply: an optional photo, then text messages; the keyboard goes on `keyboardOn`. */
export interface MessagePlan {
  photo?: { png: Buffer; filename: string; caption: string };
  texts: string[];
  keyboard?: InlineKeyboardMarkup;
  keyboardOn: 'photo' | 'last-text';
}

export interface PlanOptions {
  onDroppedButton?: (action: Action, bytes: number) => void;
}

/**
 * A reply that fits a caption (and is not a walkthrough step, whose buttons edit the text) is one
 * photo message with the keyboard; otherwise the photo goes first with a short caption and the
 * text follows, the keyboard on its last message.
 */
export function planReply(reply: Reply, lang: Lang, options: PlanOptions = {}): MessagePlan {
  const keyboard = buildKeyboard(reply.actions, options.onDroppedButton);
  const texts = renderHtml(reply, lang);
  if (reply.image) {
    const { png, filename } = reply.image;
    if (!reply.page && texts.length <= 1 && (texts[0] ?? '').length <= CAPTION_LIMIT) {
      return { photo: { png, filename, caption: texts[0] ?? '' }, texts: [], keyboard, keyboardOn: 'photo' };
    }
    return { photo: { png, filename, caption: shortCaption(reply.image, reply.title) }, texts, keyboard, keyboardOn: 'last-text' };
  }
  return { texts: texts.length ? texts : [escapeHtml('…')], keyboard, keyboardOn: 'last-text' };
}

/** The picture's own caption when the text goes in a message after it: its alt text, else the title. */
export function shortCaption(image: ReplyImage, title?: string): string {
  const text = plainText(image.alt || title || '').replace(/\s+/g, ' ').trim();
  let caption = '';
  for (const { segment } of graphemes(text)) {
    const next = caption + segment;
    if (escapeHtml(next).length > CAPTION_LIMIT - 1) return `${escapeHtml(caption.trimEnd())}…`;
    caption = next;
  }
  return escapeHtml(caption);
}

/** An error reply short enough for a callback-query alert (≤ 200 characters), else undefined. */
export function callbackAlertText(reply: Reply): string | undefined {
  const parts = [reply.title ?? '', ...reply.blocks.map((b) => (b.kind === 'text' ? b.text : ''))].map((s) => plainText(s).trim()).filter(Boolean);
  const text = parts.join('\n');
  return text && text.length <= CALLBACK_ALERT_LIMIT ? text : undefined;
}
