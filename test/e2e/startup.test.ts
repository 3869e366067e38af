import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startApp } from '../../src/app.ts';
import { loadConfig, type Env } from '../../src/config.ts';
import { freePort } from '../support/net.ts';
import { until } from '../support/process.ts';
import { FakeDiscord } from './fake-discord.ts';
import { FakeTelegram, user } from './fake-telegram.ts';

/**
 * Faces that cannot start (issue 10, faults 1 and 2): the process keeps serving the others, logs
 * one line per failed attempt with the next delay, retries with backoff, and /health says which
 * face is up. Every server here is local; the "unreachable" ones are closed ports or sockets that
 * are dropped or never answered.
 */
const DISCORD_TOKEN = 'aaaa.bbbb.cccc';
const APPLICATION_ID = '1400000000000000001';
const QUICK_RETRY = { initialMs: 150, maxMs: 300 };

function capture() {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

function env(extra: Env): Env {
  return {
    DATABASE_PATH: ':memory:',
    BINANCE_BASE_URL: 'http://127.0.0.1:9',
    BYBIT_BASE_URL: 'http://127.0.0.1:9',
    OKX_BASE_URL: 'http://127.0.0.1:9',
    HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
    ...extra,
  };
}

const failuresOf = (lines: Array<Record<string, any>>, face: string) => lines.filter((l) => l.face === face && l.msg === 'face could not start; retrying');

async function health(port: number): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: response.status, body: await response.json() };
}

/** A TCP server that accepts connections and then drops them (`drop`) or never answers (`hang`). */
async function deadServer(mode: 'drop' | 'hang'): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'drop') socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('Discord unreachable at start: logged in one line and retried; Telegram and the alert schedule keep running; /health reports each face', async () => {
  const discordPort = await freePort();
  const healthPort = await freePort();
  const telegram = new FakeTelegram();
  const apiRoot = await telegram.start();
  const discord = new FakeDiscord({ token: DISCORD_TOKEN, applicationId: APPLICATION_ID });
  const { lines, logger } = capture();
  const config = loadConfig(
    env({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: apiRoot,
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_ROOT: `http://127.0.0.1:${discordPort}/api`,
      HEALTH_PORT: String(healthPort),
    }),
  );
  const app = await startApp(config, { terminal: false, logger, faceRetry: QUICK_RETRY });
  try {
    // Telegram serves while Discord is down.
    const since = telegram.calls.length;
    telegram.sendText('/help', { user: user(3001) });
    await telegram.waitFor((c) => c.method === 'sendMessage' && telegram.calls.indexOf(c) >= since, 'the /help answer');
    assert.equal(app.alerts.scheduled, true, 'the alert schedule runs');

    await until('two failed Discord attempts', () => failuresOf(lines, 'discord').length >= 2);
    const failures = failuresOf(lines, 'discord');
    assert.match(failures[0].error, /ECONNREFUSED/);
    assert.equal(failures[0].attempt, 1);
    assert.ok(failures[0].retryInMs > 0 && failures[0].retryInMs <= QUICK_RETRY.maxMs * 1.25, String(failures[0].retryInMs));
    assert.ok(!JSON.stringify(failures).includes('    at '), 'no stack trace');
    assert.ok(!JSON.stringify(lines).includes(DISCORD_TOKEN), 'no token');

    const down = await health(healthPort);
    assert.equal(down.status, 200, 'one face serves');
    assert.equal(down.body.faces.telegram.state, 'serving');
    assert.equal(down.body.faces.discord.state, 'retrying');
    assert.match(down.body.faces.discord.lastError, /ECONNREFUSED/);

    // Discord comes back: the next attempt connects.
    await discord.start(discordPort);
    await until('Discord serving', async () => (await health(healthPort)).body.faces.discord.state === 'serving');
    assert.equal(discord.identifies.length, 1, 'logged in once it could');
  } finally {
    await app.stop();
    await discord.stop();
    await telegram.stop();
  }
});

test('Telegram unreachable at start: one retry layer, a log line per failed attempt with the next delay', async () => {
  const dead = await deadServer('drop');
  const { lines, logger } = capture();
  const config = loadConfig(env({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi', TELEGRAM_API_ROOT: `http://127.0.0.1:${dead.port}` }));
  const app = await startApp(config, { terminal: false, scheduleAlerts: false, logger, faceRetry: QUICK_RETRY });
  try {
    assert.equal(failuresOf(lines, 'telegram').length, 1, 'startApp waited for the first attempt only');
    await until('three failed attempts', () => failuresOf(lines, 'telegram').length >= 3);
    const failures = failuresOf(lines, 'telegram').slice(0, 3);
    assert.deepEqual(failures.map((l) => l.attempt), [1, 2, 3]);
    for (const line of failures) assert.ok(line.retryInMs > 0, 'names the next delay');
    // One getMe per attempt: no second retry layer inside the face.
    assert.ok(dead.connections() <= failures.length + 1, `${dead.connections()} connections for ${failures.length} attempts`);
  } finally {
    await app.stop();
    await dead.close();
  }
});

test('Telegram answering nothing at start: the attempt times out instead of waiting minutes', async () => {
  const dead = await deadServer('hang');
  const { lines, logger } = capture();
  const config = loadConfig(env({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi', TELEGRAM_API_ROOT: `http://127.0.0.1:${dead.port}` }));
  const app = await startApp(config, { terminal: false, scheduleAlerts: false, logger, faceRetry: { ...QUICK_RETRY, attemptTimeoutMs: 500 } });
  try {
    await until('a timed-out attempt', () => failuresOf(lines, 'telegram').length >= 1);
    const [failure] = failuresOf(lines, 'telegram');
    assert.match(failure.error, /time|abort/i);
  } finally {
    await app.stop();
    await dead.close();
  }
});
