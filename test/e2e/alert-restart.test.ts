import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleAlert } from '../../src/alerts/service.ts';
import { projectPath } from '../../src/paths.ts';
import { AlertsRepository } from '../../src/store/alerts-repository.ts';
import { openDatabase } from '../../src/store/database.ts';
import { FakeDiscord } from './fake-discord.ts';
import { FakeTelegram } from './fake-telegram.ts';

/**
 * kill -9 while an alert is being sent (issue 10, fault 3), with the real `npm start` process
 * (src/main.ts) against local Telegram and Discord servers. Each fake carries out one send and
 * never answers it, as when the process dies between the platform posting the message and the
 * bot reading the answer; the test then kills the bot with SIGKILL and starts it again, and the
 * restarted bot drains the outbox at start as it always does.
 *
 * Guarantees checked (README, "Alert guarantees"): Discord, exactly once (the repeat carries the
 * same nonce, Discord returns the message it already has); Telegram, at most once (no
 * idempotency key exists, so the interrupted send is recorded as uncertain and not repeated).
 */
const DISCORD_TOKEN = 'aaaa.bbbb.cccc';
const APPLICATION_ID = '1400000000000000001';
const TELEGRAM_CHAT = '-1001234567890';
const CHILD_TIMEOUT_MS = 60_000;

interface Bot {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startBot(env: Record<string, string>): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: CHILD_TIMEOUT_MS,
  });
  const logs: Array<Record<string, unknown>> = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) logs.push(JSON.parse(line));
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs, exited };
}

async function until<T>(what: string, probe: () => T | undefined | false, bot?: Bot): Promise<T> {
  const end = Date.now() + 30_000;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${bot ? `; bot logged: ${JSON.stringify(bot.logs.slice(-5))}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('kill -9 during an alert send: after the restart Discord has it once (same nonce), Telegram once (not repeated)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adl-restart-'));
  const dbPath = join(dir, 'sentinel.db');
  const telegram = new FakeTelegram();
  const discord = new FakeDiscord({ token: DISCORD_TOKEN, applicationId: APPLICATION_ID });
  const bots: Bot[] = [];
  try {
    const telegramRoot = await telegram.start();
    await discord.start();
    // The outbox as a cycle left it: the crash alert queued for a Discord channel, then a Telegram group.
    const db = openDatabase(dbPath);
    const repo = new AlertsRepository(db);
    const now = Date.now();
    const alert = { ...sampleAlert(), time: now };
    for (const [platform, chatId] of [['discord', discord.channelId], ['telegram', TELEGRAM_CHAT]]) {
      repo.subscribe({ platform, chatId, kinds: ['crash'], symbols: ['BTC'], venues: ['*'], minSeverity: 'warning', createdBy: 'u', createdAt: new Date(now).toISOString() });
      assert.ok(repo.enqueueUnlessDuplicate({ platform, chatId, venueGroup: '*', symbol: 'BTC', kind: 'crash' }, 'critical', alert, now, 3_600_000));
    }
    db.close();

    const env = {
      DATABASE_PATH: dbPath,
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegramRoot,
      DISCORD_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_ROOT: discord.apiRoot,
      BINANCE_BASE_URL: 'http://127.0.0.1:9',
      BYBIT_BASE_URL: 'http://127.0.0.1:9',
      OKX_BASE_URL: 'http://127.0.0.1:9',
      HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
    };
    const channelPosts = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${discord.channelId}/messages`);
    const telegramSends = () => telegram.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === TELEGRAM_CHAT);

    // 1. Discord posts the alert, the answer never arrives, the bot is killed.
    discord.loseAnswerIn.add(discord.channelId);
    telegram.loseAnswer('sendMessage', (p) => String(p.chat_id) === TELEGRAM_CHAT);
    const first = startBot(env);
    bots.push(first);
    await until('the Discord post', () => channelPosts().length === 1, first);
    first.child.kill('SIGKILL');
    await first.exited;

    // 2. Restarted: Discord gets the same nonce and answers with the message it has; then the
    //    Telegram send is carried out, unanswered, and the bot is killed again.
    const second = startBot(env);
    bots.push(second);
    await until('the Telegram send', () => telegramSends().length === 1, second);
    second.child.kill('SIGKILL');
    await second.exited;
    assert.equal(channelPosts().length, 2, 'the interrupted Discord send was repeated');
    assert.equal(channelPosts()[0].json.nonce, channelPosts()[1].json.nonce, 'with the same nonce');
    assert.equal(channelPosts()[1].json.enforce_nonce, true);

    // 3. Restarted again: the Telegram send is not repeated.
    const third = startBot(env);
    bots.push(third);
    await until('the decision on the interrupted Telegram send', () => third.logs.some((l) => String(l.msg).includes('not sent again (at most once)')), third);
    third.child.kill('SIGTERM');
    await third.exited;

    const messages = [...discord.messages.values()].filter((m) => m.channel_id === discord.channelId);
    assert.equal(messages.length, 1, 'Discord: exactly once');
    assert.equal(telegramSends().length, 1, 'Telegram: once, never repeated');
    const rows = openDatabase(dbPath).prepare('SELECT platform, status FROM alert_outbox ORDER BY id').all();
    assert.deepEqual(rows, [
      { platform: 'discord', status: 'sent' },
      { platform: 'telegram', status: 'uncertain' },
    ]);
  } finally {
    for (const bot of bots) bot.child.kill('SIGKILL');
    await discord.stop();
    await telegram.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
