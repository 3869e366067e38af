import type { Logger } from 'pino';
import type { OptionSpec } from '../chat/command.ts';
import type { ReplySender } from '../chat/delivery.ts';
import type { Dispatcher } from '../chat/dispatcher.ts';
import type { FaceProfile } from '../chat/profile.ts';
import type { Config } from '../config.ts';

/**
 * A chat platform the bot serves. A face only translates: platform events → Dispatcher, Reply →
 * platform messages. Each face is a folder under src/platforms/ with a profile (profile.ts), a
 * FaceModule (index.ts, listed in registry.ts) and its code; nothing outside its folder names it.
 */
export interface Face {
  readonly profile: FaceProfile;
  /** Posts replies nobody asked for (alerts); present when the profile has `push`. */
  readonly sender?: ReplySender;
  /**
   * Connects (login, polling or webhook, command registration): one attempt, within
   * `deps.attemptTimeoutMs`, no retries of its own (the supervisor retries). Resolves once the
   * face serves; may be called again after it failed.
   */
  start(): Promise<void>;
  /** Disconnects; safe to call twice. */
  stop(): Promise<void>;
}

/** What a face may use from the rest of the bot: the dispatcher and a few narrow hooks, never the services themselves. */
export interface FaceDependencies {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Values that must never appear in logs or replies (tokens, webhook secret). */
  secrets: readonly string[];
  /** How long one `start()` may take before it gives up. */
  attemptTimeoutMs: number;
  /** Values offered while someone types an option with `autocomplete` (`symbol`: coins with stored market data). */
  suggestions(source: NonNullable<OptionSpec['autocomplete']>): readonly string[];
  /** The bot can no longer post in this chat (removed from it, the chat was deleted): its alerts stop. */
  chatClosed(chatId: string, reason: string): void;
}

export type FaceFactory<S> = (settings: S, deps: FaceDependencies) => Face;

/**
 * A face as the registry lists it: its profile (cheap to import) and, when the configuration has
 * its settings (a token), a builder that loads its code first. Chat libraries load only for the
 * faces that run (discord.js alone takes ~1.4 s).
 */
export interface FaceModule {
  readonly profile: FaceProfile;
  /** Log fields pino must blank out for this face (a secret header), besides tokens and secrets. */
  readonly redactPaths?: readonly string[];
  /** Undefined when this face is not configured. */
  configure(config: Config): ((deps: FaceDependencies) => Promise<Face>) | undefined;
}

export function faceModule<S>(
  profile: FaceProfile,
  settings: (config: Config) => S | undefined,
  load: () => Promise<FaceFactory<S>>,
  redactPaths: readonly string[] = [],
): FaceModule {
  return {
    profile,
    redactPaths,
    configure(config) {
      const found = settings(config);
      if (found === undefined) return undefined;
      return async (deps) => (await load())(found, deps);
    },
  };
}
