import type { Logger } from 'pino';
import type { Dispatcher } from '../chat/dispatcher.ts';
import type { PushPlatform, ReplySender } from '../chat/delivery.ts';

/**
 * A chat platform the bot serves (Discord, Telegram). The composition root (src/app.ts) builds
 * one per configured token, hands its sender to the alert service, and starts and stops it.
 * A face only translates: platform events → Dispatcher, Reply → platform messages.
 */
export interface Face {
  readonly platform: PushPlatform;
  /** Posts replies that no command asked for (alerts). */
  readonly sender: ReplySender;
  /** Connects (login, polling or webhook, command registration). Resolves once the face serves. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice. */
  stop(): Promise<void>;
}

export interface FaceDependencies {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Values that must never appear in logs or replies (tokens, webhook secret). */
  secrets: readonly string[];
}
