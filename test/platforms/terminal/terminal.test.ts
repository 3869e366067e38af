import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { Dispatcher } from '../../../src/chat/dispatcher.ts';
import { oneLine, renderTerminal } from '../../../src/platforms/terminal/render.ts';
import { runTerminal } from '../../../src/platforms/terminal/repl.ts';
import { COMMANDS } from '../../../commands/index.ts';
import { makeTestServices } from '../../support/context.ts';

test('a reply renders as text: title, step, fields, table, saved picture, numbered buttons, footer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adl-term-'));
  const text = renderTerminal(
    {
      title: 'Title **bold**',
      tone: 'warn',
      page: { index: 2, count: 5 },
      blocks: [
        { kind: 'text', text: 'See [docs](https://example.com) and `code`' },
        { kind: 'fields', fields: [{ label: 'Giá thanh lý', value: '116.365,46 USD' }] },
        { kind: 'table', columns: ['a', 'b'], rows: [['1', '22']], align: ['left', 'right'] },
      ],
      image: { png: Buffer.from([0x89, 0x50, 0x4e, 0x47]), alt: 'chart', filename: 'x.png' },
      actions: [{ label: '◀ Back', payload: 'explain:adl:1' }, { label: 'Next ▶', payload: 'explain:adl:3' }],
      footer: 'Not financial advice.',
    },
    { lang: 'en', imageDir: dir },
  );
  assert.match(text, /^⚠️ Title bold \(Step 2\/5\)/);
  assert.match(text, /See docs \(https:\/\/example\.com\) and code/);
  assert.match(text, /Giá thanh lý: 116\.365,46 USD/);
  assert.match(text, /a {3}b\n─ {2}──\n1 {2}22/);
  assert.match(text, /\[1\] ◀ Back {3}\[2\] Next ▶/);
  assert.ok(text.trimEnd().endsWith('Not financial advice.'));
  assert.deepEqual([...readFileSync(join(dir, 'x.png'))], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(!text.includes('\x1b['), 'no colour codes unless asked');
});

test('an error reply fits one line for stderr', () => {
  assert.equal(oneLine({ blocks: [{ kind: 'text', text: '“entry” is missing.\nTry: `/liq binance long 1 1`' }] }), '“entry” is missing. Try: /liq binance long 1 1');
});

test('the terminal chat runs piped lines in order: commands, button numbers, language switch, errors', async () => {
  const dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices(), logger: pino({ level: 'silent' }) });
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const done = runTerminal({ dispatcher, input, output, interactive: false, imageDir: mkdtempSync(join(tmpdir(), 'adl-term-')) });
  input.end(['/liq binance long 30000 1 10x', '/explain adl', '1', '9', 'hello', '/lang vi', '/adl_rank bybit short 122k 102k 1 20x', '/liq binance long 1.500 1', ''].join('\n'));
  await done;
  assert.match(printed, /ADL Sentinel in the terminal/);
  assert.match(printed, /Liquidation price: \$27,108\.43/);
  assert.match(printed, /What ADL is \(Step 1\/10\)/);
  assert.match(printed, /\(Step 2\/10\)/, 'button 1 pressed Next');
  assert.match(printed, /There is no button 9/);
  assert.match(printed, /Commands start with a slash/);
  assert.match(printed, /Từ giờ tôi sẽ trả lời bạn bằng tiếng Việt/);
  assert.match(printed, /Ước tính hàng chờ ADL/);
  assert.match(printed, /có thể hiểu theo hai cách, 1500 hoặc 1,5/);
  const order = ['Liquidation price:', 'Step 1/10', 'Step 2/10', 'tiếng Việt', 'Ước tính hàng chờ ADL', 'hai cách'].map((s) => printed.indexOf(s));
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'answers come in the order of the lines');
});

test('the terminal chat is the operator’s own console: no per-user limit, as in `npm start` (14 piped lines, 14 answers)', async () => {
  const { startApp } = await import('../../../src/app.ts');
  const { loadConfig } = await import('../../../src/config.ts');
  // The defaults npm start uses: 10 commands a minute for chat users.
  const config = loadConfig({ DATABASE_PATH: ':memory:', BINANCE_BASE_URL: 'http://127.0.0.1:9', BYBIT_BASE_URL: 'http://127.0.0.1:9', OKX_BASE_URL: 'http://127.0.0.1:9', HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9' });
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk) => (printed += chunk));
  const app = await startApp(config, { logger: pino({ level: 'silent' }), terminal: { input, output, interactive: false } });
  input.end(Array.from({ length: 14 }, (_, i) => (i % 2 ? '/help' : '/liq binance long 30000 1 10x')).join('\n') + '\n');
  await app.terminalDone;
  await app.stop();
  assert.doesNotMatch(printed, /limit of commands per minute/);
  assert.equal(printed.match(/^Liquidation price · /gm)?.length, 7);
  assert.equal(printed.match(/ADL Sentinel: commands/g)?.length, 7);
});
