import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Lang } from '../../chat/command.ts';
import type { Dispatcher, Invocation } from '../../chat/dispatcher.ts';
import { translator } from '../../chat/i18n.ts';
import type { Action, Reply } from '../../chat/reply.ts';
import { TERMINAL_PROFILE } from './profile.ts';
import { renderTerminal } from './render.ts';

/**
 * The terminal chat (`npm start` with no tokens): the same commands and syntax as Telegram
 * (`/liq binance long 30000 1 10x`), replies as text, buttons as numbers to type. A pipe on
 * stdin runs its lines in order and ends; a TTY gets a prompt until /quit or Ctrl-D.
 */
export interface TerminalOptions {
  dispatcher: Dispatcher;
  input: Readable;
  output: Writable;
  /** The system locale (LANG), used until /lang is set. */
  locale?: string;
  /** Prompt and colours; default: whether input and output are TTYs. */
  interactive?: boolean;
  imageDir?: string;
  /** Print the welcome line first (default true). */
  welcome?: boolean;
}

const QUIT = new Set(['/quit', '/exit', 'quit', 'exit', '/q']);

export async function runTerminal(options: TerminalOptions): Promise<void> {
  const { dispatcher, output } = options;
  const interactive = options.interactive ?? Boolean((options.input as { isTTY?: boolean }).isTTY && (output as { isTTY?: boolean }).isTTY);
  const invocation: Invocation = {
    face: TERMINAL_PROFILE,
    user: { id: 'local', name: 'terminal' },
    chat: { id: 'terminal', kind: 'private' },
    locale: options.locale,
  };
  const lang = () => dispatcher.langFor(invocation);
  const write = (text: string) => output.write(`${text}\n\n`);
  const show = (reply: Reply, replyLang: Lang) => {
    write(renderTerminal(reply, { lang: replyLang, color: interactive, imageDir: options.imageDir }));
    buttons = reply.actions ?? [];
  };
  let buttons: Action[] = [];

  if (options.welcome !== false) write(translator(lang())('chat.terminal.welcome'));
  const rl = createInterface({ input: options.input, terminal: false });
  const prompt = () => {
    if (interactive) output.write('> ');
  };
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') {
      prompt();
      continue;
    }
    if (QUIT.has(line.toLowerCase())) break;
    const t = translator(lang());
    if (/^\d{1,2}$/.test(line) && buttons.length) {
      const action = buttons[Number(line) - 1];
      if (!action) {
        write(t('chat.terminal.no-such-button', { number: line }));
      } else {
        const { outcome, lang: replyLang } = await dispatcher.runAction(invocation, action.payload);
        if (outcome.kind === 'close') {
          write(t('chat.terminal.closed'));
          buttons = [];
        } else {
          show(outcome.reply, replyLang);
        }
      }
    } else if (!line.startsWith('/')) {
      write(t('chat.terminal.not-command'));
    } else {
      const command = dispatcher.find(line.slice(1).split(/\s/)[0]);
      if (command?.slow && interactive) output.write(`${t('chat.working')}\n`);
      const result = await dispatcher.runLine(invocation, line);
      show(result.reply, result.lang);
    }
    prompt();
  }
  rl.close();
  if (interactive) output.write(`${translator(lang())('chat.terminal.bye')}\n`);
}
