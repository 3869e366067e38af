/**
 * The small markup replies use (see reply.ts): **bold**, _italic_, `code`, [label](https://url).
 * Faces turn the spans into Telegram HTML, Discord markdown or terminal text; anything that is
 * not one of these four forms is plain text, which each face escapes for itself.
 *
 * A backslash before a markup character (`\*`, `\_`, `` \` ``, `\[`, `\]`, `\\`) makes it plain.
 * Text a user typed goes through `escapeMarkup` before it is put into a reply, so what they typed
 * is shown as typed and never becomes the bot's own link, bold or code.
 */
export type Span =
  | { kind: 'text' | 'bold' | 'italic' | 'code'; text: string }
  | { kind: 'link'; text: string; url: string };

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

const ESCAPABLE = new Set(['\\', '*', '_', '`', '[', ']']);

/** User text, made plain: every markup character gets a backslash. */
export function escapeMarkup(text: string): string {
  return text.replace(/[\\*_`[\]]/g, (ch) => `\\${ch}`);
}

/** The text with its escapes removed (`\*` → `*`). */
function unescape(text: string): string {
  return text.replace(/\\([\\*_`[\]])/g, '$1');
}

/** The next `token` at or after `from` that no backslash escapes, or -1. */
function findUnescaped(text: string, token: string, from: number): number {
  for (let i = text.indexOf(token, from); i !== -1; i = text.indexOf(token, i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

export function parseMarkup(text: string): Span[] {
  const spans: Span[] = [];
  let plain = '';
  const flush = () => {
    if (plain) spans.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\' && ESCAPABLE.has(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = findUnescaped(text, '`', i + 1);
      if (end > i + 1) {
        flush();
        spans.push({ kind: 'code', text: unescape(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (ch === '*' && text[i + 1] === '*') {
      const end = findUnescaped(text, '**', i + 2);
      if (end > i + 2 && !text.slice(i + 2, end).includes('\n')) {
        flush();
        spans.push({ kind: 'bold', text: unescape(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    } else if (ch === '_' && !isWordChar(text[i - 1]) && text[i + 1] !== undefined && !/\s/.test(text[i + 1])) {
      // `_italic_` only at word edges, so `adl_rank` or `other_mm` stay as typed.
      let end = findUnescaped(text, '_', i + 1);
      while (end !== -1 && isWordChar(text[end + 1])) end = findUnescaped(text, '_', end + 1);
      if (end > i + 1 && !text.slice(i + 1, end).includes('\n') && !/\s/.test(text[end - 1])) {
        flush();
        spans.push({ kind: 'italic', text: unescape(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (ch === '[') {
      // The label may hold escaped characters, never an unescaped `]`.
      const match = /^\[((?:\\.|[^\]\\\n])+)\]\((https?:\/\/[^\s)]+)\)/.exec(text.slice(i));
      if (match) {
        flush();
        spans.push({ kind: 'link', text: unescape(match[1]), url: match[2] });
        i += match[0].length;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return spans;
}

/** The text without markup (lengths, alt text, notifications). */
export function plainText(text: string): string {
  return parseMarkup(text)
    .map((span) => (span.kind === 'link' ? `${span.text} (${span.url})` : span.text))
    .join('');
}
