import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrammyError, HttpError } from 'grammy';
import { networkRetry } from '../../../src/platforms/telegram/api.ts';

type Prev = Parameters<ReturnType<typeof networkRetry>>[0];

function flaky(failures: Error[]): { prev: Prev; calls: () => number } {
  let calls = 0;
  const prev = (async () => {
    const failure = failures[calls++];
    if (failure) throw failure;
    return { ok: true, result: true };
  }) as unknown as Prev;
  return { prev, calls: () => calls };
}
const network = () => new HttpError("Network request for 'sendMessage' failed!", new Error('ECONNRESET'));

test('network errors are tried again a bounded number of times', async () => {
  const retry = networkRetry([0, 0, 0]);
  const twice = flaky([network(), network()]);
  assert.deepEqual(await retry(twice.prev, 'sendMessage', { chat_id: 1, text: 'x' }), { ok: true, result: true });
  assert.equal(twice.calls(), 3);

  const always = flaky([network(), network(), network(), network(), network()]);
  await assert.rejects(retry(always.prev, 'sendMessage', { chat_id: 1, text: 'x' }), HttpError);
  assert.equal(always.calls(), 4);
});

test('getUpdates, Telegram errors and aborted requests are not retried here', async () => {
  const retry = networkRetry([0, 0, 0]);
  const polling = flaky([network()]);
  await assert.rejects(retry(polling.prev, 'getUpdates', {}), HttpError);
  assert.equal(polling.calls(), 1, "grammY's polling loop retries getUpdates itself");

  const refused = flaky([new GrammyError('x', { ok: false, error_code: 400, description: 'Bad Request' }, 'sendMessage', {})]);
  await assert.rejects(retry(refused.prev, 'sendMessage', { chat_id: 1, text: 'x' }), GrammyError);
  assert.equal(refused.calls(), 1);

  const controller = new AbortController();
  controller.abort();
  const aborted = flaky([network()]);
  await assert.rejects(retry(aborted.prev, 'sendMessage', { chat_id: 1, text: 'x' }, controller.signal as never), HttpError);
  assert.equal(aborted.calls(), 1);
});
