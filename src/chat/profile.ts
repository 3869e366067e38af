/**
 * What the command layer needs to know about the face a person is using, and nothing more. Each
 * face (src/platforms/<face>/profile.ts) declares one; the registry (src/platforms/registry.ts)
 * lists them. The dispatcher, /help, error hints and commands read the profile instead of asking
 * which platform this is, so a new face brings its own profile and nothing here changes.
 */
export interface FaceProfile {
  /** Stable id, stored with preferences and alert subscriptions (`telegram`); never shown to users. */
  readonly id: string;
  /** How people type commands here (examples, help, error hints are written this way). */
  readonly syntax: CommandSyntax;
  readonly limits: FaceLimits;
  /** Per-user command limits apply here (group chats); the operator's own terminal is not limited. */
  readonly rateLimited: boolean;
  /**
   * The person at this face runs the bot (terminal chat, one-shot CLI): they manage every "chat"
   * here, and settings that only make sense for shared chats (alerts) are refused.
   */
  readonly operator: boolean;
  /** One command per process run (the CLI): may run the largest jobs, such as a 1M-position simulation. */
  readonly oneShot: boolean;
  /** Present when the bot can post here without being asked (alerts, digests). */
  readonly push?: PushProfile;
  /**
   * A reply marked `ephemeral` is seen by the asker alone, even in a shared chat (Discord). Where
   * it is not, a private answer asked for in a group goes to the asker's private chat instead.
   */
  readonly ephemeralReplies?: boolean;
  /**
   * How the face collects private input (`Reply.form`): `modal`, a form only the user sees, wherever
   * they are (Discord); `private-message`, their next message in a private chat, deleted as soon as
   * it is read (Telegram). Absent: the face cannot take secrets (the terminal, the CLI).
   */
  readonly forms?: 'modal' | 'private-message';
}

export interface CommandSyntax {
  /**
   * How options are written:
   * - `words`: positional words, then `name=value` (`/liq binance long 30000 1 10x mode=cross`)
   * - `named`: every option by name with a colon (`/liq venue:binance side:long …`)
   * - `flags`: shell flags, some options bare (`npm run -s cli -- liq --venue binance …`)
   */
  readonly options: 'words' | 'named' | 'flags';
  /** Typed before the command name: `/` in chats, `npm run -s cli -- ` in a shell. */
  readonly prefix: string;
  /** The command's name on this face, from its canonical name (`adl-rank` → `adl_rank` where hyphens are not allowed). */
  name(canonical: string): string;
}

export interface FaceLimits {
  /**
   * Bytes a button's data may take (Telegram callback_data: 64; Discord custom_id: 100 characters).
   * Absent: no limit (the terminal numbers its buttons).
   */
  readonly actionDataBytes?: number;
}

/** Spacing between pushed messages, so the queue stays within the platform's limits. */
export interface Pacing {
  /** Between any two messages on the platform. */
  globalMs: number;
  /** Between two messages to the same chat. */
  perChatMs: number;
}

export interface PushProfile {
  readonly pacing: Pacing;
  /** The face's sender can edit a message it sent (`ReplySender.edit`): a live digest edits one message. */
  readonly canEdit: boolean;
  /** The face's sender can reach a user in a private chat (`ReplySender.privateChatOf`). */
  readonly privateChats: boolean;
}

/** The command's name as typed on this face, with its prefix (`/adl_rank`), or bare for shell flags (`adl-rank`). */
export function commandLabel(profile: FaceProfile, canonical: string): string {
  const name = profile.syntax.name(canonical);
  return profile.syntax.options === 'flags' ? name : `${profile.syntax.prefix}${name}`;
}
