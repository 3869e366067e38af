import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { COMMANDS } from '../../commands/index.ts';
import { Dispatcher, type Invocation } from '../../src/chat/dispatcher.ts';
import { makeTestServices, profile } from '../support/context.ts';

/**
 * Charts are drawn off the chat thread (issue 10, fault 8): while a reply's chart is being drawn
 * (a cold render takes over a second), another command is answered. Before, the chart was drawn
 * on the chat thread and every other reply waited behind it.
 */
const dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices(), logger: pino({ level: 'silent' }) });
const someone = (id: string): Invocation => ({ face: profile('telegram'), user: { id }, chat: { id, kind: 'private' } });

after(async () => {
  const { renderWorker } = await import('../../src/render/render-worker.ts').catch(() => ({ renderWorker: undefined }));
  await renderWorker?.stop();
});

test('a /liq is answered while the crash walkthrough’s chart is drawn', async () => {
  const order: string[] = [];
  // Step 1 of the crash walkthrough carries a picture, drawn on first use.
  const picture = dispatcher.runLine(someone('reader'), '/explain crash-2025-10-10').then((result) => {
    order.push('chart');
    return result;
  });
  const liq = dispatcher.runLine(someone('trader'), '/liq binance long 30000 1 10x').then((result) => {
    order.push('liq');
    return result;
  });
  const [withPicture, answered] = await Promise.all([picture, liq]);
  assert.match(answered.reply.title ?? '', /Liquidation price/);
  assert.equal(withPicture.reply.image?.filename, 'crash-timeline.png');
  assert.deepEqual([...withPicture.reply.image.png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual(order, ['liq', 'chart'], 'the /liq answer did not wait for the chart');
});
