import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Lang } from '../chat/command.ts';
import type { Translator } from '../chat/i18n.ts';
import type { Action, Reply } from '../chat/reply.ts';
import { contentDir, ContentError } from './content.ts';

/**
 * "Check yourself": two or three multiple-choice questions at the end of each topic, in
 * `data/explain/quiz/<topic>.json`, both languages side by side so they cannot drift apart:
 *
 *   { "questions": [ { "answer": "b",
 *       "en": { "question": "…", "choices": ["…", "…", "…"], "explain": "…" },
 *       "vi": { "question": "…", "choices": ["…", "…", "…"], "explain": "…" } } ] }
 *
 * Nothing is stored: the button payload carries the question and the reader's running score.
 *   `adl:q2.1`     question 2, one right answer so far
 *   `adl:q2.1:c`   … answered c
 */
export const MIN_QUESTIONS = 2;
export const MAX_QUESTIONS = 3;
export const CHOICE_LETTERS = ['a', 'b', 'c', 'd'] as const;
export type ChoiceLetter = (typeof CHOICE_LETTERS)[number];

const LocalizedQuestion = z.object({
  question: z.string().min(10),
  choices: z.array(z.string().min(1)).min(2).max(CHOICE_LETTERS.length),
  explain: z.string().min(10),
});
const QuestionSchema = z
  .object({ answer: z.enum(CHOICE_LETTERS), en: LocalizedQuestion, vi: LocalizedQuestion })
  .strict()
  .refine((q) => q.en.choices.length === q.vi.choices.length, 'en and vi have the same number of choices')
  .refine((q) => CHOICE_LETTERS.indexOf(q.answer) < q.en.choices.length, 'the answer is one of the choices');
const QuizSchema = z.object({ questions: z.array(QuestionSchema).min(MIN_QUESTIONS).max(MAX_QUESTIONS) }).strict();

export type Quiz = z.infer<typeof QuizSchema>;
export type QuizQuestion = Quiz['questions'][number];

export function quizPath(topic: string): string {
  return contentDir('quiz', `${topic}.json`);
}

export function parseQuiz(json: string, where: string): Quiz {
  const result = QuizSchema.safeParse(JSON.parse(json));
  if (!result.success) throw new ContentError(where, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}

const cache = new Map<string, Quiz | undefined>();

/** The topic's self-check, or undefined when it has none. */
export function loadQuiz(topic: string): Quiz | undefined {
  if (cache.has(topic)) return cache.get(topic);
  const path = quizPath(topic);
  const quiz = existsSync(path) ? parseQuiz(readFileSync(path, 'utf8'), `data/explain/quiz/${topic}.json`) : undefined;
  cache.set(topic, quiz);
  return quiz;
}

// ---------------------------------------------------------------------------------------
// Payloads

export interface QuizPosition {
  topic: string;
  /** 1-based. */
  question: number;
  /** Right answers before this question. */
  score: number;
  choice?: ChoiceLetter;
}

const QUIZ_PAYLOAD = /^([a-z0-9-]+):q(\d)\.(\d)(?::([a-d]))?$/;

export function encodeQuizPayload({ topic, question, score, choice }: QuizPosition): string {
  return `${topic}:q${question}.${score}${choice ? `:${choice}` : ''}`;
}

/** Undefined when the payload is not a quiz payload. */
export function decodeQuizPayload(payload: string): QuizPosition | undefined {
  const match = QUIZ_PAYLOAD.exec(payload);
  if (!match) return undefined;
  const [, topic, question, score, choice] = match;
  return { topic, question: Number(question), score: Number(score), ...(choice ? { choice: choice as ChoiceLetter } : {}) };
}

// ---------------------------------------------------------------------------------------
// Replies

export interface QuizReplyOptions {
  topicTitle: string;
  lang: Lang;
  t: Translator;
  /** Opens the topic's last step again. */
  lessonPayload: string;
  closePayload: string;
  /** The next topic in reading order, offered after the last answer. */
  next?: { title: string; payload: string };
}

function choiceLines(question: QuizQuestion, lang: Lang, mark?: { chosen: ChoiceLetter; answer: ChoiceLetter }): string {
  return question[lang].choices
    .map((text, i) => {
      const letter = CHOICE_LETTERS[i];
      const sign = !mark ? '' : letter === mark.answer ? ' ✅' : letter === mark.chosen ? ' ❌' : '';
      return `**${letter.toUpperCase()}.** ${text}${sign}`;
    })
    .join('\n');
}

/** A question, or (with `position.choice`) the verdict on the reader's answer and why. */
export function quizReply(quiz: Quiz, position: QuizPosition, options: QuizReplyOptions): Reply {
  const { t, lang } = options;
  const count = quiz.questions.length;
  const index = Math.min(Math.max(position.question, 1), count);
  const question = quiz.questions[index - 1];
  const local = question[lang];
  const title = `${options.topicTitle} · ${t('explain.quiz.title', { index, count })}`;
  const actions: Action[] = [];
  const blocks: string[] = [local.question];

  if (!position.choice || CHOICE_LETTERS.indexOf(position.choice) >= local.choices.length) {
    blocks.push(choiceLines(question, lang));
    local.choices.forEach((_, i) => {
      const choice = CHOICE_LETTERS[i];
      actions.push({ label: choice.toUpperCase(), payload: encodeQuizPayload({ ...position, question: index, choice }), style: 'primary' });
    });
  } else {
    const right = position.choice === question.answer;
    const score = Math.min(position.score + (right ? 1 : 0), index);
    blocks.push(choiceLines(question, lang, { chosen: position.choice, answer: question.answer }));
    blocks.push(
      `${right ? t('explain.quiz.right') : t('explain.quiz.wrong', { answer: question.answer.toUpperCase() })} ${local.explain}`,
    );
    if (index < count) {
      actions.push({ label: t('explain.quiz.button.next-question'), payload: encodeQuizPayload({ topic: position.topic, question: index + 1, score }), style: 'primary' });
    } else {
      blocks.push(t('explain.quiz.score', { score, count }));
      if (options.next) actions.push({ label: t('explain.button.next-topic', { title: options.next.title }), payload: options.next.payload, style: 'primary' });
      actions.push({ label: t('explain.quiz.button.again'), payload: encodeQuizPayload({ topic: position.topic, question: 1, score: 0 }), style: 'secondary' });
    }
  }
  actions.push({ label: t('explain.quiz.button.lesson'), payload: options.lessonPayload, style: 'secondary' });
  actions.push({ label: t('explain.button.close'), payload: options.closePayload, style: 'secondary' });
  return {
    title,
    tone: 'info',
    blocks: [{ kind: 'text', text: blocks.join('\n\n') }],
    actions,
    footer: t('explain.footer'),
  };
}
