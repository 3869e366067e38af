import type { Translator } from '../chat/i18n.ts';
import type { Action, Reply, ReplyImage } from '../chat/reply.ts';
import type { Walkthrough } from './content.ts';

/**
 * Turns a walkthrough step into a Reply: placeholders filled with live values, Back / Next /
 * Close buttons, the topic's picture on step 1, and on the last step the self-check and the
 * next topic of the learning path. Faces show "step i / n" from `page`.
 * (No chart code is imported here, so loading content stays light.)
 */

/** What the text still asks for after filling: a bug in content or LiveValues, never shown to readers. */
export interface FilledText {
  text: string;
  missing: string[];
}

export const MISSING_VALUE = '—';

export function fillTemplate(template: string, values: Readonly<Record<string, string>>): FilledText {
  const missing: string[] = [];
  const text = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    if (Object.hasOwn(values, name)) return values[name];
    missing.push(name);
    return MISSING_VALUE;
  });
  return { text, missing: [...new Set(missing)] };
}

export interface FilledStep {
  title: string;
  text: string;
  missing: string[];
}

/** Every step of a walkthrough with its placeholders filled (index 0 = step 1). */
export function fillWalkthrough(walkthrough: Walkthrough, values: Readonly<Record<string, string>>): FilledStep[] {
  return walkthrough.steps.map((step) => {
    const title = fillTemplate(step.title, values);
    const body = fillTemplate(step.body, values);
    return { title: title.text, text: body.text, missing: [...new Set([...title.missing, ...body.missing])] };
  });
}

export interface StepReplyOptions {
  /** 1-based. */
  index: number;
  steps: readonly FilledStep[];
  t: Translator;
  /** Builds a button payload that opens step `n` (keeps the reader's own inputs). */
  payloadFor(step: number): string;
  closePayload: string;
  /** The topic's picture, attached to step 1 (rendered by src/explain/images.ts). */
  image?: ReplyImage;
  /** On the last step: opens the topic's self-check (`Check yourself`). */
  quiz?: { payload: string; questions: number; command: string };
  /** On the last step: the next topic in reading order (the learning path). */
  next?: { title: string; payload: string; command: string };
}

export function stepReply(walkthrough: Walkthrough, options: StepReplyOptions): Reply {
  const { index, steps, t } = options;
  const step = steps[index - 1];
  const last = index === steps.length;
  const actions: Action[] = [];
  const endLines: string[] = [];
  if (index > 1) actions.push({ label: t('explain.button.back'), payload: options.payloadFor(index - 1), style: 'secondary' });
  if (!last) actions.push({ label: t('explain.button.next'), payload: options.payloadFor(index + 1), style: 'primary' });
  if (last && options.quiz) {
    actions.push({ label: t('explain.quiz.button.start'), payload: options.quiz.payload, style: 'primary' });
    endLines.push(t('explain.quiz.invite', { count: options.quiz.questions, command: options.quiz.command }));
  }
  if (last && options.next) {
    actions.push({ label: t('explain.button.next-topic', { title: options.next.title }), payload: options.next.payload, style: 'primary' });
    endLines.push(t('explain.next-topic', { title: options.next.title, command: options.next.command }));
  }
  if (last && !options.next) endLines.push(t('explain.path-end'));
  actions.push({ label: t('explain.button.close'), payload: options.closePayload, style: 'secondary' });
  const text = endLines.length ? `${step.text}\n\n${endLines.join('\n')}` : step.text;
  const reply: Reply = {
    title: `${walkthrough.title} · ${step.title}`,
    tone: 'info',
    blocks: [{ kind: 'text', text }],
    actions,
    page: { index, count: steps.length },
    footer: t('explain.footer'),
  };
  if (index === 1 && options.image) reply.image = options.image;
  return reply;
}
