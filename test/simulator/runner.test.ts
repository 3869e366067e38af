import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/chat/command.ts';
import { textReply } from '../../src/chat/reply.ts';
import { simulateCommand } from '../../commands/simulate.ts';
import { resolveParams } from '../../src/simulator/params.ts';
import { runSimulation } from '../../src/simulator/simulate.ts';
import { SimulationRunner } from '../../src/simulator/runner.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';

/** A cheap command for this test only: answers at once, as /help or /lang would. */
const pingCommand: Command = {
  name: 'ping',
  description: { en: 'ping', vi: 'ping' },
  options: [],
  examples: [],
  run: () => textReply('pong'),
};

test('the worker gives the same result as a run on the main thread', async () => {
  const runner = new SimulationRunner({ maxChatPositions: 200_000 });
  const params = resolveParams('mild', { positions: 3_000, seed: 4 });
  const fromWorker = await runner.run(params);
  assert.equal(JSON.stringify(fromWorker), JSON.stringify(runSimulation(params)));
});

test('another command answers while a 200k-position simulation runs in the worker', async () => {
  const services = makeTestServices({ simulator: new SimulationRunner({ maxChatPositions: 200_000 }) });
  const order: string[] = [];
  const simulation = Promise.resolve(
    simulateCommand.run({ scenario: '2025-10-10', positions: 200_000, policy: 'all' }, makeTestContext({ services, platform: 'discord' })),
  ).then((reply) => {
    order.push('simulate');
    return reply;
  });
  // Let the worker start, then ask for something cheap.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const ping = await Promise.resolve(pingCommand.run({}, makeTestContext({ services })));
  order.push('ping');
  assert.equal(ping.blocks[0].kind === 'text' && ping.blocks[0].text, 'pong');
  const reply = await simulation;
  assert.deepEqual(order, ['ping', 'simulate']);
  assert.equal((reply.data as { positions: number }).positions, 200_000);
});

test('runs beyond the queue limit are refused instead of piling up', async () => {
  const runner = new SimulationRunner({ maxChatPositions: 200_000, concurrency: 1, maxQueued: 0 });
  const params = resolveParams('mild', { positions: 20_000 });
  const first = runner.run(params);
  await assert.rejects(() => runner.run(params), /queue is full/);
  await first;
});
