import { Decimal } from 'decimal.js';
import type { Command, OptionValue, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import { localized } from '../src/chat/i18n.ts';
import type { ActionOutcome, Reply } from '../src/chat/reply.ts';
import { availableTopics, loadWalkthrough, resolveTopic, type TopicId } from '../src/explain/content.ts';
import { LIVE_VALUES } from '../src/explain/live/index.ts';
import {
  CLOSE_PAYLOAD,
  decodePayload,
  encodeStepPayload,
  type ReaderPosition,
} from '../src/explain/payload.ts';
import { fillWalkthrough, stepReply, type FilledStep } from '../src/explain/render.ts';
import { walkthroughImage } from '../src/explain/images.ts';
import { EXPLAIN_VENUES, positionError } from '../src/explain/position.ts';

/**
 * `/explain [topic] [step]`: paged walkthroughs (data/explain/<lang>/<topic>.md) with live numbers.
 * `/explain` alone lists the topics; `/explain adl side=short entry=122k mark=102k lev=20` walks
 * through ADL with the reader's own position. Buttons edit the same message.
 */
const POSITION_OPTIONS = ['side', 'entry', 'mark', 'leverage'] as const;
/** How many topics get an "open" button under the list (one row of buttons). */
const LIST_BUTTONS = 4;

export const explainCommand: Command = {
  name: 'explain',
  aliases: ['learn'],
  description: localized('explain.description'),
  cost: 'light',
  // The first adl walkthrough builds the reference population and renders a picture (about a second).
  slow: true,
  options: [
    // Free text, not an enum: resolveTopic accepts ids and aliases (`liq`, `10-10`) and answers a
    // typo with the nearest topic, which a generic "not one of the choices" error could not.
    { name: 'topic', kind: 'string', positional: true, cliPositional: true, description: localized('explain.option.topic') },
    // No max: the valid range depends on the topic, and run() names it.
    { name: 'step', kind: 'integer', positional: true, min: 1, description: localized('explain.option.step') },
    { name: 'side', kind: 'enum', choices: ['long', 'short'], description: localized('explain.option.side') },
    { name: 'entry', kind: 'price', description: localized('explain.option.entry') },
    { name: 'mark', kind: 'price', description: localized('explain.option.mark') },
    { name: 'leverage', aliases: ['lev'], kind: 'leverage', min: 1, max: 200, description: localized('explain.option.leverage') },
    { name: 'venue', kind: 'enum', choices: EXPLAIN_VENUES, default: 'binance', description: localized('explain.option.venue') },
    { name: 'qty', aliases: ['q', 'size'], kind: 'number', description: localized('explain.option.qty') },
  ],
  examples: [
    { args: {}, positional: [] },
    { args: { topic: 'adl', step: '3' }, positional: ['adl', '3'] },
    { args: { topic: 'adl', side: 'short', entry: '122k', mark: '102k', leverage: '20' } },
  ],

  async run(args, ctx) {
    const topicText = typeof args.topic === 'string' ? args.topic : undefined;
    const step = typeof args.step === 'number' ? args.step : undefined;
    if (!topicText) {
      if (step !== undefined) throw new UserError('explain.error.step-without-topic', {}, { key: 'explain.hint.list' });
      return topicList(ctx);
    }
    const topic = resolveTopic(topicText);
    const position = readerPosition(topic, args);
    const exampleVenue = !position && topic === 'adl' && typeof args.venue === 'string' && args.venue !== 'binance' ? args.venue : undefined;
    const steps = filledSteps(topic, ctx, position, exampleVenue);
    const index = step ?? 1;
    if (index < 1 || index > steps.length) {
      throw new UserError('explain.error.step-range', { topic, step: index, count: steps.length }, {
        key: 'explain.hint.open-topic',
        params: { topic: `${topic} ${steps.length}` },
      });
    }
    const reply = await walkthroughStep(topic, index, steps, ctx, position, exampleVenue);
    const shown = step === undefined ? steps : [steps[index - 1]];
    reply.data = { topic, lang: ctx.lang, steps: shown.map(({ title, text }) => ({ title, text })) };
    return reply;
  },

  async onAction(payload, ctx): Promise<ActionOutcome> {
    // A bare topic (`explain:funding` under an alert) opens the walkthrough in a new message:
    // the alert it came from stays as it was.
    if (/^[a-z0-9-]+$/.test(payload) && payload !== CLOSE_PAYLOAD) {
      const topic = resolveTopic(payload);
      const steps = filledSteps(topic, ctx, undefined);
      return { kind: 'new', reply: await walkthroughStep(topic, 1, steps, ctx, undefined) };
    }
    const navigation = decodePayload(payload);
    if (!navigation) throw new UserError('explain.error.expired', {}, { key: 'explain.hint.list' });
    if (navigation.kind === 'close') return { kind: 'close' };
    const topic = resolveTopic(navigation.topic);
    const steps = filledSteps(topic, ctx, navigation.position, navigation.exampleVenue);
    const index = Math.min(Math.max(navigation.step, 1), steps.length);
    return { kind: 'edit', reply: await walkthroughStep(topic, index, steps, ctx, navigation.position, navigation.exampleVenue) };
  },
};

function topicList(ctx: ChatContext): Reply {
  const topics = availableTopics().map((id) => {
    const walkthrough = loadWalkthrough(id, ctx.lang);
    return { id, title: walkthrough.title, summary: walkthrough.summary, steps: walkthrough.steps.length };
  });
  const lines = topics.map((topic) => ctx.t('explain.list.item', { id: topic.id, summary: topic.summary, steps: topic.steps }));
  return {
    title: ctx.t('explain.list.title'),
    tone: 'info',
    blocks: [{ kind: 'text', text: [ctx.t('explain.list.intro'), lines.join('\n'), ctx.t('explain.list.adl-tip')].join('\n\n') }],
    actions: topics.slice(0, LIST_BUTTONS).map((topic) => ({
      label: topic.title,
      payload: encodeStepPayload(topic.id, 1),
      style: 'primary' as const,
    })),
    footer: ctx.t('explain.footer'),
    data: { topics },
  };
}

/** The reader's own position, for the adl walkthrough only; all four core fields or none. */
function readerPosition(topic: TopicId, args: ParsedArgs): ReaderPosition | undefined {
  const given = POSITION_OPTIONS.filter((name) => args[name] !== undefined);
  if (given.length === 0) return undefined;
  if (topic !== 'adl') throw new UserError('explain.error.position-only-adl', {}, { key: 'explain.hint.position' });
  const missing = POSITION_OPTIONS.filter((name) => args[name] === undefined);
  if (missing.length) {
    throw new UserError('explain.error.position-incomplete', { missing: missing.join(', ') }, { key: 'explain.hint.position' });
  }
  const decimal = (value: OptionValue | undefined) => new Decimal(value as Decimal.Value);
  return {
    side: args.side === 'short' ? 'short' : 'long',
    entry: decimal(args.entry),
    mark: decimal(args.mark),
    leverage: decimal(args.leverage),
    venue: typeof args.venue === 'string' ? args.venue : 'binance',
    ...(args.qty !== undefined ? { qty: decimal(args.qty) } : {}),
  };
}

/** What a topic's LiveValues get: the reader's position, or just the venue to run the default example on. */
function liveArgs(position: ReaderPosition | undefined, exampleVenue: string | undefined): ParsedArgs {
  if (position) return { ...position };
  return exampleVenue ? { venue: exampleVenue } : {};
}

function filledSteps(
  topic: TopicId,
  ctx: ChatContext,
  position: ReaderPosition | undefined,
  exampleVenue?: string,
): FilledStep[] {
  const walkthrough = loadWalkthrough(topic, ctx.lang);
  const live = LIVE_VALUES[topic];
  let values: Record<string, string> = {};
  if (live) {
    try {
      values = live(ctx.lang, liveArgs(position, exampleVenue));
    } catch (error) {
      const userError = position ? positionError(error, position, ctx.lang) : undefined;
      if (userError) throw userError;
      throw error;
    }
  }
  const steps = fillWalkthrough(walkthrough, values);
  const missing = [...new Set(steps.flatMap((step) => step.missing))];
  if (missing.length) ctx.logger.error({ topic, lang: ctx.lang, missing }, 'explain: unresolved placeholders');
  return steps;
}

async function walkthroughStep(
  topic: TopicId,
  index: number,
  steps: FilledStep[],
  ctx: ChatContext,
  position: ReaderPosition | undefined,
  exampleVenue?: string,
): Promise<Reply> {
  const walkthrough = loadWalkthrough(topic, ctx.lang);
  return stepReply(walkthrough, {
    index,
    steps,
    t: ctx.t,
    payloadFor: (n) => encodeStepPayload(topic, n, position, exampleVenue, ctx.actionPayloadBytes),
    closePayload: CLOSE_PAYLOAD,
    image: index === 1 && walkthrough.image ? await walkthroughImage(walkthrough.image, ctx.lang) : undefined,
  });
}

