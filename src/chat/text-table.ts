import { plainText } from './markup.ts';

/**
 * A reply's table as monospace text (Telegram <pre>, Discord code block, the terminal): columns
 * padded to their widest cell, numbers right-aligned, a rule under the header.
 */
export function textTable(columns: readonly string[], rows: readonly (readonly string[])[], align?: ReadonlyArray<'left' | 'right'>): string {
  const cells = [columns, ...rows].map((row) => row.map((cell) => plainText(cell).normalize('NFC')));
  const widths = columns.map((_, c) => Math.max(...cells.map((row) => width(row[c] ?? ''))));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat(Math.max(0, widths[c] - width(cell)));
        return align?.[c] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const [header, ...body] = cells;
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Characters as a monospace font shows them: combining marks take no room, wide emoji two. */
export function width(text: string): number {
  let total = 0;
  for (const ch of text) {
    if (/\p{Mn}/u.test(ch) || ch === '\uFE0F' || ch === '\u200D') continue;
    total += /\p{Extended_Pictographic}/u.test(ch) ? 2 : 1;
  }
  return total;
}
