import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { simulateCommand } from '../../commands/simulate.ts';
import { isUserError } from '../../src/chat/errors.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { SimulationRunner } from '../../src/simulator/runner.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';

const allText = (reply: Reply) =>
  [
    reply.title ?? '',
    reply.footer ?? '',
    reply.image?.alt ?? '',
    ...reply.blocks.flatMap((block) =>
      block.kind === 'text' ? [block.text] : block.kind === 'fields' ? block.fields.flatMap((f) => [f.label, f.value]) : [...block.columns, ...block.rows.flat()],
    ),
  ].join('\n');

test('/simulate 2025-10-10 answers with the policy table, the published comparison, the chart, the footer and the JSON contract', async () => {
  const ctx = makeTestContext({ platform: 'discord' });
  const reply = await simulateCommand.run({ scenario: '2025-10-10', positions: 10_000, seed: 1010, policy: 'all' }, ctx);
  const tables = reply.blocks.filter((block) => block.kind === 'table');
  assert.equal(tables.length, 2);
  const [policies, published] = tables;
  assert.ok(policies.kind === 'table' && published.kind === 'table');
  assert.deepEqual(
    policies.rows.map((row) => row[0]),
    ['queue', 'pro-rata', 'socialized', 'vault'],
  );
  assert.deepEqual(published.columns, ['Figure', 'Model', 'Published', 'Ratio']);
  assert.ok(published.rows.some((row) => row[0] === 'Liquidated' && row[2] === '$5.51B'));
  assert.ok(published.rows.some((row) => row[0] === 'Users ADL\'d' && row[2] === '19,337'));
  assert.ok(reply.image && reply.image.png.subarray(1, 4).toString() === 'PNG');
  assert.match(reply.footer ?? '', /calibrated to Hyperliquid's published record/);
  assert.match(reply.footer ?? '', /Left out: funding, fees/);
  assert.match(allText(reply), /Hyperliquid's published record of 21:15–21:27 UTC/);
  assert.equal(reply.title, 'Crash simulation: 2025-10-10');
  assert.equal(reply.tone, 'warn');
  const data = reply.data as { scenario: string; venue: string; positions: number; policies: Array<{ policy: string }>; published: Array<{ key: string }> };
  assert.equal(data.scenario, '2025-10-10');
  assert.equal(data.venue, 'hyperliquid');
  assert.equal(data.positions, 10_000);
  assert.equal(data.policies.length, 4);
  assert.ok(data.published.length >= 7);
  assert.doesNotMatch(allText(reply), /simulate\.|NaN|undefined|0\.30000000000000004/);
});

test('in Vietnamese: the date as dd/mm/yyyy, "xã hội hóa khoản lỗ", the vault reworded', async () => {
  const reply = await simulateCommand.run({ scenario: '2025-10-10', positions: 5_000, seed: 7, policy: 'all' }, makeTestContext({ lang: 'vi', platform: 'telegram' }));
  assert.equal(reply.title, 'Mô phỏng cú sập: 10/10/2025');
  const text = allText(reply);
  assert.match(text, /xã hội hóa khoản lỗ/);
  assert.match(text, /vault gánh lỗ đến ngưỡng vốn tối thiểu/);
  assert.doesNotMatch(text, /mức sàn/);
  assert.match(text, /Đối chiếu với số liệu Hyperliquid đã công bố/);
  assert.match(text, /19\.337/);
  assert.doesNotMatch(text, /simulate\.|NaN|undefined/);
});

test('/simulate custom drop=15% minutes=30 fund=50m in Vietnamese', async () => {
  const ctx = makeTestContext({ lang: 'vi', platform: 'telegram' });
  const reply = await simulateCommand.run(
    { scenario: 'custom', drop: new Decimal('0.15'), minutes: new Decimal(30), fund: new Decimal('50000000'), venue: 'binance', positions: 5_000, policy: 'all' },
    ctx,
  );
  const data = reply.data as { minutes: number; fund: { kind: string; start: number }; scale: number; markets: Array<{ lowPct: number }> };
  assert.equal(data.minutes, 30);
  assert.equal(data.fund.kind, 'insurance-fund');
  // The fund is given at the venue's size; the model holds its share.
  assert.ok(Math.abs(data.fund.start * data.scale - 50_000_000) / 50_000_000 < 1e-6);
  assert.ok(Math.abs(data.markets[0].lowPct + 0.15) < 0.02, 'BTC falls by the drop');
  const text = allText(reply);
  assert.match(text, /Quỹ bảo hiểm/);
  assert.match(text, /không so sánh được/);
  assert.match(text, /Mô hình được hiệu chỉnh/);
  assert.doesNotMatch(text, /simulate\.|NaN|undefined/);
});

test('fund= sets the backstop that pays first: on Hyperliquid the liquidator vault; a large one leaves less to ADL', async () => {
  const ctx = makeTestContext({ platform: 'discord' });
  const run = async (fund: string) =>
    (await simulateCommand.run({ scenario: 'custom', drop: new Decimal('0.15'), fund: new Decimal(fund), positions: 5_000, seed: 3, policy: 'queue' }, ctx)).data as {
      fund: { kind: string; start: number };
      scale: number;
      policies: Array<{ need: number }>;
    };
  const small = await run('1000000');
  const large = await run('5000000000');
  assert.equal(small.fund.kind, 'backstop-vault');
  assert.ok(Math.abs(large.fund.start * large.scale - 5e9) / 5e9 < 1e-6);
  assert.ok(large.policies[0].need < small.policies[0].need, `${large.policies[0].need} < ${small.policies[0].need}`);
});

test("/simulate venue=binance: the published block says not comparable; the regime is named", async () => {
  const reply = await simulateCommand.run({ scenario: '2025-10-10', venue: 'binance', regime: 'cex-typical', positions: 5_000, seed: 7, policy: 'all' }, makeTestContext({ platform: 'discord' }));
  assert.equal((reply.data as { regime: string }).regime, 'cex-typical');
  const text = allText(reply);
  assert.match(text, /typical CEX leverage/);
  assert.match(text, /Published record: not comparable/);
  assert.equal(reply.blocks.filter((block) => block.kind === 'table').length, 1, 'no comparison table');
  const table = reply.blocks.find((block) => block.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.equal(table.rows.find((row) => row[0] === 'pro-rata')?.[1], '–');
});

test('one policy only: the table has one row', async () => {
  const reply = await simulateCommand.run({ scenario: 'mild', positions: 2_000, policy: 'queue' }, makeTestContext());
  const table = reply.blocks.find((block) => block.kind === 'table');
  assert.ok(table && table.kind === 'table');
  assert.equal(table.rows.length, 1);
  assert.equal(reply.tone, 'info');
  assert.equal(reply.title, 'Crash simulation: mild');
});

async function userErrorKey(args: Record<string, unknown>, platform: 'discord' | 'cli' = 'discord'): Promise<string> {
  try {
    await simulateCommand.run(args as never, makeTestContext({ platform }));
  } catch (error) {
    assert.ok(isUserError(error), String(error));
    return error.key;
  }
  assert.fail('expected a UserError');
}

test('bad parameters get a translated error with an example', async () => {
  assert.equal(await userErrorKey({ scenario: 'custom', drop: new Decimal('-0.05') }), 'simulate.error-drop');
  assert.equal(await userErrorKey({ scenario: 'custom', minutes: new Decimal(0) }), 'simulate.error-minutes');
  assert.equal(await userErrorKey({ scenario: 'mars' }), 'simulate.error-unknown-scenario');
  assert.equal(await userErrorKey({ scenario: 'mild', policy: 'lottery' }), 'simulate.error-unknown-policy');
  assert.equal(await userErrorKey({ scenario: 'custom', fund: new Decimal(-1) }), 'simulate.error-fund');
  const en = makeTestContext({ lang: 'en' });
  assert.match(en.t('simulate.error-drop', { value: '-5%' }), /Example: drop=15%/);
  const vi = makeTestContext({ lang: 'vi' });
  assert.match(vi.t('simulate.error-drop', { value: '-5%' }), /Ví dụ: drop=15%/);
});

test('error limits are written as people read numbers, in each language', async () => {
  for (const [lang, minutes, seed] of [
    ['en', /from 1 and 1,440|between 1 and 1,440/, /0 to 4,294,967,295/],
    ['vi', /từ 1 đến 1\.440/, /0 đến 4\.294\.967\.295/],
  ] as const) {
    const ctx = makeTestContext({ lang, platform: 'discord' });
    const rendered = async (args: Record<string, unknown>) => {
      try {
        await simulateCommand.run(args as never, ctx);
      } catch (error) {
        assert.ok(isUserError(error));
        return ctx.t(error.key, error.params);
      }
      assert.fail('expected a UserError');
    };
    assert.match(await rendered({ scenario: 'custom', minutes: new Decimal(0) }), minutes);
    assert.match(await rendered({ scenario: 'mild', seed: new Decimal(-1) }), seed);
    assert.match(await rendered({ scenario: 'custom', drop: new Decimal('0.95') }), lang === 'en' ? /between 0% and 90% \(you gave 95%\)/ : /từ 0% đến 90% \(bạn nhập 95%\)/);
  }
});

test('chat runs are capped (config.simulateMaxPositions via the runner); the CLI may run the full size', async () => {
  assert.equal(await userErrorKey({ scenario: 'mild', positions: 200_001 }), 'simulate.error-positions');
  const services = makeTestServices({ simulator: new SimulationRunner({ maxChatPositions: 50_000 }) });
  await assert.rejects(
    () => Promise.resolve(simulateCommand.run({ scenario: 'mild', positions: 60_000 }, makeTestContext({ services, platform: 'telegram' }))),
    (error: unknown) => isUserError(error) && error.key === 'simulate.error-positions' && error.params.max === '50,000',
  );
  // Without positions=, the preset's 200,000 yields to a smaller chat cap.
  const capped = await simulateCommand.run({ scenario: 'mild', policy: 'queue' }, makeTestContext({ services: makeTestServices({ simulator: new SimulationRunner({ maxChatPositions: 5_000 }) }), platform: 'telegram' }));
  assert.equal((capped.data as { positions: number }).positions, 5_000);
  // The CLI is not capped at the chat limit: parameter checks pass (5,000,001 is past the model's own limit).
  assert.equal(await userErrorKey({ scenario: 'mild', positions: 5_000_001 }, 'cli'), 'simulate.error-positions');
});

test('a seed whose model ADL starts before the recorded window says so instead of a negative ratio, in both languages', async () => {
  // Seed 12 at 3,000 positions: a thin market's whale goes bankrupt before 21:15 (first-ADL lag −75 s).
  for (const lang of ['en', 'vi'] as const) {
    const reply = await simulateCommand.run({ scenario: '2025-10-10', positions: 3_000, seed: 12, policy: 'all' }, makeTestContext({ lang, platform: 'telegram' }));
    const published = reply.blocks.filter((block) => block.kind === 'table')[1];
    assert.ok(published?.kind === 'table');
    const lagRow = published.rows.find((row) => row[0] === (lang === 'en' ? 'First ADL after the first liquidation' : 'ADL đầu tiên sau lệnh thanh lý đầu tiên'));
    assert.deepEqual([lagRow?.[1], lagRow?.[3]], ['-75 s', '–']);
    assert.match(allText(reply), lang === 'en' ? /first ADL came 75 s before the first liquidation of the recorded window/ : /ADL đầu tiên xảy ra 75 giây trước lệnh thanh lý đầu tiên/);
  }
  const calm = await simulateCommand.run({ scenario: '2025-10-10', positions: 3_000, seed: 2, policy: 'all' }, makeTestContext());
  assert.doesNotMatch(allText(calm), /before the first liquidation of the recorded window/);
});
