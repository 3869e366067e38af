/**
 * The small markup replies use (see reply.ts): **bold**, _italic_, `code`, [label](https://url).
 * Faces turn the spans into Telegram HTML, Discord markdown or terminal text; anything that is
 * not one of these four forms is plain text, which each face escapes for itself.
 */
export type Span =
  | { kind: 'text' | 'bold' | 'italic' | 'code'; text: string }
  | { kind: 'link'; text: string; url: string };

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

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
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        spans.push({ kind: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (ch === '*' && text[i + 1] === '*') {
      const end = text.indexOf('**', i + 2);
      if (end > i + 2 && !text.slice(i + 2, end).includes('\n')) {
        flush();
        spans.push({ kind: 'bold', text: text.slice(i + 2, end) });
        i = end + 2;
        continue;
      }
    } else if (ch === '_' && !isWordChar(text[i - 1]) && text[i + 1] !== undefined && !/\s/.test(text[i + 1])) {
      // `_italic_` only at word edges, so `adl_rank` or `other_mm` stay as typed.
      let end = text.indexOf('_', i + 1);
      while (end !== -1 && isWordChar(text[end + 1])) end = text.indexOf('_', end + 1);
      if (end > i + 1 && !text.slice(i + 1, end).includes('\n') && !/\s/.test(text[end - 1])) {
        flush();
        spans.push({ kind: 'italic', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (ch === '[') {
      const match = /^\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/.exec(text.slice(i));
      if (match) {
        flush();
        spans.push({ kind: 'link', text: match[1], url: match[2] });
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
