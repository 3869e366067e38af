import type { Params } from './i18n.ts';

/**
 * "The user typed something wrong": the only error whose message is shown to users.
 * `key` is an i18n key; the face translates it, and adds the command's example of correct
 * input (or `hint`, an i18n key for a more specific suggestion).
 * A `{example}` parameter (in the message or the hint) is replaced by the dispatcher with the
 * command's first example as the asking face types it (`/adl_rank …`, `--venue …`).
 * Everything else that escapes a command is logged with an id and answered with an apology.
 */
export class UserError extends Error {
  readonly key: string;
  readonly params: Params;
  readonly hintKey?: string;
  readonly hintParams?: Params;

  constructor(key: string, params: Params = {}, hint?: { key: string; params?: Params }) {
    super(key);
    this.name = 'UserError';
    this.key = key;
    this.params = params;
    this.hintKey = hint?.key;
    this.hintParams = hint?.params;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
