import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProcess, type Run } from '../../support/process.ts';

/** The one-shot CLI and `npm start` as users run them: real processes, no network. */
const ENV = {
  ...process.env,
  DATABASE_PATH: ':memory:',
  LOG_LEVEL: '',
  TELEGRAM_BOT_TOKEN: '',
  DISCORD_TOKEN: '',
  LANG: 'C.UTF-8',
  // Nothing may leave the machine: any venue call in these runs fails at once.
  BINANCE_BASE_URL: 'http://127.0.0.1:9',
  BYBIT_BASE_URL: 'http://127.0.0.1:9',
  OKX_BASE_URL: 'http://127.0.0.1:9',
  HYPERLIQUID_BASE_URL: 'http://127.0.0.1:9',
  BITMEX_BASE_URL: 'http://127.0.0.1:9',
  DYDX_BASE_URL: 'http://127.0.0.1:9',
};

function run(command: string, args: string[], stdin = '', env: NodeJS.ProcessEnv = ENV): Promise<Run> {
  return runProcess(command, args, env, stdin);
}
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/platforms/terminal/cli.ts', ...args]);

test('npm run -s cli -- liq … --json prints one JSON object with the contract fields', async () => {
  const result = await run('npm', ['run', '-s', 'cli', '--', 'liq', '--venue', 'binance', '--symbol', 'BTCUSDT', '--side', 'long', '--entry', '122000', '--qty', '0.5', '--leverage', '20', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const data = JSON.parse(result.stdout);
  assert.equal(data.liquidationPrice, '116381.90954774');
  assert.equal(data.bankruptcyPrice, '115900');
  for (const key of ['initialMargin', 'maintenanceMargin', 'mmr', 'maintenanceAmount']) assert.ok(key in data, key);
  assert.equal(result.stdout.trim().split('\n').length, 1, 'one line of JSON');
});

test('CLI contract: readable answers in both languages, adl-rank JSON, and exit code 2 with one line on bad input', async () => {
  const [en, vi, adl, bad, ambiguous, unknown, leverage, missing] = await Promise.all([
    cli('liq', '--venue', 'okx', '--side', 'short', '--entry', '65k', '--notional', '50000', '--margin', '5000', '--mmr', '0.4%'),
    cli('liq', '--venue', 'hyperliquid', '--side', 'long', '--entry', '4300', '--qty', '10', '--symbol', 'ETHUSDT', '--mode', 'cross', '--wallet', '5000', '--lang', 'vi'),
    cli('adl-rank', '--venue', 'hyperliquid', '--symbol', 'BTCUSDT', '--side', 'short', '--entry', '122k', '--mark', '102k', '--qty', '1', '--leverage', '20', '--json'),
    cli('liq', '--venue', 'binance', '--side', 'long', '--entry', '-5', '--qty', '1'),
    cli('liq', '--venue', 'binance', '--side', 'long', '--entry', '122000', '--qty', '1.500', '--lang', 'vi'),
    cli('liq', '--venue', 'kraken', '--side', 'long', '--entry', '1', '--qty', '1'),
    cli('liq', '--venue', 'binance', '--side', 'long', '--entry', '122000', '--qty', '1', '--leverage', '500'),
    cli('adl-rank', '--venue', 'binance', '--side', 'long', '--entry', '1'),
  ]);
  assert.equal(en.code, 0, en.stderr);
  assert.match(en.stdout, /Liquidation price · OKX/);
  assert.equal(vi.code, 0, vi.stderr);
  assert.match(vi.stdout, /Giá thanh lý/);
  assert.match(vi.stdout, /ký quỹ chéo/);
  assert.equal(adl.code, 0, adl.stderr);
  const data = JSON.parse(adl.stdout);
  for (const key of ['score', 'lights', 'percentile', 'closeoutPrice', 'advice']) assert.ok(key in data, key);
  for (const [name, result, pattern] of [
    ['negative', bad, /entry must be above zero/],
    ['ambiguous', ambiguous, /1500 hoặc 1,5/],
    ['unknown venue', unknown, /kraken/],
    ['leverage', leverage, /500/],
    ['missing', missing, /“mark” is missing/],
  ] as const) {
    assert.equal(result.code, 2, `${name}: ${result.stderr}`);
    assert.equal(result.stdout, '', name);
    assert.equal(result.stderr.trim().split('\n').length, 1, `${name}: one line`);
    assert.match(result.stderr, pattern, name);
    assert.match(result.stderr, /npm run -s cli -- /, `${name}: says what to type instead`);
    assert.ok(!/at .+\.ts:\d+/.test(result.stderr), `${name}: no stack trace`);
  }
});

test('CLI: every command of the registry is served (explain, simulate, help), unknown ones exit 2', async () => {
  const [explain, step, simulate, help, nope, langFlag, market] = await Promise.all([
    cli('explain', '--json'),
    cli('explain', 'adl', '--step', '3', '--lang', 'vi', '--json'),
    cli('simulate', '--scenario', 'mild', '--positions', '5000', '--seed', '7', '--json'),
    cli('help', 'liq'),
    cli('nope'),
    cli('liq', '--lang', 'fr'),
    cli('market', 'BTC'),
  ]);
  assert.equal(explain.code, 0, explain.stderr);
  assert.ok(JSON.parse(explain.stdout).topics.length >= 8);
  const adl = JSON.parse(step.stdout);
  assert.deepEqual([adl.topic, adl.lang, adl.steps.length], ['adl', 'vi', 1]);
  assert.equal(simulate.code, 0, simulate.stderr);
  const sim = JSON.parse(simulate.stdout);
  assert.deepEqual([sim.scenario, sim.seed, sim.positions], ['mild', 7, 5000]);
  assert.match(help.stdout, /--entry/);
  assert.equal(nope.code, 2);
  assert.match(nope.stderr, /There is no command nope/);
  assert.equal(langFlag.code, 2);
  assert.match(langFlag.stderr, /--lang must be en or vi/);
  assert.equal(market.code, 2, 'no venue reachable is said plainly, not blamed on the coin');
  assert.equal(market.stderr.trim().split('\n').length, 1, market.stderr);
  assert.match(market.stderr, /No venue has answered yet.*ECONNREFUSED/);
});

test('npm start with no token runs the terminal chat on piped lines and exits at their end', async () => {
  const result = await run('npm', ['start', '--silent'], '/liq binance long 30000 1 10x\n/lang vi\n/liq binance long 30000 1 10x\n');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ADL Sentinel in the terminal/);
  assert.match(result.stdout, /Liquidation price: \$27,108\.43/);
  assert.match(result.stdout, /Giá thanh lý: 27\.108,43 USD/);
});

test('npm start stops with one line naming a malformed variable', async () => {
  const result = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], '', { ...ENV, TELEGRAM_BOT_TOKEN: 'not-a-token' });
  assert.equal(result.code, 1);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /TELEGRAM_BOT_TOKEN must look like 123456:ABC/);
});
