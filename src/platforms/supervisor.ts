import type { Logger } from 'pino';
import { scrubSecrets } from '../logger.ts';
import type { Face } from './face.ts';

/**
 * Keeps one face trying to start without holding up the others. A face that cannot start
 * (Discord unreachable, Telegram refusing the token for a while) is logged in one line per
 * attempt, naming the next delay, and tried again with exponential backoff and jitter; the other
 * faces, the terminal and the alert schedule run meanwhile. The supervisor is the only retry
 * layer at start: faces make one attempt per `start()` call, bounded by `attemptTimeoutMs`.
 */
export interface RetryPolicy {
  /** Wait after the first failure; doubled after each further one. */
  initialMs: number;
  maxMs: number;
  /** A face's `start()` gives up after this long (passed to the face). */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 2_000, maxMs: 300_000, attemptTimeoutMs: 30_000 };

export type FaceState = 'starting' | 'serving' | 'retrying' | 'stopped';

export interface FaceStatus {
  state: FaceState;
  /** ISO time of the last change of state. */
  since: string;
  /** Failed attempts since the face last served. */
  failures: number;
  lastError?: string;
  nextAttemptAt?: string;
}

export interface SupervisorOptions {
  logger: Logger;
  policy: RetryPolicy;
  secrets: readonly string[];
  now?: () => number;
  random?: () => number;
}

export class FaceSupervisor {
  private current: FaceStatus;
  private timer: NodeJS.Timeout | undefined;
  private attempting: Promise<void> | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    readonly face: Face,
    private readonly options: SupervisorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.current = { state: 'starting', since: new Date(this.now()).toISOString(), failures: 0 };
  }

  get id(): string {
    return this.face.profile.id;
  }

  status(): FaceStatus {
    return { ...this.current };
  }

  /** The first attempt; resolves when it has served or failed (never rejects). Later attempts run on their own. */
  start(): Promise<void> {
    this.attempting ??= this.attempt();
    return this.attempting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempting;
    this.set({ state: 'stopped' });
    await this.face.stop();
  }

  private async attempt(): Promise<void> {
    this.set({ state: 'starting', failures: this.current.failures, lastError: this.current.lastError });
    try {
      await this.face.start();
      if (this.stopped) return;
      this.set({ state: 'serving', failures: 0 });
      this.options.logger.info({ face: this.id }, 'face started');
    } catch (error) {
      if (this.stopped) return;
      const failures = this.current.failures + 1;
      const delay = this.delayAfter(failures);
      const message = this.describe(error);
      this.set({ state: 'retrying', failures, lastError: message, nextAttemptAt: new Date(this.now() + delay).toISOString() });
      this.options.logger.warn({ face: this.id, attempt: failures, retryInMs: delay, error: message }, 'face could not start; retrying');
      this.timer = setTimeout(() => {
        this.attempting = this.attempt();
      }, delay);
    }
  }

  /** initial × 2^(n−1), at most `maxMs`, then ±25% so faces that failed together do not retry together. */
  private delayAfter(failures: number): number {
    const { initialMs, maxMs } = this.options.policy;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(base * (0.75 + this.random() * 0.5));
  }

  /** The error's message on one line, without secrets: never a stack trace. */
  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return scrubSecrets(message, [...this.options.secrets]).replace(/\s*\n\s*/g, ' ').slice(0, 500);
  }

  /** A new state; `failures` carries over unless given. */
  private set(status: Omit<FaceStatus, 'since' | 'failures'> & { failures?: number }): void {
    this.current = { ...status, failures: status.failures ?? this.current.failures, since: new Date(this.now()).toISOString() };
  }
}
