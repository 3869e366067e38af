import { Decimal } from 'decimal.js';
import type { Command, OptionValue, ParsedArgs } from '../src/chat/command.ts';
import type { ChatContext } from '../src/chat/context.ts';
import { UserError } from '../src/chat/errors.ts';
import { localized } from '../src/chat/i18n.ts';
import type { ActionOutcome, Reply } from '../src/chat/reply.ts';
import { formatExample } from '../src/chat/usage.ts';
import {
  ASIDE_TOPICS,
  availableTopics,
  LEARNING_PATH,
  loadWalkthrough,
  nextTopic,
  resolveTopic,
  TRADER_QUESTIONS,
  type TopicId,
} from '../src/explain/content.ts';
import { LIVE_VALUES } from '../src/explain/live/index.ts';
import {
  CLOSE_PAYLOAD,
  decodePayload,
  encodeStepPayload,
  type ReaderPosition,
} from '../src/explain/payload.ts';
import { fillWalkthrough, stepReply, type FilledStep } from '../src/explain/render.ts';
import { CHOICE_LETTERS, decodeQuizPayload, encodeQuizPayload, loadQuiz, quizReply, type ChoiceLetter, type QuizPosition } from '../src/explain/quiz.ts';
import { walkthroughImage } from '../src/explain/images.ts';
import { EXPLAIN_VENUES, positionError } from '../src/explain/position.ts';

/**
 * `/explain [topic] [step]`: paged walkthroughs (data/explain/<lang>/<topic>.md) with live numbers.
 * `/explain` alone shows the learning path; `/explain adl side=short entry=122k mark=102k lev=20`
 * walks through ADL with the reader's own position; `/explain adl quiz=1` opens the topic's
 * self-check (`answer=b` answers it where there are no buttons). Buttons edit the same message.
 */
const POSITION_OPTIONS = ['side', 'entry', 'mark', 'leverage'] as const;

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
    { name: 'quiz', kind: 'integer', min: 1, max: 3, description: localized('explain.option.quiz') },
    { name: 'answer', kind: 'enum', choices: CHOICE_LETTERS, description: localized('explain.option.answer') },
  ],
  examples: [
    { args: {}, positional: [] },
    { args: { topic: 'adl', step: '3' }, positional: ['adl', '3'] },
    { args: { topic: 'adl', side: 'short', entry: '122k', mark: '102k', leverage: '20' } },
    { args: { topic: 'adl', quiz: '1' } },
  ],

  async run(args, ctx) {
    const topicText = typeof args.topic === 'string' ? args.topic : undefined;
    const step = typeof args.step === 'number' ? args.step : undefined;
    if (!topicText) {
      if (step !== undefined) throw new UserError('explain.error.step-without-topic', {}, { key: 'explain.hint.list' });
      return topicList(ctx);
    }
    const topic = resolveTopic(topicText);
    if (args.quiz !== undefined || args.answer !== undefined) return quizFromArgs(topic, args, ctx);
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
    const quiz = decodeQuizPayload(payload);
    if (quiz) return { kind: 'edit', reply: quizStep(resolveTopic(quiz.topic), quiz, ctx) };
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
  const available = new Set(availableTopics());
  const describe = (id: TopicId) => {
    const walkthrough = loadWalkthrough(id, ctx.lang);
    return { id, title: walkthrough.title, summary: walkthrough.summary, steps: walkthrough.steps.length };
  };
  const group = (ids: readonly TopicId[]) => ids.filter((id) => available.has(id)).map(describe);
  const path = group(LEARNING_PATH);
  const questions = group(TRADER_QUESTIONS);
  const aside = group(ASIDE_TOPICS);
  const pathLines = path.map((topic, i) => ctx.t('explain.list.path-item', { n: i + 1, id: topic.id, summary: topic.summary, steps: topic.steps }));
  const shortLine = (topic: ReturnType<typeof describe>) => ctx.t('explain.list.item', { id: topic.id, title: topic.title, steps: topic.steps });
  const sections = [
    ctx.t('explain.list.intro'),
    [ctx.t('explain.list.path'), ...pathLines].join('\n'),
    ...(questions.length ? [[ctx.t('explain.list.questions'), ...questions.map(shortLine)].join('\n')] : []),
    ...(aside.length ? [[ctx.t('explain.list.aside'), ...aside.map(shortLine)].join('\n')] : []),
    ctx.t('explain.list.adl-tip'),
  ];
  const actions = [];
  if (path[0]) actions.push({ label: ctx.t('explain.list.start', { title: path[0].title }), payload: encodeStepPayload(path[0].id, 1), style: 'primary' as const });
  if (questions[0]) actions.push({ label: questions[0].title, payload: encodeStepPayload(questions[0].id, 1), style: 'secondary' as const });
  return {
    title: ctx.t('explain.list.title'),
    tone: 'info',
    blocks: [{ kind: 'text', text: sections.join('\n\n') }],
    actions,
    footer: ctx.t('explain.footer'),
    data: { topics: [...path, ...questions, ...aside], path: path.map((t) => t.id), questions: questions.map((t) => t.id), aside: aside.map((t) => t.id) },
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
  const quiz = loadQuiz(topic);
  return stepReply(walkthrough, {
    index,
    steps,
    t: ctx.t,
    payloadFor: (n) => encodeStepPayload(topic, n, position, exampleVenue, ctx.actionPayloadBytes),
    closePayload: CLOSE_PAYLOAD,
    image: index === 1 && walkthrough.image ? await walkthroughImage(walkthrough.image, ctx.lang) : undefined,
    quiz: quiz && {
      payload: encodeQuizPayload({ topic, question: 1, score: 0 }),
      questions: quiz.questions.length,
      command: formatExample(explainCommand, { args: { topic, quiz: '1' } }, ctx.face),
    },
    next: nextTopicLink(topic, ctx),
  });
}

function nextTopicLink(topic: TopicId, ctx: ChatContext): { title: string; payload: string; command: string } | undefined {
  const next = nextTopic(topic);
  if (!next || !availableTopics().includes(next)) return undefined;
  return {
    title: loadWalkthrough(next, ctx.lang).title,
    payload: encodeStepPayload(next, 1),
    command: formatExample(explainCommand, { args: { topic: next } }, ctx.face),
  };
}

/** `/explain adl quiz=2 answer=b`: the self-check where there are no buttons (CLI) or by hand. */
function quizFromArgs(topic: TopicId, args: ParsedArgs, ctx: ChatContext): Reply {
  const quiz = loadQuiz(topic);
  if (!quiz) throw new UserError('explain.error.no-quiz', { topic }, { key: 'explain.hint.open-topic', params: { topic } });
  const question = typeof args.quiz === 'number' ? args.quiz : 1;
  if (question > quiz.questions.length) {
    throw new UserError('explain.error.quiz-range', { topic, question, count: quiz.questions.length }, {
      key: 'explain.hint.open-topic',
      params: { topic: `${topic} quiz=1` },
    });
  }
  const choice = typeof args.answer === 'string' ? (args.answer as ChoiceLetter) : undefined;
  if (choice && CHOICE_LETTERS.indexOf(choice) >= quiz.questions[question - 1][ctx.lang].choices.length) {
    throw new UserError('explain.error.quiz-choice', { choice: choice.toUpperCase(), count: quiz.questions[question - 1][ctx.lang].choices.length });
  }
  const reply = quizStep(topic, { topic, question, score: 0, ...(choice ? { choice } : {}) }, ctx);
  const local = quiz.questions[question - 1][ctx.lang];
  reply.data = {
    topic,
    lang: ctx.lang,
    question,
    count: quiz.questions.length,
    text: local.question,
    choices: local.choices,
    ...(choice ? { answer: choice, correct: quiz.questions[question - 1].answer, right: choice === quiz.questions[question - 1].answer, explain: local.explain } : {}),
  };
  return reply;
}

function quizStep(topic: TopicId, position: QuizPosition, ctx: ChatContext): Reply {
  const quiz = loadQuiz(topic);
  if (!quiz) throw new UserError('explain.error.expired', {}, { key: 'explain.hint.list' });
  const walkthrough = loadWalkthrough(topic, ctx.lang);
  const next = nextTopicLink(topic, ctx);
  return quizReply(quiz, position, {
    topicTitle: walkthrough.title,
    lang: ctx.lang,
    t: ctx.t,
    lessonPayload: encodeStepPayload(topic, walkthrough.steps.length),
    closePayload: CLOSE_PAYLOAD,
    ...(next ? { next: { title: next.title, payload: next.payload } } : {}),
  });
}

