import type { Translator } from '../chat/i18n.ts';
import type { Action, Reply, ReplyImage } from '../chat/reply.ts';
import type { Walkthrough } from './content.ts';

/**
 * Turns a walkthrough step into a Reply: placeholders filled with live values, Back / Next /
 * Close buttons, the topic's picture on step 1. Faces show "step i / n" from `page`.
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
}

export function stepReply(walkthrough: Walkthrough, options: StepReplyOptions): Reply {
  const { index, steps, t } = options;
  const step = steps[index - 1];
  const actions: Action[] = [];
  if (index > 1) actions.push({ label: t('explain.button.back'), payload: options.payloadFor(index - 1), style: 'secondary' });
  if (index < steps.length) actions.push({ label: t('explain.button.next'), payload: options.payloadFor(index + 1), style: 'primary' });
  actions.push({ label: t('explain.button.close'), payload: options.closePayload, style: 'secondary' });
  const reply: Reply = {
    title: `${walkthrough.title} · ${step.title}`,
    tone: 'info',
    blocks: [{ kind: 'text', text: step.text }],
    actions,
    page: { index, count: steps.length },
    footer: t('explain.footer'),
  };
  if (index === 1 && options.image) reply.image = options.image;
  return reply;
}
