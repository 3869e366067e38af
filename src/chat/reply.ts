/**
 * The platform-neutral answer of a command. Faces (Discord, Telegram, terminal) render it;
 * commands never import a platform library.
 *
 * Text uses a small markup that every face can render:
 *   **bold**, _italic_, `code`, [label](https://url)
 * Nothing else is interpreted; faces escape everything else.
 */
export type Tone = 'info' | 'success' | 'warn' | 'error';

export interface Field {
  label: string;
  value: string;
  /** Discord shows inline fields side by side. */
  inline?: boolean;
}

export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: Field[] }
  | {
      kind: 'table';
      columns: string[];
      rows: string[][];
      /** per column; numbers read best right-aligned */
      align?: Array<'left' | 'right'>;
    };

export interface ReplyImage {
  png: Buffer;
  alt: string;
  /** e.g. `adl-waterfall.png` */
  filename: string;
}

export interface Action {
  label: string;
  /**
   * Compact payload routed back to the same command's `onAction`. The face prefixes the
   * command name. Keep `command:payload` within 64 bytes (Telegram's callback_data limit).
   */
  payload: string;
  style?: 'primary' | 'secondary' | 'danger';
}

export interface Reply {
  title?: string;
  tone?: Tone;
  blocks: Block[];
  image?: ReplyImage;
  /** Buttons, in one row (faces may wrap). */
  actions?: Action[];
  /** For paged replies (walkthroughs): the face shows "step i / n". 1-based. */
  page?: { index: number; count: number };
  /** Small print under the reply (sources, "estimate", "not financial advice"). */
  footer?: string;
  /** Only the asking user should see it (Discord ephemeral); other faces ignore it. */
  ephemeral?: boolean;
  /**
   * Ask the user for private input (src/chat/command.ts FormSpec) the way the face can: a button
   * that opens a modal (Discord), or the next message in this private chat (Telegram). `payload`
   * routes the answer to the command's `onForm`; `label` names the button.
   */
  form?: { payload: string; label: string };
  /**
   * The user's own message that asked for this carried a secret (a key typed as command words): the
   * face deletes it where it can, and says so when it could not.
   */
  deleteRequest?: boolean;
  /**
   * The machine-readable result, printed by the CLI's `--json` (one JSON object on stdout).
   * Numbers as JSON numbers or decimal strings; never formatted text.
   */
  data?: Record<string, unknown>;
}

/** What a button press does to the message that carried the button. */
export type ActionOutcome =
  | { kind: 'edit'; reply: Reply }
  | { kind: 'new'; reply: Reply }
  | { kind: 'close' };

export function textReply(text: string, tone: Tone = 'info', title?: string): Reply {
  return { title, tone, blocks: [{ kind: 'text', text }] };
}
