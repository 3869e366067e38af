import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reply } from '../../src/chat/reply.ts';
import { COMMANDS } from '../../commands/index.ts';
import { langCommand } from '../../commands/lang.ts';
import { UserError } from '../../src/chat/errors.ts';
import { makeTestContext, makeTestServices } from '../support/context.ts';

const help = COMMANDS.find((c) => c.name === 'help')!;
const text = (reply: Reply) => reply.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n');

test('/help lists every command of the registry with an example in the face syntax', async () => {
  const telegram = await help.run({}, makeTestContext({ platform: 'telegram' }));
  for (const command of COMMANDS.filter((c) => c.name !== 'help')) {
    assert.ok(text(telegram).includes(`/${command.name.replace(/-/g, '_')}`), command.name);
  }
  assert.match(text(telegram), /\/adl_rank binance short 122000 102000 1 20x/);
  const discord = await help.run({}, makeTestContext({ platform: 'discord' }));
  assert.match(text(discord), /\/adl-rank venue:binance side:short/);
  const cli = await help.run({}, makeTestContext({ platform: 'cli' }));
  assert.match(text(cli), /npm run -s cli -- liq --venue binance/);
  const vi = await help.run({}, makeTestContext({ platform: 'telegram', lang: 'vi' }));
  assert.match(vi.title ?? '', /danh sách lệnh/);
  assert.match(vi.footer ?? '', /không phải lời khuyên đầu tư/);
});

test('/help liq shows usage, every option and the examples; an unknown name suggests one', async () => {
  const reply = await help.run({ command: 'adl_rank' }, makeTestContext({ platform: 'telegram' }));
  assert.match(reply.title ?? '', /\/adl_rank/);
  for (const option of COMMANDS.find((c) => c.name === 'adl-rank')!.options) assert.ok(text(reply).includes(`\`${option.name}\``), option.name);
  assert.match(text(reply), /\/adl_rank <venue> <side> <entry> <mark>/);
  await assert.rejects(async () => help.run({ command: 'liqq' }, makeTestContext()), (error: unknown) => error instanceof UserError && error.params.suggestion === 'liq');
});

test('/lang stores the choice per user and answers in the new language; private chats also set the chat', async () => {
  const services = makeTestServices();
  const ctx = makeTestContext({ services, platform: 'telegram', userId: 'u', chatId: 'c', chatKind: 'private' });
  const reply = await langCommand.run({ lang: 'vi', scope: 'me' }, ctx);
  assert.match(text(reply), /tiếng Việt/);
  assert.equal(services.preferences.userLang('telegram', 'u'), 'vi');
  assert.equal(services.preferences.chatLang('telegram', 'c'), 'vi');
  const shown = await langCommand.run({ scope: 'me' }, makeTestContext({ services, platform: 'telegram', userId: 'u', chatId: 'c', lang: 'vi' }));
  assert.match(text(shown), /bằng tiếng Việt; cảnh báo trong nhóm\/kênh này bằng tiếng Việt/);
});

test('/lang … chat in a group needs a manager', async () => {
  const services = makeTestServices();
  const member = makeTestContext({ services, platform: 'discord', chatId: 'g', chatKind: 'group', canManageChat: false });
  const refused = await langCommand.run({ lang: 'vi', scope: 'chat' }, member);
  assert.equal(refused.tone, 'error');
  assert.equal(services.preferences.chatLang('discord', 'g'), undefined);
  const manager = makeTestContext({ services, platform: 'discord', chatId: 'g', chatKind: 'group', canManageChat: true });
  await langCommand.run({ lang: 'vi', scope: 'chat' }, manager);
  assert.equal(services.preferences.chatLang('discord', 'g'), 'vi');
});

test('every example /help shows parses as shown, on every face and in both languages (no 102.000 in Vietnamese)', async () => {
  const { formatExample } = await import('../../src/chat/usage.ts');
  const { parseArgs, splitWords, tokenize } = await import('../../src/chat/options.ts');
  const { FACE_PROFILES } = await import('../../src/platforms/registry.ts');
  for (const face of FACE_PROFILES) {
    for (const lang of ['en', 'vi'] as const) {
      for (const command of COMMANDS) {
        for (const example of command.examples) {
          const line = formatExample(command, example, face, lang);
          const words = tokenize(line.slice(face.syntax.prefix.length)).slice(1);
          assert.doesNotThrow(() => parseArgs(command, splitWords(command, words), lang), `${face.id}/${lang}: ${line}`);
          if (lang === 'vi') assert.doesNotMatch(line, /\d\.\d/, `${face.id}: ${line} writes a decimal point`);
        }
      }
    }
  }
  const vi = await help.run({ command: 'liq' }, makeTestContext({ platform: 'telegram', lang: 'vi' }));
  assert.match(text(vi), /\/liq binance long 122000 0,5 20x/);
});

test('Vietnamese help and errors name only number forms the parser accepts', async () => {
  const { parseHumanNumber } = await import('../../src/core/numbers.ts');
  const overview = text(await help.run({}, makeTestContext({ platform: 'telegram', lang: 'vi' })));
  const forms = /Số có thể gõ dạng ([^(]+)\(/.exec(overview)![1].replace(' hoặc ', ', ').split(', ').map((f) => f.trim()).filter(Boolean);
  assert.ok(forms.length >= 5, overview);
  for (const form of forms) assert.doesNotThrow(() => parseHumanNumber(form, 'vi'), form);
  // The examples a number error offers, for each kind of number.
  const { parseValue } = await import('../../src/chat/options.ts');
  for (const kind of ['number', 'price', 'percent', 'rate', 'leverage', 'integer'] as const) {
    try {
      parseValue({ name: 'x', kind, description: { en: 'x', vi: 'x' } }, 'abc', 'vi');
      assert.fail('refused');
    } catch (error) {
      const examples = String((error as UserError).params.examples).split(', ');
      for (const example of examples) assert.doesNotThrow(() => parseValue({ name: 'x', kind, description: { en: 'x', vi: 'x' } }, example, 'vi'), `${kind}: ${example}`);
    }
  }
});
