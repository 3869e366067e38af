import { LANGS, type Command, type Lang } from '../src/chat/command.ts';
import { localized, translator } from '../src/chat/i18n.ts';
import { LANGUAGE_PREFERENCES } from '../src/chat/preferences.ts';
import type { Reply } from '../src/chat/reply.ts';

/**
 * `/lang vi` / `/lang en`: the language of your replies, stored per user in SQLite.
 * `/lang vi chat`: the language of this chat's alerts (people who manage the chat only).
 * In a private chat, your choice is also the chat's. `/lang` alone shows both.
 */
export const langCommand: Command = {
  name: 'lang',
  aliases: ['language', 'ngonngu'],
  description: localized('chat.lang.description'),
  options: [
    { name: 'lang', kind: 'enum', choices: LANGS, positional: true, cliPositional: true, description: localized('chat.lang.option-lang') },
    { name: 'scope', kind: 'enum', choices: ['me', 'chat'], default: 'me', positional: true, description: localized('chat.lang.option-scope') },
  ],
  examples: [{ args: { lang: 'vi' } }, { args: { lang: 'en' } }, { args: { lang: 'vi', scope: 'chat' } }],
  cost: 'light',
  checksChatManager: true,
  run(args, ctx) {
    const prefs = ctx.services.get(LANGUAGE_PREFERENCES);
    if (!prefs) throw new Error('lang: no LANGUAGE_PREFERENCES service');
    const platform = ctx.face.id;
    if (args.lang === undefined) {
      const chatLang = prefs.chatLang(platform, ctx.chat.id) ?? 'en';
      return {
        title: ctx.t('chat.lang.title'),
        tone: 'info',
        blocks: [{ kind: 'text', text: ctx.t('chat.lang.current', { lang: ctx.t(`chat.lang.name.${ctx.lang}`), chatLang: ctx.t(`chat.lang.name.${chatLang}`) }) }],
        data: { lang: ctx.lang, chatLang },
      };
    }
    const lang = args.lang as Lang;
    const t = translator(lang);
    const now = ctx.now();
    const lines: string[] = [];
    const privateChat = ctx.chat.kind === 'private';
    if (args.scope === 'chat' && !privateChat) {
      if (!ctx.canManageChat) {
        return { tone: 'error', ephemeral: true, blocks: [{ kind: 'text', text: ctx.t('chat.lang.chat-not-allowed', { lang }) }] };
      }
      prefs.setChatLang(platform, ctx.chat.id, lang, now);
      lines.push(t('chat.lang.set-chat'));
    } else {
      prefs.setUserLang(platform, ctx.user.id, lang, now);
      lines.push(t('chat.lang.set-user'));
      if (privateChat) prefs.setChatLang(platform, ctx.chat.id, lang, now);
    }
    const reply: Reply = { title: t('chat.lang.title'), tone: 'success', blocks: [{ kind: 'text', text: lines.join('\n') }], data: { lang, scope: args.scope } };
    return reply;
  },
};
