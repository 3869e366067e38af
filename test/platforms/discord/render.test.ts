import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reply } from '../../../src/chat/reply.ts';
import {
  buttonRows,
  discordMarkdown,
  EMBED_LIMITS,
  escapeMarkdown,
  messageSize,
  renderReply,
  splitText,
  tableBlocks,
  TONE_COLOURS,
  type DiscordMessage,
} from '../../../src/platforms/discord/render.ts';
import { messageProblem } from '../../e2e/fake-discord.ts';

/** Every message within Discord's limits (the fake Discord's own checks). */
function assertValid(messages: DiscordMessage[]): void {
  for (const message of messages) {
    assert.equal(messageProblem(message), undefined);
    assert.ok(messageSize(message) <= EMBED_LIMITS.total);
    assert.ok(message.embeds.length <= EMBED_LIMITS.embeds);
  }
}

/** The text of every embed, joined (what a reader can see). */
const visible = (messages: DiscordMessage[]) =>
  messages
    .flatMap((m) => m.embeds)
    .map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].filter(Boolean).join('\n'))
    .join('\n');

test('discord render: plain text is escaped, the reply markup becomes Discord markdown', () => {
  assert.equal(escapeMarkdown('a*b_c~d`e|f>g<h[i]j\\k'), 'a\\*b\\_c\\~d\\`e\\|f\\>g\\<h\\[i\\]j\\\\k');
  assert.equal(escapeMarkdown('# not a heading\n- not a list\n1. not numbered\n-# not small'), '\\# not a heading\n\\- not a list\n1\\. not numbered\n\\-# not small');
  assert.equal(escapeMarkdown('-3% and 2.5 stay'), '-3% and 2.5 stay');
  assert.equal(escapeMarkdown('see https://example.com/a_b_c'), 'see https://example.com/a_b_c', 'bare URLs stay linkable');
  assert.equal(discordMarkdown('**bold** _it_ `co*de` [Binance](https://binance.com) 2*3 @everyone'), '**bold** _it_ `co*de` [Binance](https://binance.com) 2\\*3 @everyone');
  assert.equal(discordMarkdown('**a_b**'), '**a\\_b**');
  assert.equal(discordMarkdown('`a`'), '`a`');
  assert.equal(discordMarkdown('other_mm stays'), 'other\\_mm stays');
});

test('discord render: title, description, inline fields, footer with the step, colour by tone', () => {
  const reply: Reply = {
    title: 'Liquidation · BTCUSDT',
    tone: 'warn',
    blocks: [
      { kind: 'fields', fields: [{ label: 'Liquidation price', value: '$116,000.00', inline: true }, { label: 'Tier', value: '1' }] },
      { kind: 'text', text: 'Why: **mark** falls.' },
    ],
    footer: 'Source: venue docs',
    page: { index: 2, count: 5 },
  };
  const { messages, ephemeral } = renderReply(reply, 'en');
  assert.equal(messages.length, 1);
  const [embed] = messages[0].embeds;
  assert.equal(embed.title, 'Liquidation · BTCUSDT');
  assert.equal(embed.color, TONE_COLOURS.warn);
  assert.equal(embed.description, 'Why: **mark** falls.');
  assert.deepEqual(embed.fields, [
    { name: 'Liquidation price', value: '$116,000.00', inline: true },
    { name: 'Tier', value: '1', inline: false },
  ]);
  assert.equal(embed.footer?.text, 'Step 2/5\nSource: venue docs');
  assert.equal(ephemeral, false);
  assert.equal(renderReply({ ...reply, page: undefined }, 'vi', { ephemeral: true }).ephemeral, true);
  assert.equal(renderReply({ ...reply, footer: undefined }, 'vi').messages[0].embeds[0].footer?.text, 'Bước 2/5');
});

test('discord render: tables go in code blocks, padded, without escaping inside', () => {
  const reply: Reply = {
    blocks: [{ kind: 'table', columns: ['Venue', 'APR'], rows: [['Binance*', '10.5%'], ['OKX', '9%']], align: ['left', 'right'] }],
  };
  const [embed] = renderReply(reply, 'en').messages[0].embeds;
  assert.equal(embed.description, '```\nVenue       APR\n────────  ─────\nBinance*  10.5%\nOKX          9%\n```');
});

test('discord render: a 10,000-character text stays within the limits and loses nothing', () => {
  const sentence = 'Funding pays longs to shorts when perpetuals trade above spot. ';
  const text = sentence.repeat(Math.ceil(10_000 / sentence.length)).trim();
  assert.ok(text.length >= 10_000);
  const { messages, truncatedChars } = renderReply({ title: 'Long', blocks: [{ kind: 'text', text }], footer: 'end' }, 'en');
  assertValid(messages);
  assert.equal(truncatedChars, 0);
  assert.ok(messages.length >= 2, 'more than one message: 6,000 characters each at most');
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const shown = messages.flatMap((m) => m.embeds).map((e) => e.description ?? '').join(' ');
  assert.deepEqual(words(shown), words(text), 'every word, in order');
  assert.equal(messages[0].embeds[0].title, 'Long');
  const last = messages[messages.length - 1];
  assert.equal(last.embeds[last.embeds.length - 1].footer?.text, 'end');
});

test('discord render: 40 fields are spread over embeds of ≤25, all kept', () => {
  const fields = Array.from({ length: 40 }, (_, i) => ({ label: `Venue ${i + 1}`, value: `${i + 1}.00%`, inline: true }));
  const { messages } = renderReply({ title: 'Funding', blocks: [{ kind: 'fields', fields }] }, 'en');
  assertValid(messages);
  const out = messages.flatMap((m) => m.embeds).flatMap((e) => e.fields ?? []);
  assert.equal(out.length, 40);
  assert.deepEqual(out.map((f) => f.name), fields.map((f) => f.label));
  assert.ok(messages[0].embeds.every((e) => (e.fields ?? []).length <= 25));
});

test('discord render: long field values continue in further fields', () => {
  const value = 'x'.repeat(2500);
  const { messages } = renderReply({ blocks: [{ kind: 'fields', fields: [{ label: 'Long', value }] }] }, 'en');
  assertValid(messages);
  const fields = messages[0].embeds.flatMap((e) => e.fields ?? []);
  assert.equal(fields.map((f) => f.value).join(''), value);
  assert.equal(fields[0].name, 'Long');
});

test('discord render: past the message budget the cut is said, never silent', () => {
  const text = 'word '.repeat(20_000).trim();
  const { messages, truncatedChars } = renderReply({ blocks: [{ kind: 'text', text }], footer: 'Not financial advice.' }, 'en', { maxMessages: 1 });
  assert.equal(messages.length, 1);
  assertValid(messages);
  assert.ok(truncatedChars > 0);
  const embeds = messages[0].embeds;
  const note = embeds[embeds.length - 1];
  assert.match(note.description ?? '', /more characters did not fit/);
  assert.match(note.description ?? '', /^…/);
  assert.equal(note.footer?.text, 'Not financial advice.', 'the footer survives');
  assert.ok(visible(messages).length + truncatedChars >= text.length - 200);
  const vi = renderReply({ blocks: [{ kind: 'text', text }] }, 'vi', { maxMessages: 1 }).messages[0].embeds;
  assert.match(vi[vi.length - 1].description ?? '', /không vừa tin nhắn Discord/);
});

test('discord render: a huge table becomes several code blocks, each closed', () => {
  const rows = Array.from({ length: 400 }, (_, i) => [`ROW${i}`, String(i * 1000)]);
  const blocks = tableBlocks(['Coin', 'OI'], rows, ['left', 'right'], 4096);
  assert.ok(blocks.length > 1);
  for (const block of blocks) {
    assert.ok(block.length <= 4096);
    assert.ok(block.startsWith('```\n') && block.endsWith('\n```'));
  }
  assert.ok(blocks[1].includes('Coin'), 'continued tables repeat the header');
  const { messages } = renderReply({ blocks: [{ kind: 'table', columns: ['Coin', 'OI'], rows }] }, 'en');
  assertValid(messages);
  for (const row of rows) assert.ok(visible(messages).includes(row[0]));
});

test('discord render: splitText cuts at lines, then spaces, never after an escaping backslash', () => {
  assert.deepEqual(splitText('aaa\nbbb', 5), ['aaa', 'bbb']);
  assert.deepEqual(splitText('aaa bbb', 5), ['aaa', 'bbb']);
  const pieces = splitText('ab\\*cdefgh', 4);
  assert.ok(pieces.every((p) => !p.endsWith('\\') || p.endsWith('\\\\')));
  assert.equal(pieces.join(''), 'ab\\*cdefgh');
});

test('discord render: the picture is an attachment shown in the first embed', () => {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  const { messages } = renderReply({ title: 'Chart', blocks: [], image: { png, alt: 'Funding chart', filename: 'btc funding?.png' } }, 'en');
  assert.equal(messages[0].files.length, 1);
  assert.equal(messages[0].files[0].name, 'btc-funding-.png');
  assert.equal(messages[0].files[0].description, 'Funding chart');
  assert.equal(messages[0].embeds[0].image?.url, 'attachment://btc-funding-.png');
});

test('discord render: buttons become action rows (≤5 per row, ≤5 rows), custom_id is the payload', () => {
  const { rows, skipped } = buttonRows([
    { label: '◀ Back', payload: 'explain:adl:1', style: 'secondary' },
    { label: 'Next ▶', payload: 'explain:adl:3', style: 'primary' },
    { label: 'Close', payload: 'explain:close', style: 'danger' },
  ]);
  assert.equal(skipped.length, 0);
  assert.deepEqual(rows, [
    {
      type: 1,
      components: [
        { type: 2, style: 2, label: '◀ Back', custom_id: 'explain:adl:1' },
        { type: 2, style: 1, label: 'Next ▶', custom_id: 'explain:adl:3' },
        { type: 2, style: 4, label: 'Close', custom_id: 'explain:close' },
      ],
    },
  ]);
  const many = buttonRows(Array.from({ length: 30 }, (_, i) => ({ label: `B${i}`, payload: `x:${i}` })));
  assert.equal(many.rows.length, 5);
  assert.ok(many.rows.every((r) => r.components.length === 5));
  assert.equal(many.skipped.length, 5, 'the ones past 25 are reported, not sent');
  const odd = buttonRows([
    { label: 'a', payload: 'x:'.padEnd(101, 'y') },
    { label: 'b', payload: 'x:1' },
    { label: 'c', payload: 'x:1' },
    { label: 'L'.repeat(100), payload: 'x:2' },
  ]);
  assert.deepEqual(odd.rows[0].components.map((c) => (c as any).custom_id), ['x:1', 'x:2']);
  assert.equal(odd.skipped.length, 2, 'too long, and a duplicate custom_id');
  assert.ok((odd.rows[0].components[1] as any).label.length <= 80);
  const { messages } = renderReply({ blocks: [{ kind: 'text', text: 'x '.repeat(5000) }], actions: [{ label: 'Next', payload: 'explain:adl:2' }] }, 'en');
  assert.deepEqual(messages.slice(0, -1).map((m) => m.components.length), messages.slice(0, -1).map(() => 0));
  assert.equal(messages[messages.length - 1].components.length, 1, 'buttons under the last message');
});

test('discord render: an empty reply is still a valid embed', () => {
  const { messages } = renderReply({ blocks: [] }, 'en');
  assertValid(messages);
});
