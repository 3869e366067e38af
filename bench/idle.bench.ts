import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { projectPath } from '../src/paths.ts';
import { FakeDiscord } from '../test/e2e/fake-discord.ts';
import { FakeTelegram, user } from '../test/e2e/fake-telegram.ts';

/**
 * The memory of the real bot process (`node --import tsx src/main.ts`, as `npm start` runs it)
 * serving Discord and Telegram at once against the local fakes: resident set size once both faces
 * are up and idle, and again after 40 answered commands. Printed, never asserted.
 */
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function idleMemoryBench(): Promise<void> {
  const telegram = new FakeTelegram();
  const telegramRoot = await telegram.start();
  const discord = new FakeDiscord({ token: 'aaaa.bbbb.cccc', applicationId: '1400000000000000001' });
  await discord.start();
  const healthPort = await freePort();
  const closed = 'http://127.0.0.1:9';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectPath(),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegramRoot,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_ROOT: discord.apiRoot,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'silent',
      HEALTH_PORT: String(healthPort),
      RATE_LIMIT_PER_MINUTE: '1000',
      BINANCE_BASE_URL: closed,
      BYBIT_BASE_URL: closed,
      OKX_BASE_URL: closed,
      HYPERLIQUID_BASE_URL: closed,
      BINANCE_WS_URL: 'ws://127.0.0.1:9',
      BYBIT_WS_URL: 'ws://127.0.0.1:9',
      OKX_WS_URL: 'ws://127.0.0.1:9',
      HYPERLIQUID_WS_URL: 'ws://127.0.0.1:9',
    },
  });
  const started = Date.now();
  try {
    for (;;) {
      const health = await fetch(`http://127.0.0.1:${healthPort}/health`).then((r) => r.json() as Promise<{ faces: Record<string, { state: string }> }>).catch(() => undefined);
      const serving = Object.values(health?.faces ?? {}).filter((face) => face.state === 'serving');
      if (serving.length === 2) break;
      if (Date.now() - started > 60_000) throw new Error('the bot did not start both faces within 60 s');
      await sleep(100);
    }
    const readyMs = Date.now() - started;
    await sleep(3000);
    const idle = rssMb(child.pid!);
    for (let i = 0; i < 20; i++) {
      const from = user(60_000 + i);
      telegram.sendText(`/liq binance long ${30_000 + i} 1 10x`, { user: from });
      await telegram.waitFor((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id);
      await discord.callbackOf(discord.slash('adl-rank', { venue: 'binance', side: 'short', entry: '122k', mark: String(100_000 + i), qty: '1', leverage: '20x' }));
    }
    await sleep(1000);
    const busy = rssMb(child.pid!);
    console.log(`process start → both faces serving: ${(readyMs / 1000).toFixed(1)} s (includes tsx compiling on the fly)`);
    console.log(`resident memory, idle with both faces: ${idle.toFixed(0)} MB; after 20 Telegram /liq + 20 Discord /adl-rank: ${busy.toFixed(0)} MB`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await telegram.stop();
    await discord.stop();
  }
}
