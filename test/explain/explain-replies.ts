import assert from 'node:assert/strict';
import type { ParsedArgs } from '../../src/chat/command.ts';
import { isUserError, type UserError } from '../../src/chat/errors.ts';
import type { ActionOutcome, Reply } from '../../src/chat/reply.ts';
import { explainCommand } from '../../commands/explain.ts';
import { makeTestContext } from '../support/context.ts';

/** Driving `/explain` as a face would, for the command and self-check tests. */
export const en = makeTestContext({ lang: 'en' });
export const vi = makeTestContext({ lang: 'vi' });
/** Telegram has the tightest button data (64 bytes): payload-size checks run there. */
export const enTelegram = makeTestContext({ lang: 'en', platform: 'telegram' });
export const run = async (args: ParsedArgs, ctx = en): Promise<Reply> => explainCommand.run(args, ctx);
export const press = async (payload: string, ctx = en): Promise<ActionOutcome> => explainCommand.onAction!(payload, ctx);
export const textOf = (reply: Reply) => reply.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n');

export function edited(outcome: ActionOutcome): Reply {
  assert.equal(outcome.kind, 'edit', 'buttons edit the same message');
  return outcome.reply;
}

export function payloadOf(reply: Reply, label: string): string {
  const action = reply.actions?.find((a) => a.label === label);
  assert.ok(action, `no "${label}" button among ${reply.actions?.map((a) => a.label).join(', ')}`);
  return action.payload;
}

export async function userError(fn: () => unknown): Promise<UserError> {
  try {
    await fn();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  assert.fail('expected a UserError');
}
