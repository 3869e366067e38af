import type { Command } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import { localized } from '../src/chat/i18n.ts';
import type { Reply } from '../src/chat/reply.ts';
import { commandLabel } from '../src/chat/profile.ts';
import { chatNames, formatExample, helpCall, optionHelpLines, usageLines } from '../src/chat/usage.ts';
import { nearestWord } from '../src/core/text.ts';

/**
 * `/help` lists every command with an example in the asking face's syntax; `/help liq` shows one
 * command's usage, options and examples. Built from the registry, so a new command appears here
 * with no extra work. `/start` (Telegram's first message) is the same list with a welcome line.
 */
export function createHelpCommand(registry: () => readonly Command[]): Command {
  const help: Command = {
    name: 'help',
    aliases: ['start', 'h', 'huongdan'],
    description: localized('chat.help.description'),
    options: [{ name: 'command', kind: 'string', positional: true, cliPositional: true, description: localized('chat.help.option-description') }],
    examples: [{ args: {} }, { args: { command: 'liq' } }],
    cost: 'light',
    run(args, ctx) {
      const commands = registry();
      if (typeof args.command === 'string' && args.command) {
        const wanted = args.command.replace(/^\//, '').toLowerCase();
        const command = commands.find((c) => chatNames(c).includes(wanted));
        if (!command) {
          const suggestion = nearestWord(wanted, commands.map((c) => c.name));
          throw new UserError(suggestion ? 'chat.error.unknown-command-suggest' : 'chat.error.unknown-command', {
            name: wanted,
            suggestion: suggestion ?? '',
          });
        }
        return commandHelp(command, ctx);
      }
      return overview(commands, help, ctx);
    },
  };
  return help;
}

const displayName = (command: Command, ctx: ChatContext) => commandLabel(ctx.face, command.name);

function overview(commands: readonly Command[], help: Command, ctx: ChatContext): Reply {
  const { t } = ctx;
  const items = commands
    .filter((c) => c.name !== 'help')
    .map((c) =>
      t('chat.help.item', {
        name: displayName(c, ctx),
        description: c.description[ctx.lang],
        example: c.examples.length ? formatExample(c, c.examples[0], ctx.face, ctx.lang) : displayName(c, ctx),
      }),
    );
  return {
    title: t('chat.help.title'),
    tone: 'info',
    blocks: [{ kind: 'text', text: [t('chat.help.intro'), items.join('\n'), t('chat.help.more', { help: helpCall(help, ctx.face, 'liq') })].join('\n\n') }],
    footer: t('chat.help.footer'),
    data: { commands: commands.map((c) => ({ name: c.name, description: c.description[ctx.lang] })) },
  };
}

function commandHelp(command: Command, ctx: ChatContext): Reply {
  const { t } = ctx;
  const examples = command.examples.map((e) => `\`${formatExample(command, e, ctx.face, ctx.lang)}\``);
  const blocks: Reply['blocks'] = [
    { kind: 'text', text: `${command.description[ctx.lang]}\n\n${t('chat.help.usage')}\n${usageLines(command, ctx.face, ctx.lang).map((line) => `\`${line}\``).join('\n')}` },
  ];
  if (command.options.length) blocks.push({ kind: 'text', text: `${t('chat.help.options')}\n${optionHelpLines(command, ctx.lang, ctx.face).join('\n')}` });
  if (examples.length) blocks.push({ kind: 'text', text: `${t('chat.help.examples')}\n${examples.join('\n')}` });
  return {
    title: t('chat.help.command-title', { name: displayName(command, ctx) }),
    tone: 'info',
    blocks,
    footer: t('chat.help.footer'),
    data: { command: command.name, options: command.options.map((o) => ({ name: o.name, kind: o.kind, required: !!o.required, choices: o.choices ?? null, default: o.default ?? null })) },
  };
}
