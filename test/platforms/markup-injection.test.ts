import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { COMMANDS } from '../../commands/index.ts';
import { Dispatcher, type Invocation } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { renderReply } from '../../src/platforms/discord/render.ts';
import { htmlToText, renderHtml } from '../../src/platforms/telegram/render.ts';
import { makeTestServices, profile } from '../support/context.ts';

/**
 * Markup injection (issue 10, fault 5): text a user typed and the bot echoes back (a bad price, an
 * unknown option, a topic, a command name) is shown as typed, never as the bot's own markup. Before,
 * `[Claim your ADL refund](https://evil.example)` typed as a price became a real link in the
 * bot's reply to a Telegram group.
 */
const ATTACKS = {
  link: '[Claim your ADL refund](https://evil.example)',
  bold: '**FREE MONEY**',
  code: '`rm -rf`',
  italic: '_urgent_',
  html: '<b>bold</b><a href="https://evil.example">x</a>',
} as const;

const dispatcher = new Dispatcher({ commands: COMMANDS, services: makeTestServices(), logger: pino({ level: 'silent' }) });
const asker = (face: string): Invocation => ({ face: profile(face), user: { id: 'mallory' }, chat: { id: 'group', kind: 'group' } });

/** Where user text is echoed: a price, an option name, a topic, a help lookup, a list of venues. Quoted to keep spaces. */
function lines(attack: string): string[] {
  return [
    `/liq binance long '${attack}' 1 10x`,
    `/liq binance long 30000 1 10x '${attack}=1'`,
    `/explain '${attack}'`,
    `/help '${attack}'`,
    `/alerts list venues='${attack}'`,
  ];
}

const telegramHtml = (reply: Reply) => renderHtml(reply, 'en').join('\n');
const discordText = (reply: Reply) =>
  renderReply(reply, 'en')
    .messages.flatMap((m) => m.embeds)
    .map((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].filter(Boolean).join('\n'))
    .join('\n');

test('Telegram: echoed user text is escaped, never a link, bold, code or HTML of the bot', async () => {
  for (const [kind, attack] of Object.entries(ATTACKS)) {
    for (const line of lines(attack)) {
      const { reply } = await dispatcher.runLine(asker('telegram'), line);
      const html = telegramHtml(reply);
      assert.ok(!html.includes('<a href="https://evil.example"'), `${kind} in ${line}: ${html}`);
      assert.ok(!html.includes('<b>FREE MONEY</b>') && !html.includes('<b>bold</b>'), `${kind} in ${line}: ${html}`);
      assert.ok(!html.includes('<code>rm -rf</code>') && !html.includes('<i>urgent</i>'), `${kind} in ${line}: ${html}`);
    }
    const { reply } = await dispatcher.runLine(asker('telegram'), lines(attack)[0]);
    assert.ok(htmlToText(telegramHtml(reply)).includes(attack), `${kind}: shown exactly as typed`);
  }
});

test('Discord: echoed user text is escaped, never a masked link, bold or code of the bot', async () => {
  for (const [kind, attack] of Object.entries(ATTACKS)) {
    for (const line of lines(attack)) {
      const { reply } = await dispatcher.runLine(asker('discord'), line);
      const text = discordText(reply);
      assert.doesNotMatch(text, /(?<!\\)\[Claim your ADL refund(?<!\\)\]\(/, `${kind} in ${line}: ${text}`);
      assert.doesNotMatch(text, /(?<!\\)\*\*FREE MONEY(?<!\\)\*\*/, `${kind} in ${line}: ${text}`);
      assert.doesNotMatch(text, /(?<![\\`])`rm -rf(?<!\\)`/, `${kind} in ${line}: ${text}`);
      assert.doesNotMatch(text, /(?<!\\)_urgent(?<!\\)_/, `${kind} in ${line}: ${text}`);
      assert.doesNotMatch(text, /(?<!\\)<b>/, `${kind} in ${line}: ${text}`);
    }
  }
});
