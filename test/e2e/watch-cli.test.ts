import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { projectPath } from '../../src/paths.ts';
import { adlFill } from '../support/fake-hyperliquid.ts';
import { FakeExchange, sampleMarket } from './fake-exchange.ts';

/**
 * `npm run -s cli -- watch check --venue hyperliquid --address 0x… [--lang vi] [--json]` as a real
 * process against the fake Hyperliquid /info: the JSON, the Vietnamese reading, and exit 2
 * with one line for a bad address.
 */
const ADDRESS = '0x2ea18c23f72a4b6172c55b411823cdc5335923f4';
const exchange = new FakeExchange(sampleMarket());

before(async () => {
  await exchange.start();
  const account = exchange.hyperliquidAccounts.account(ADDRESS);
  account.crossAccountValue = 24_000;
  account.positions = [
    { coin: 'ETH', szi: 10, entryPx: 4000, markPx: 3913, leverage: 10, type: 'isolated', liquidationPx: 3600 },
    { coin: 'BTC', szi: -0.6, entryPx: 122_000, markPx: 99_000, leverage: 20, type: 'cross', liquidationPx: 140_000 },
  ];
  account.fills = [adlFill({ coin: 'BTC', side: 'short', size: 0.4, px: 99_100, markPx: 99_000, closedPnl: 9_160, time: Date.now() - 3_600_000, tid: 42 })];
});

after(() => exchange.stop());

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'cli', '--', ...args], {
      cwd: projectPath(),
      timeout: 60_000,
      env: { ...process.env, DATABASE_PATH: ':memory:', LOG_LEVEL: '', LANG: 'C.UTF-8', HYPERLIQUID_BASE_URL: exchange.baseUrl('hyperliquid') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('watch check: the JSON contract, the Vietnamese reading, and exit 2 with one line for a bad address', async () => {
  const [json, vi, bad] = await Promise.all([
    cli('watch', 'check', '--venue', 'hyperliquid', '--address', ADDRESS, '--json'),
    cli('watch', 'check', '--venue', 'hyperliquid', '--address', ADDRESS, '--lang', 'vi'),
    cli('watch', 'check', '--venue', 'hyperliquid', '--address', '0xnot-an-address'),
  ]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout.trim().split('\n').length, 1, 'one JSON object');
  const data = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(data), ['venue', 'address', 'accountValue', 'positions', 'events']);
  const eth = data.positions.find((p: any) => p.coin === 'ETH');
  assert.deepEqual(
    { side: eth.side, size: eth.size, entryPrice: eth.entryPrice, markPrice: eth.markPrice, liquidationPrice: eth.liquidationPrice, ourLiquidationPrice: eth.ourLiquidationPrice, leverage: eth.leverage },
    { side: 'long', size: '10', entryPrice: '4000', markPrice: '3913', liquidationPrice: '3600', ourLiquidationPrice: '3673.46938776', leverage: '10' },
  );
  assert.equal(eth.distanceFromMarkPct, '0.07998978', '(3,913 − 3,600) / 3,913');
  assert.deepEqual(eth.adl, { score: null, lights: 1, percentile: 0 }, 'at a loss: behind every profitable position');
  const btc = data.positions.find((p: any) => p.coin === 'BTC');
  assert.equal(btc.side, 'short');
  assert.ok(btc.adl.lights >= 4);
  assert.equal(data.events.length, 1);
  assert.deepEqual({ ...data.events[0], time: undefined }, { type: 'adl', coin: 'BTC', size: '0.4', price: '99100', markPrice: '99000', closedPnl: '9160', time: undefined });

  assert.equal(vi.code, 0, vi.stderr);
  assert.match(vi.stdout, /ETH Long · 10 ETH giá vào 4\.000,00 USD · giá đánh dấu 3\.913,00 USD · 10x ký quỹ cô lập/);
  assert.match(vi.stdout, /cách giá đánh dấu 8(,0\d*)?%/);
  assert.match(vi.stdout, /Bị ADL: BTC Short 0,4 giá 99\.100,00 USD/);

  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /That is not a Hyperliquid address\. An address is 0x followed by 40 hexadecimal characters/);
});
