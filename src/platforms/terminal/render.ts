import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lang } from '../../chat/command.ts';
import { translator } from '../../chat/i18n.ts';
import { parseMarkup } from '../../chat/markup.ts';
import type { Reply } from '../../chat/reply.ts';
import { textTable } from '../../chat/text-table.ts';

/**
 * A Reply as terminal text: title, blocks, fields as `label: value`, tables in columns, the
 * picture saved as a PNG file (its path printed), buttons as numbered choices, footer last.
 * `color` adds ANSI bold/dim when the output is a TTY.
 */
export interface TerminalRenderOptions {
  lang: Lang;
  color?: boolean;
  /** Where pictures are written; default the system temp folder. */
  imageDir?: string;
}

const TONE_ICON = { info: '', success: '✅ ', warn: '⚠️ ', error: '❌ ' } as const;

export function renderTerminal(reply: Reply, options: TerminalRenderOptions): string {
  const t = translator(options.lang);
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (options.color ? `\x1b[2m${s}\x1b[22m` : s);
  const inline = (text: string) =>
    parseMarkup(text)
      .map((span) => (span.kind === 'bold' ? bold(span.text) : span.kind === 'link' ? `${span.text} (${span.url})` : span.text))
      .join('');

  const out: string[] = [];
  const head = [reply.title ? bold(`${TONE_ICON[reply.tone ?? 'info']}${inline(reply.title)}`) : TONE_ICON[reply.tone ?? 'info'].trim()];
  if (reply.page) head.push(dim(`(${t('chat.reply.step', { index: reply.page.index, count: reply.page.count })})`));
  if (head.join('')) out.push(head.filter(Boolean).join(' '));
  for (const block of reply.blocks) {
    if (block.kind === 'text') out.push(inline(block.text));
    else if (block.kind === 'fields') out.push(block.fields.map((f) => `${bold(inline(f.label))}: ${inline(f.value)}`).join('\n'));
    else out.push(textTable(block.columns, block.rows, block.align));
  }
  if (reply.image) {
    const path = saveImage(reply.image.png, reply.image.filename, options.imageDir);
    out.push(dim(t('chat.terminal.image', { alt: reply.image.alt, path })));
  }
  if (reply.actions?.length) {
    out.push(reply.actions.map((a, i) => `[${i + 1}] ${a.label}`).join('   ') + '\n' + dim(t('chat.terminal.buttons')));
  }
  if (reply.footer) out.push(dim(inline(reply.footer)));
  return out.join('\n\n');
}

export function saveImage(png: Buffer, filename: string, dir = join(tmpdir(), 'adl-sentinel')): string {
  mkdirSync(dir, { recursive: true });
  const safe = filename.replace(/[^\w.-]+/g, '-') || 'chart.png';
  const path = join(dir, safe);
  writeFileSync(path, png);
  return path;
}

/** An error reply on one line (the CLI's stderr contract). */
export function oneLine(reply: Reply): string {
  const text = reply.blocks
    .map((b) => (b.kind === 'text' ? b.text : b.kind === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('; ') : ''))
    .join(' ');
  return parseMarkup(text)
    .map((span) => (span.kind === 'link' ? `${span.text} (${span.url})` : span.text))
    .join('')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}
