import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Lang } from '../../chat/command.ts';
import { translator } from '../../chat/i18n.ts';
import { parseMarkup, plainText } from '../../chat/markup.ts';
import type { Action, Reply, Tone } from '../../chat/reply.ts';
import { textTable } from '../../chat/text-table.ts';
import { truncate } from './commands.ts';

/**
 * A Reply as Discord messages: embeds (title, text and tables in the description, fields,
 * footer with "Step i/n", colour by tone), the picture as an attachment shown in the first embed,
 * and the buttons as action rows under the last message.
 *
 * Discord's limits are met by splitting, never by silently dropping: a long description
 * continues in further embeds, more than 25 fields (or more than fits) in further embeds, more
 * than 10 embeds or 6,000 characters in further messages; only past `maxMessages` is the rest
 * cut, and then a last embed says how much did not fit.
 */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values, footer and author of every embed in one message. */
  total: 6000,
  embeds: 10,
} as const;

export const COMPONENT_LIMITS = { customId: 100, label: 80, perRow: 5, rows: 5 } as const;

export const TONE_COLOURS: Record<Tone, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warn: 0xfee75c,
  error: 0xed4245,
};

export interface DiscordFile {
  attachment: Buffer;
  name: string;
  /** Alt text (Discord shows it to screen readers). */
  description?: string;
}

export interface DiscordMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  files: DiscordFile[];
}

export interface RenderedReply {
  messages: DiscordMessage[];
  ephemeral: boolean;
  /** Buttons that could not be sent (payload over 100 characters, a duplicate, past 25). */
  skippedActions: Action[];
  /** Characters cut because they did not fit in `maxMessages` messages (0 almost always). */
  truncatedChars: number;
}

export interface RenderOptions {
  /** Messages this reply may take (an edit of one message: 1). Default 3. */
  maxMessages?: number;
  /** Force the ephemeral flag (errors from a failure); otherwise `reply.ephemeral`. */
  ephemeral?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Markup → Discord markdown.

/**
 * Plain text as Discord shows it literally: every markdown character escaped (a backslash before
 * any ASCII punctuation shows the character itself), and line starts that would become headings,
 * quotes or lists defused.
 */
export function escapeMarkdown(text: string): string {
  // Bare URLs stay as typed so Discord still links them.
  return text
    .split(/(https?:\/\/[^\s<>]+)/)
    .map((part, i) => (i % 2 === 1 ? part : escapePlain(part)))
    .join('');
}

function escapePlain(text: string): string {
  return text
    .replace(/[\\*_~`|[\]<>]/g, (ch) => `\\${ch}`)
    .replace(/^(\s*)(-#|#{1,3}|[-+]|\d+\.)(?=\s)/gm, (_whole, space: string, marker: string) =>
      /^\d/.test(marker) ? `${space}${marker.slice(0, -1)}\\.` : `${space}\\${marker}`,
    );
}

function codeSpan(text: string): string {
  if (!text.includes('`')) return `\`${text}\``;
  return `\`\` ${text.replace(/``+/g, (ticks) => ticks.split('').join('\u200b'))} \`\``;
}

/** The reply markup (**bold**, _italic_, `code`, [label](url)) as Discord markdown; the rest escaped. */
export function discordMarkdown(text: string): string {
  return parseMarkup(text)
    .map((span) => {
      switch (span.kind) {
        case 'bold':
          return `**${escapeMarkdown(span.text)}**`;
        case 'italic':
          return `_${escapeMarkdown(span.text)}_`;
        case 'code':
          return codeSpan(span.text);
        case 'link':
          return `[${escapeMarkdown(span.text)}](${span.url})`;
        default:
          return escapeMarkdown(span.text);
      }
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Splitting.

/** Cut `text` into pieces of at most `limit`, at a line break, else a space, else anywhere safe. */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    let skip = 1;
    if (cut < limit / 2) {
      cut = rest.lastIndexOf(' ', limit);
      if (cut < limit / 2) {
        cut = limit;
        skip = 0;
        const code = rest.charCodeAt(cut - 1);
        if (code >= 0xd800 && code <= 0xdbff) cut--;
        // Never leave an escaping backslash at the end of a piece.
        while (cut > 1 && rest[cut - 1] === '\\') cut--;
      }
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  if (rest.length || !pieces.length) pieces.push(rest);
  return pieces;
}

const FENCE_OPEN = '```\n';
const FENCE_CLOSE = '\n```';

/** A table as one or more code blocks, each within `limit` (rows are never cut in half). */
export function tableBlocks(columns: string[], rows: string[][], align: ReadonlyArray<'left' | 'right'> | undefined, limit: number): string[] {
  // A ``` inside a cell would end the block early.
  const lines = textTable(columns, rows, align).replace(/```/g, '`\u200b``').split('\n');
  const room = limit - FENCE_OPEN.length - FENCE_CLOSE.length;
  const header = lines.slice(0, 2);
  const blocks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length) blocks.push(FENCE_OPEN + current.join('\n') + FENCE_CLOSE);
    current = [];
    size = 0;
  };
  for (const [i, raw] of lines.entries()) {
    for (const line of splitText(raw, room)) {
      if (current.length && size + 1 + line.length > room) {
        flush();
        // Continued tables repeat their header, when it leaves room for rows.
        if (i >= 2 && header.join('\n').length + 1 + line.length <= room / 2) {
          current = [...header];
          size = header.join('\n').length;
        }
      }
      size += (current.length ? 1 : 0) + line.length;
      current.push(line);
    }
  }
  flush();
  return blocks;
}

function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

export function messageSize(message: Pick<DiscordMessage, 'embeds'>): number {
  return message.embeds.reduce((sum, e) => sum + embedSize(e), 0);
}

const BLANK = '\u200b';

function fieldParts(label: string, value: string, inline: boolean): APIEmbedField[] {
  const name = truncate(discordMarkdown(label).trim() || BLANK, EMBED_LIMITS.fieldName);
  const text = discordMarkdown(value).trim() || BLANK;
  return splitText(text, EMBED_LIMITS.fieldValue).map((part, i) => ({ name: i === 0 ? name : BLANK, value: part || BLANK, inline }));
}

// ---------------------------------------------------------------------------------------------
// Buttons.

const BUTTON_STYLES = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, danger: ButtonStyle.Danger } as const;

export function buttonRows(actions: readonly Action[] = []): { rows: APIActionRowComponent<APIButtonComponent>[]; skipped: Action[] } {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  const skipped: Action[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    const full = rows.length === COMPONENT_LIMITS.rows && rows[rows.length - 1].components.length === COMPONENT_LIMITS.perRow;
    // custom_id is the payload as the dispatcher qualified it (`explain:adl:2`); it must be unique in a message.
    if (action.payload.length > COMPONENT_LIMITS.customId || !action.payload || seen.has(action.payload) || full) {
      skipped.push(action);
      continue;
    }
    seen.add(action.payload);
    if (!rows.length || rows[rows.length - 1].components.length === COMPONENT_LIMITS.perRow) {
      rows.push({ type: ComponentType.ActionRow, components: [] });
    }
    rows[rows.length - 1].components.push({
      type: ComponentType.Button,
      style: BUTTON_STYLES[action.style ?? 'secondary'],
      label: truncate(plainText(action.label).trim() || '…', COMPONENT_LIMITS.label),
      custom_id: action.payload,
    });
  }
  return { rows, skipped };
}

// ---------------------------------------------------------------------------------------------
// The reply.

export function safeFilename(filename: string): string {
  const safe = filename.replace(/[^\w.-]+/g, '-').replace(/^-+/, '');
  return /\.png$/i.test(safe) ? safe : `${safe || 'chart'}.png`;
}

export function renderReply(reply: Reply, lang: Lang, options: RenderOptions = {}): RenderedReply {
  const t = translator(lang);
  const maxMessages = Math.max(1, options.maxMessages ?? 3);
  const colour = TONE_COLOURS[reply.tone ?? 'info'];
  const title = reply.title ? truncate(discordMarkdown(reply.title).trim(), EMBED_LIMITS.title) : undefined;
  const footerLines = [
    ...(reply.page ? [t('chat.reply.step', { index: reply.page.index, count: reply.page.count })] : []),
    ...(reply.footer ? [plainText(reply.footer)] : []),
  ];
  // Footers are plain text in Discord (no markdown).
  const footer = footerLines.length ? truncate(footerLines.join('\n'), EMBED_LIMITS.footer) : undefined;
  // Every embed, with the title and the footer it might carry, fits in one message on its own.
  const budget = EMBED_LIMITS.total - (title?.length ?? 0) - (footer?.length ?? 0);
  const descriptionLimit = Math.min(EMBED_LIMITS.description, budget);

  // Text and tables, in order, as description pieces.
  const pieces: Array<{ text: string; sep: string }> = [];
  for (const block of reply.blocks) {
    if (block.kind === 'text') {
      const text = discordMarkdown(block.text).trim();
      if (!text) continue;
      splitText(text, descriptionLimit).forEach((part, i) => pieces.push({ text: part, sep: i === 0 ? '\n\n' : '\n' }));
    } else if (block.kind === 'table') {
      tableBlocks(block.columns, block.rows, block.align, descriptionLimit).forEach((part) => pieces.push({ text: part, sep: '\n' }));
    }
  }
  const descriptions: string[] = [];
  for (const piece of pieces) {
    const last = descriptions.length - 1;
    if (last >= 0 && descriptions[last].length + piece.sep.length + piece.text.length <= descriptionLimit) {
      descriptions[last] += piece.sep + piece.text;
    } else {
      descriptions.push(piece.text);
    }
  }
  const fields = reply.blocks.flatMap((block) => (block.kind === 'fields' ? block.fields.flatMap((f) => fieldParts(f.label, f.value, f.inline ?? false)) : []));

  const embeds: APIEmbed[] = [];
  let current: APIEmbed = { color: colour, ...(title ? { title } : {}) };
  let size = 0;
  const next = () => {
    embeds.push(current);
    current = { color: colour };
    size = 0;
  };
  for (const description of descriptions) {
    if (current.description !== undefined || current.fields?.length) next();
    current.description = description;
    size += description.length;
  }
  for (const field of fields) {
    if ((current.fields?.length ?? 0) >= EMBED_LIMITS.fields || size + field.name.length + field.value.length > budget) next();
    (current.fields ??= []).push(field);
    size += field.name.length + field.value.length;
  }
  embeds.push(current);
  const lastEmbed = embeds[embeds.length - 1];
  if (footer) lastEmbed.footer = { text: footer };
  if (!embeds.some((e) => e.title || e.description || e.fields?.length || e.footer)) embeds[0].description = BLANK;

  const files: DiscordFile[] = [];
  if (reply.image) {
    const name = safeFilename(reply.image.filename);
    files.push({ attachment: reply.image.png, name, description: truncate(reply.image.alt, 1024) });
    embeds[0].image = { url: `attachment://${name}` };
  }

  // Embeds → messages (≤10 embeds, ≤6,000 characters each).
  let messages: DiscordMessage[] = [];
  for (const embed of embeds) {
    const last = messages[messages.length - 1];
    if (last && last.embeds.length < EMBED_LIMITS.embeds && messageSize(last) + embedSize(embed) <= EMBED_LIMITS.total) last.embeds.push(embed);
    else messages.push({ embeds: [embed], components: [], files: [] });
  }

  let truncatedChars = 0;
  if (messages.length > maxMessages) {
    const dropped = messages.slice(maxMessages);
    messages = messages.slice(0, maxMessages);
    truncatedChars = dropped.reduce((sum, m) => sum + messageSize({ embeds: m.embeds.map((e) => ({ ...e, footer: undefined })) }), 0);
    const final = messages[messages.length - 1];
    const noteFor = (count: number) => `…\n${escapeMarkdown(t('discord.truncated', { count }))}`;
    const noteRoom = noteFor(0).length + 20;
    // Make room for the note (and the footer it carries) in the last kept message.
    const room = () => EMBED_LIMITS.total - messageSize(final) - noteRoom - (footer?.length ?? 0);
    while (final.embeds.length > 1 && (final.embeds.length >= EMBED_LIMITS.embeds || room() < 0)) {
      const embed = final.embeds.pop()!;
      truncatedChars += embedSize(embed);
    }
    if (room() < 0) {
      // A single embed that holds nearly 6,000 characters: shorten its description.
      const only = final.embeds[0];
      const cut = Math.min(only.description?.length ?? 0, -room());
      if (only.description && cut > 0) {
        only.description = only.description.slice(0, only.description.length - cut);
        truncatedChars += cut;
      }
    }
    for (const embed of final.embeds) delete embed.footer;
    final.embeds.push({ color: colour, description: noteFor(truncatedChars), ...(footer ? { footer: { text: footer } } : {}) });
  }

  messages[0].files = files;
  const { rows, skipped } = buttonRows(reply.actions);
  messages[messages.length - 1].components = rows;
  return { messages, ephemeral: options.ephemeral ?? reply.ephemeral ?? false, skippedActions: skipped, truncatedChars };
}
