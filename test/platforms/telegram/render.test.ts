import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Action, Reply } from '../../../src/chat/reply.ts';
import {
  CAPTION_LIMIT,
  MESSAGE_LIMIT,
  buildKeyboard,
  callbackAlertText,
  escapeAttr,
  escapeHtml,
  htmlToText,
  planReply,
  renderHtml,
} from '../../../src/platforms/telegram/render.ts';
import { checkHtml } from '../../e2e/fake-telegram.ts';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const one = (reply: Reply) => {
  const chunks = renderHtml(reply, 'en');
  assert.equal(chunks.length, 1);
  checkHtml(chunks[0]);
  return chunks[0];
};
const squash = (s: string) => s.replace(/\s+/g, '');

test('escaping: user text such as <script> and & is shown, never read as HTML', () => {
  assert.equal(escapeHtml('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
  assert.equal(escapeAttr('https://x.example/?a=1&b="2"'), 'https://x.example/?a=1&amp;b=&quot;2&quot;');
  const html = one({ blocks: [{ kind: 'text', text: '<script>alert("hi")</script> & friends, 1 < 2' }] });
  assert.equal(html, '&lt;script&gt;alert("hi")&lt;/script&gt; &amp; friends, 1 &lt; 2');
  assert.equal(htmlToText(html), '<script>alert("hi")</script> & friends, 1 < 2');
});

test('markup spans become <b>, <i>, <code> and <a href>, with the href escaped', () => {
  const html = one({
    blocks: [{ kind: 'text', text: '**bold <1>** then _italic_ and `code & more` [the FAQ](https://x.example/faq?a=1&b="q")' }],
  });
  assert.equal(
    html,
    '<b>bold &lt;1&gt;</b> then <i>italic</i> and <code>code &amp; more</code> <a href="https://x.example/faq?a=1&amp;b=&quot;q&quot;">the FAQ</a>',
  );
  // adl_rank stays as typed (no italic inside words)
  assert.equal(one({ blocks: [{ kind: 'text', text: 'try /adl_rank now' }] }), 'try /adl_rank now');
});

test('title with a tone icon, fields as bold labels, tables in <pre>, step and footer', () => {
  const html = one({
    title: 'Liquidation **price**',
    tone: 'warn',
    page: { index: 2, count: 5 },
    blocks: [
      { kind: 'fields', fields: [{ label: 'Liquidation price', value: '$27,108.43' }, { label: 'MMR & tier', value: '0.4% · `tier 1`' }] },
      { kind: 'table', columns: ['Venue', 'Price'], rows: [['Binance', '$1 <x>'], ['OKX', '$22']], align: ['left', 'right'] },
    ],
    footer: 'Estimate, `code` and _not_ advice: [source](https://x.example)',
  });
  const [title, , field1, field2] = html.split('\n');
  assert.equal(title, '⚠️ <b>Liquidation price</b> · <i>Step 2/5</i>');
  assert.equal(field1, '<b>Liquidation price</b>: $27,108.43');
  assert.equal(field2, '<b>MMR &amp; tier</b>: 0.4% · <code>tier 1</code>');
  assert.ok(html.includes('\n\n<pre>Venue     Price\n───────  ──────\nBinance  $1 &lt;x&gt;\nOKX         $22</pre>\n\n'), html);
  // italic never wraps code (Telegram refuses it) and never nests in itself
  assert.match(html, /<i>Estimate, <\/i><code>code<\/code><i> and not advice: <\/i><i><a href="https:\/\/x\.example">source<\/a><\/i>$/);
});

test('the step indicator is translated', () => {
  const html = renderHtml({ title: 'ADL', tone: 'info', page: { index: 1, count: 8 }, blocks: [] }, 'vi')[0];
  assert.equal(html, 'ℹ️ <b>ADL</b> · <i>Bước 1/8</i>');
});

test('a 10,000-character reply splits into messages within 4,096 characters, balanced, nothing lost', () => {
  const paragraph = (i: number) =>
    `**Paragraph ${i}** has <tags> & ampersands, _italic words_, \`code\` and a [link](https://x.example/${i}?a=1&b=2). ` +
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(3);
  const reply: Reply = {
    title: 'A long reply',
    tone: 'info',
    blocks: [
      { kind: 'text', text: Array.from({ length: 30 }, (_, i) => paragraph(i)).join('\n\n') },
      { kind: 'fields', fields: Array.from({ length: 20 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i} & more` })) },
      { kind: 'table', columns: ['Rank', 'Venue', 'Score'], rows: Array.from({ length: 80 }, (_, i) => [String(i + 1), `venue <${i}>`, `${i * 3}.5%`]) },
      // one line far longer than a message: cut at spaces, inside the bold run
      { kind: 'text', text: `**${'word '.repeat(1200)}**` },
    ],
    footer: 'Not financial advice & estimates only.',
  };
  const whole = renderHtml(reply, 'en', Infinity);
  assert.equal(whole.length, 1);
  assert.ok(whole[0].length > 10_000, `${whole[0].length}`);
  const chunks = renderHtml(reply, 'en');
  assert.ok(chunks.length >= 3);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= MESSAGE_LIMIT, `chunk of ${chunk.length}`);
    checkHtml(chunk); // throws on an unbalanced tag or a cut entity
    assert.ok(chunk.trim().length > 0);
    assert.doesNotMatch(chunk, /&(?!(amp|lt|gt|quot);)/);
  }
  assert.equal(squash(htmlToText(chunks.join(''))), squash(htmlToText(whole[0])));
  // a table cut across messages is closed and reopened
  assert.ok(chunks.filter((c) => c.includes('<pre>')).length >= 2);
});

test('property: any reply splits into valid pieces within the limit, losing nothing', () => {
  const word = fc.oneof(
    fc.constantFrom('a', 'bb', '&', '<', '>', '"', 'Giá', 'thanh', 'lý', '🚀', '👍🏽', '**', '_', '`', '\n', '\n\n', ' ', '[x](https://e.example/?q=1&r=2)'),
    fc.string({ maxLength: 12 }),
  );
  const text = fc.array(word, { maxLength: 120 }).map((ws) => ws.join(' '));
  const reply = fc.record({
    title: fc.option(text, { nil: undefined }),
    text: text,
    footer: fc.option(text, { nil: undefined }),
    rows: fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })), { maxLength: 30 }),
  });
  fc.assert(
    fc.property(reply, fc.integer({ min: 200, max: 1200 }), (r, limit) => {
      const value: Reply = {
        title: r.title,
        blocks: [{ kind: 'text', text: r.text }, ...(r.rows.length ? [{ kind: 'table' as const, columns: ['a', 'b'], rows: r.rows.map(([a, b]) => [a, b]) }] : [])],
        footer: r.footer,
      };
      const whole = renderHtml(value, 'en', Infinity).join('');
      const chunks = renderHtml(value, 'en', limit);
      for (const chunk of chunks) {
        assert.ok(chunk.length <= limit, `chunk ${chunk.length} > ${limit}`);
        checkHtml(chunk);
      }
      assert.equal(squash(htmlToText(chunks.join(''))), squash(htmlToText(whole)));
    }),
    { numRuns: 300 },
  );
});

const action = (label: string, payload: string, style?: Action['style']): Action => ({ label, payload, style });

test('keyboard: callback_data is the payload, rows of at most three, balanced', () => {
  const rows = (n: number) => buildKeyboard(Array.from({ length: n }, (_, i) => action(`B${i}`, `explain:adl:${i}`)))!.inline_keyboard.map((r) => r.length);
  assert.deepEqual(rows(1), [1]);
  assert.deepEqual(rows(2), [2]);
  assert.deepEqual(rows(3), [3]);
  assert.deepEqual(rows(4), [2, 2]);
  assert.deepEqual(rows(5), [3, 2]);
  assert.deepEqual(rows(7), [3, 2, 2]);
  const keyboard = buildKeyboard([action('◀ **Back**', 'explain:adl:1'), action('Next ▶', 'explain:adl:3', 'primary'), action('Close', 'explain:close', 'danger')]);
  assert.deepEqual(keyboard, {
    inline_keyboard: [
      [
        { text: '◀ Back', callback_data: 'explain:adl:1' },
        { text: 'Next ▶', callback_data: 'explain:adl:3', style: 'primary' },
        { text: 'Close', callback_data: 'explain:close', style: 'danger' },
      ],
    ],
  });
  assert.equal(buildKeyboard([]), undefined);
  assert.equal(buildKeyboard(undefined), undefined);
});

test('keyboard: a payload over 64 bytes (counted in UTF-8) is dropped and reported', () => {
  const dropped: Array<[string, number]> = [];
  const keyboard = buildKeyboard(
    [action('ok', 'x'.repeat(64)), action('too long', 'x'.repeat(65)), action('multibyte', `explain:${'ă'.repeat(30)}`), action('empty', '')],
    (a, bytes) => dropped.push([a.label, bytes]),
  );
  assert.deepEqual(keyboard!.inline_keyboard.flat().map((b) => b.text), ['ok']);
  assert.deepEqual(dropped, [['too long', 65], ['multibyte', 68], ['empty', 0]]);
});

test('a reply with a picture: one captioned photo when it fits, else photo then text with the keyboard', () => {
  const image = { png, alt: 'Funding & open interest <chart>', filename: 'chart.png' };
  const actions = [action('Explain', 'explain:funding')];
  const short = planReply({ title: 'Crowded longs', tone: 'warn', blocks: [{ kind: 'text', text: 'BTC funding is high.' }], image, actions }, 'en');
  assert.equal(short.keyboardOn, 'photo');
  assert.deepEqual(short.texts, []);
  assert.equal(short.photo!.caption, '⚠️ <b>Crowded longs</b>\n\nBTC funding is high.');
  assert.deepEqual(short.keyboard, { inline_keyboard: [[{ text: 'Explain', callback_data: 'explain:funding' }]] });

  const long = planReply({ title: 'Crowded', blocks: [{ kind: 'text', text: 'x '.repeat(CAPTION_LIMIT) }], image, actions }, 'en');
  assert.equal(long.keyboardOn, 'last-text');
  assert.equal(long.photo!.caption, 'Funding &amp; open interest &lt;chart&gt;');
  assert.equal(long.texts.length, 1);

  // a walkthrough step keeps its text in a message of its own (its buttons edit that message)
  const step = planReply({ title: 'ADL', page: { index: 1, count: 8 }, blocks: [{ kind: 'text', text: 'Short.' }], image, actions }, 'en');
  assert.equal(step.keyboardOn, 'last-text');
  assert.equal(step.texts.length, 1);

  const longAlt = planReply({ blocks: [{ kind: 'text', text: 'y'.repeat(2000) }], image: { ...image, alt: 'a & b '.repeat(400) } }, 'en');
  assert.ok(longAlt.photo!.caption.length <= CAPTION_LIMIT);
  checkHtml(longAlt.photo!.caption);
  assert.ok(longAlt.photo!.caption.endsWith('…'));
});

test('a reply with nothing to say still sends something (Telegram refuses empty texts)', () => {
  assert.deepEqual(planReply({ blocks: [] }, 'en').texts, ['…']);
});

test('short error replies fit a callback alert (200 characters), long ones do not', () => {
  assert.equal(
    callbackAlertText({ title: "That didn't work", tone: 'error', blocks: [{ kind: 'text', text: 'This button no longer works. Run the command **again**.' }] }),
    "That didn't work\nThis button no longer works. Run the command again.",
  );
  assert.equal(callbackAlertText({ tone: 'error', blocks: [{ kind: 'text', text: 'x'.repeat(201) }] }), undefined);
});
