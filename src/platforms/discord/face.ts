import {
  AttachmentBuilder,
  Client,
  DefaultRestOptions,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  REST,
  TextInputBuilder,
  TextInputStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
  type RepliableInteraction,
} from 'discord.js';
import type { FormSpec, Lang } from '../../chat/command.ts';
import type { DispatchResult, Invocation } from '../../chat/dispatcher.ts';
import type { Reply } from '../../chat/reply.ts';
import type { Config } from '../../config.ts';
import { UserError } from '../../chat/errors.ts';
import { scrubSecrets } from '../../logger.ts';
import type { Face, FaceDependencies } from '../face.ts';
import { DISCORD_PROFILE } from './profile.ts';
import { autocompleteChoices, commandDefinitions, namedValues } from './commands.ts';
import { syncCommands } from './register.ts';
import { renderReply, type DiscordMessage, type RenderedReply } from './render.ts';
import { DiscordSender, scrubInteractionTokens } from './sender.ts';

/**
 * The Discord face: a discord.js client (Guilds intent only; slash commands need no message
 * content), slash commands registered on start when their definitions changed, and every
 * interaction translated for the dispatcher:
 *
 * - slash command → reply with embeds (slow commands: deferReply first, then editReply, within
 *   Discord's 3 s); errors and `ephemeral` replies only to the asker;
 * - button → dispatcher.runAction: `edit` updates the same message (embeds, buttons and picture
 *   replaced), `close` removes the buttons, `new` answers with a new message;
 * - autocomplete → known symbols (`deps.suggestions`) by prefix.
 *
 * With DISCORD_API_ROOT the REST client talks to another base URL (`…/api`, the version is
 * appended), and the gateway URL comes from GET /gateway/bot there: this is how the end-to-end
 * tests drive the real client against a local server.
 */
export type DiscordConfig = NonNullable<Config['discord']>;

/** A button press answered after this long is acknowledged first (deferUpdate), then edited. */
const BUTTON_DEFER_AFTER_MS = 1_500;
/** The custom_id of a button that opens a private form (a modal), and of that modal: `form:<command>:<payload>`. */
const FORM_PREFIX = 'form:';

export function createDiscordFace(config: DiscordConfig, deps: FaceDependencies): Face {
  const { dispatcher, logger } = deps;
  const secrets = [...new Set([...deps.secrets, config.token])];
  const api = config.apiRoot ?? DefaultRestOptions.api;
  const scrub = (text: string) => scrubInteractionTokens(scrubSecrets(text, secrets));
  const errorInfo = (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const extra = e as Error & { code?: unknown; status?: unknown };
    return { type: e.name, message: scrub(e.message), code: extra.code, status: extra.status, stack: scrub(e.stack ?? '') };
  };

  /** A discord.js Client cannot log in again once destroyed, so every start attempt gets its own. */
  function newClient(): Client {
    const created = new Client({
      intents: [GatewayIntentBits.Guilds],
      // Passing `api: undefined` would replace discord.js's default base URL, so only when set.
      ...(config.apiRoot ? { rest: { api: config.apiRoot } } : {}),
      allowedMentions: { parse: [] },
    });
    created.on(Events.Error, (error) => logger.error({ error: errorInfo(error) }, 'discord: client error'));
    created.on(Events.Warn, (message) => logger.warn({ message: scrub(message) }, 'discord: client warning'));
    created.on(Events.ShardError, (error) => logger.warn({ error: errorInfo(error) }, 'discord: gateway error'));
    created.on(Events.InteractionCreate, (interaction) => {
      void handle(interaction);
    });
    return created;
  }
  let client = newClient();
  // Alerts: no retries inside REST; the alert queue paces, persists and retries.
  const senderRest = new REST({ api, retries: 0, rejectOnRateLimit: () => true }).setToken(config.token);
  const sender = new DiscordSender(senderRest, logger, secrets);

  // ------------------------------------------------------------------------------------------

  function invocationOf(interaction: Interaction): Invocation {
    const inGuild = interaction.inGuild();
    return {
      face: DISCORD_PROFILE,
      user: { id: interaction.user.id, name: interaction.user.globalName ?? interaction.user.username },
      chat: {
        id: interaction.channelId ?? interaction.user.id,
        kind: inGuild ? 'group' : 'private',
        ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
      },
      locale: interaction.locale,
      // Manage Channels in a server (as Discord computed it for this member and channel); anyone in a DM.
      canManageChat: () => (inGuild ? interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false : true),
    };
  }

  const attachments = (message: DiscordMessage) =>
    message.files.map((f) => new AttachmentBuilder(f.attachment, { name: f.name, ...(f.description ? { description: f.description } : {}) }));

  function replyOptions(message: DiscordMessage, ephemeral: boolean): InteractionReplyOptions {
    return {
      embeds: message.embeds,
      components: message.components,
      files: attachments(message),
      allowedMentions: { parse: [] },
      ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
    };
  }

  /** An edit replaces the picture too: `attachments: []` drops the old files, `files` adds the new. */
  function updateOptions(message: DiscordMessage): InteractionUpdateOptions {
    return { embeds: message.embeds, components: message.components, files: attachments(message), attachments: [], allowedMentions: { parse: [] } };
  }

  function rendered(reply: Reply, lang: Lang, ephemeral: boolean, maxMessages?: number): RenderedReply {
    // A private form is asked for with a button; pressing it opens the modal (onFormButton).
    const withForm = reply.form
      ? { ...reply, actions: [...(reply.actions ?? []), { label: reply.form.label, payload: `${FORM_PREFIX}${reply.form.payload}`, style: 'primary' as const }] }
      : reply;
    const out = renderReply(withForm, lang, { ephemeral, maxMessages });
    if (out.skippedActions.length) logger.warn({ payloads: out.skippedActions.map((a) => a.payload) }, 'discord: buttons left out (too long, duplicate or over 25)');
    if (out.truncatedChars) logger.warn({ truncatedChars: out.truncatedChars }, 'discord: reply cut to fit the message limits');
    return out;
  }

  const isPrivateAnswer = (result: { reply: Reply; failure?: string }) => Boolean(result.reply.ephemeral || (result.failure && result.reply.tone === 'error'));

  /**
   * The first message answers the interaction (or fills the deferred "thinking…" reply of a slash
   * command); the rest follow. A button press that was acknowledged with deferUpdate has no
   * placeholder: its new messages are follow-ups.
   */
  async function answer(interaction: RepliableInteraction, out: RenderedReply): Promise<void> {
    const [first, ...rest] = out.messages;
    const placeholder = interaction.isChatInputCommand() && interaction.deferred && !interaction.replied;
    if (placeholder) {
      if (out.ephemeral) {
        // The deferred placeholder is public; a private answer replaces it.
        for (const message of out.messages) await interaction.followUp(replyOptions(message, true));
        await interaction.deleteReply().catch((error: unknown) => logger.warn({ error: errorInfo(error) }, 'discord: could not remove the deferred reply'));
        return;
      }
      await interaction.editReply(updateOptions(first));
    } else if (interaction.replied || interaction.deferred) {
      await interaction.followUp(replyOptions(first, out.ephemeral));
    } else {
      await interaction.reply(replyOptions(first, out.ephemeral));
    }
    for (const message of rest) await interaction.followUp(replyOptions(message, out.ephemeral));
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const invocation = invocationOf(interaction);
    const command = dispatcher.find(interaction.commandName);
    let result: DispatchResult;
    if (!command) {
      // A registration older than this build: answer like a chat line naming no command.
      result = await dispatcher.runLine(invocation, `/${interaction.commandName}`);
    } else {
      const named = namedValues(interaction.options.data, command);
      if (command.slow) await interaction.deferReply();
      result = await dispatcher.runNamed(invocation, command, named);
    }
    const failure = result.kind === 'reply' ? result.failure : 'user';
    await answer(interaction, rendered(result.reply, result.lang, isPrivateAnswer({ reply: result.reply, failure })));
  }

  /** A modal for the form: one short text input per field, only the user sees it (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal). */
  function modalOf(customId: string, spec: FormSpec): ModalBuilder {
    return new ModalBuilder()
      .setCustomId(customId)
      .setTitle(spec.title.slice(0, 45))
      .addLabelComponents(
        ...spec.fields.map((field) =>
          new LabelBuilder()
            .setLabel(field.label.slice(0, 45))
            .setTextInputComponent(
              new TextInputBuilder()
                .setCustomId(field.name)
                .setStyle(TextInputStyle.Short)
                .setRequired(true)
                .setMinLength(field.minLength)
                .setMaxLength(field.maxLength)
                .setPlaceholder(field.placeholder ?? ''),
            ),
        ),
      );
  }

  /** The button of a private form: the modal is the interaction's answer (within Discord's 3 s, so no defer first). */
  async function onFormButton(interaction: ButtonInteraction): Promise<void> {
    const found = await dispatcher.formSpec(invocationOf(interaction), interaction.customId.slice(FORM_PREFIX.length));
    if (!found) {
      const lang = dispatcher.langFor({ face: DISCORD_PROFILE, user: { id: interaction.user.id }, locale: interaction.locale });
      const reply = dispatcher.errorReply(new UserError('chat.error.stale-button'), { face: DISCORD_PROFILE }, undefined, lang);
      await answer(interaction, rendered(reply, lang, true));
      return;
    }
    await interaction.showModal(modalOf(interaction.customId, found.spec));
  }

  /**
   * The modal's answer: read by the command alone, answered only to the user. Checking a key with
   * its venue takes a few seconds, so the answer is deferred (ephemeral) first.
   */
  async function onModalSubmit(interaction: ModalSubmitInteraction): Promise<void> {
    const data = interaction.customId.slice(FORM_PREFIX.length);
    const invocation = invocationOf(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const found = await dispatcher.formSpec(invocation, data);
    const values = Object.fromEntries((found?.spec.fields ?? []).map((field) => [field.name, interaction.fields.getTextInputValue(field.name)]));
    const result = await dispatcher.runForm(invocation, data, values);
    const [first, ...rest] = rendered(result.reply, result.lang, true).messages;
    await interaction.editReply(updateOptions(first));
    for (const message of rest) await interaction.followUp(replyOptions(message, true));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    if (interaction.customId.startsWith(FORM_PREFIX)) return onFormButton(interaction);
    const work = dispatcher.runAction(invocationOf(interaction), interaction.customId);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), BUTTON_DEFER_AFTER_MS);
    });
    const first = await Promise.race([work.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (first === 'late') await interaction.deferUpdate();
    const { outcome, lang } = await work;
    const deferred = interaction.deferred;
    switch (outcome.kind) {
      case 'edit': {
        const [message] = rendered(outcome.reply, lang, false, 1).messages;
        if (deferred) await interaction.editReply(updateOptions(message));
        else await interaction.update(updateOptions(message));
        return;
      }
      case 'close':
        if (deferred) await interaction.editReply({ components: [] });
        else await interaction.update({ components: [] });
        return;
      case 'new':
        await answer(interaction, rendered(outcome.reply, lang, Boolean(outcome.reply.ephemeral || outcome.reply.tone === 'error')));
        return;
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const spec = dispatcher.find(interaction.commandName)?.options.find((o) => o.name === focused.name);
    await interaction.respond(autocompleteChoices(spec, String(focused.value ?? ''), { knownSymbols: () => deps.suggestions('symbol') }));
  }

  async function handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isButton()) await onButton(interaction);
      else if (interaction.isModalSubmit() && interaction.customId.startsWith(FORM_PREFIX)) await onModalSubmit(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
    } catch (error) {
      const kind = interaction.isButton()
        ? `button ${interaction.customId.split(':')[0]}`
        : interaction.isCommand()
          ? `/${interaction.commandName}`
          : interaction.isModalSubmit()
            ? 'form'
            : 'autocomplete';
      const info = errorInfo(error);
      if (!interaction.isRepliable()) {
        logger.error({ error: info, interaction: kind }, 'discord: interaction failed');
        return;
      }
      // The dispatcher logs it with an error id and answers with an apology quoting that id;
      // what it logs is already free of the bot token and of interaction tokens.
      const safe = Object.assign(new Error(`${kind}: ${info.message}`), { name: info.type, stack: info.stack });
      const lang = dispatcher.langFor({ face: DISCORD_PROFILE, user: { id: interaction.user.id }, locale: interaction.locale });
      const reply = dispatcher.errorReply(safe, { face: DISCORD_PROFILE }, undefined, lang);
      try {
        await answer(interaction, rendered(reply, lang, true));
      } catch (second) {
        logger.warn({ error: errorInfo(second), interaction: kind }, 'discord: could not report the failure to the user');
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  let serving = false;
  let stopped = false;

  /** Logs in and waits for READY, within the attempt's time; a failed attempt leaves a fresh client for the next. */
  async function login(): Promise<void> {
    let onReady: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve) => {
      onReady = () => resolve();
      client.once(Events.ClientReady, onReady);
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no READY within ${deps.attemptTimeoutMs} ms`)), deps.attemptTimeoutMs);
    });
    try {
      await Promise.race([client.login(config.token).then(() => ready), timeout]);
    } catch (error) {
      if (onReady) client.off(Events.ClientReady, onReady);
      await client.destroy().catch(() => undefined);
      client = newClient();
      // discord.js errors can quote request URLs; never the token.
      throw new Error(`discord: login failed: ${scrub(error instanceof Error ? error.message : String(error))}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    profile: DISCORD_PROFILE,
    sender,

    async start() {
      if (serving) return;
      await login();
      const applicationId = config.applicationId ?? client.application?.id;
      if (!applicationId) throw new Error('discord: no application id (set DISCORD_APPLICATION_ID)');
      const definitions = commandDefinitions(dispatcher.commands, config.guildId ? 'guild' : 'global');
      try {
        const sync = await syncCommands(client.rest, { applicationId, guildId: config.guildId }, definitions);
        logger.info({ ...sync, guildId: config.guildId }, sync.changed ? 'discord: slash commands registered' : 'discord: slash commands unchanged');
      } catch (error) {
        // The bot still answers the commands Discord already has.
        logger.error({ error: errorInfo(error) }, 'discord: slash command registration failed');
      }
      serving = true;
      logger.info({ user: client.user?.tag, applicationId }, 'discord: ready');
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      await client.destroy();
    },
  };
}
