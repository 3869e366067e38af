import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkup, parseMarkup, plainText } from '../../src/chat/markup.ts';
import { textTable, width } from '../../src/chat/text-table.ts';

test('markup: bold, italic, code and links; everything else is plain text', () => {
  assert.deepEqual(parseMarkup('a **b** _c_ `d*e` [f](https://x.io/y) <g>'), [
    { kind: 'text', text: 'a ' },
    { kind: 'bold', text: 'b' },
    { kind: 'text', text: ' ' },
    { kind: 'italic', text: 'c' },
    { kind: 'text', text: ' ' },
    { kind: 'code', text: 'd*e' },
    { kind: 'text', text: ' ' },
    { kind: 'link', text: 'f', url: 'https://x.io/y' },
    { kind: 'text', text: ' <g>' },
  ]);
});

test('underscores inside words and lone markers stay as typed', () => {
  assert.deepEqual(parseMarkup('/adl_rank and other_mm_x'), [{ kind: 'text', text: '/adl_rank and other_mm_x' }]);
  assert.deepEqual(parseMarkup('2 * 3 ** 4 and a `lone tick'), [{ kind: 'text', text: '2 * 3 ** 4 and a `lone tick' }]);
  assert.deepEqual(parseMarkup('[not a link](ftp://x)'), [{ kind: 'text', text: '[not a link](ftp://x)' }]);
  assert.equal(plainText('**Giá** [docs](https://a.b)'), 'Giá docs (https://a.b)');
});

test('tables pad to the widest cell; combining marks take no width', () => {
  const table = textTable(['Sàn', 'Giá'], [['Binance', '$1,000'], ['OKX', '$99']], ['left', 'right']);
  const lines = table.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[2], 'Binance  $1,000');
  assert.equal(lines[3], 'OKX         $99');
  assert.equal(width('Giá'.normalize('NFD')), 3);
  assert.equal(width('⚠️'), 2);
});

test('a backslash makes a markup character plain; escapeMarkup makes any text plain', () => {
  assert.deepEqual(parseMarkup('\\*\\*not bold\\*\\* and \\[x\\](https://a.b)'), [{ kind: 'text', text: '**not bold** and [x](https://a.b)' }]);
  for (const typed of ['[Claim your ADL refund](https://evil.example)', '**FREE**', '`code`', '_it_', 'a\\b', '\\', '```', '**a** `b` _c_ [d](https://e.f)']) {
    assert.deepEqual(parseMarkup(escapeMarkup(typed)), [{ kind: 'text', text: typed }], typed);
    assert.deepEqual(parseMarkup(`“${escapeMarkup(typed)}”`), [{ kind: 'text', text: `“${typed}”` }], typed);
  }
});

test('escaped user text inside the bot markup keeps the bot markup and shows the user text as typed', () => {
  const typed = 'x**y`z_[w](https://evil.example)';
  assert.deepEqual(parseMarkup(`**${escapeMarkup(typed)}** \`${escapeMarkup(typed)}\``), [
    { kind: 'bold', text: typed },
    { kind: 'text', text: ' ' },
    { kind: 'code', text: typed },
  ]);
});
