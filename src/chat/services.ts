/**
 * The long-lived things commands use (stored preferences, market data, alert subscriptions, the
 * simulation pool), each behind the narrow interface its command needs, found by a typed key.
 *
 * A command that needs a new service declares the interface and its key next to itself:
 *
 *   export interface WatchList { add(…): …; list(…): … }
 *   export const WATCH_LIST = serviceKey<WatchList>('watch-list');
 *   …  const watch = ctx.services.get(WATCH_LIST);   // WatchList | undefined
 *
 * and the composition root (src/app.ts) provides it once: `services.with(WATCH_LIST, impl)`.
 * The directory is immutable: `with` returns a new one, so what a command sees cannot change under it.
 * Tests provide fakes the same way.
 */
export interface ServiceKey<T> {
  readonly id: string;
  /** Carries T for the type checker; never set. */
  readonly type?: (value: T) => T;
}

export function serviceKey<T>(id: string): ServiceKey<T> {
  return Object.freeze({ id });
}

export interface ServiceLookup {
  /** The service, or undefined when this process runs without it (the command says so or does without). */
  get<T>(key: ServiceKey<T>): T | undefined;
}

export class Services implements ServiceLookup {
  private constructor(private readonly entries: ReadonlyMap<ServiceKey<unknown>, unknown>) {}

  static empty(): Services {
    return new Services(new Map());
  }

  /** A directory with `key` provided (replacing an earlier value). */
  with<T>(key: ServiceKey<T>, value: T): Services {
    return new Services(new Map([...this.entries, [key as ServiceKey<unknown>, value]]));
  }

  get<T>(key: ServiceKey<T>): T | undefined {
    return this.entries.get(key as ServiceKey<unknown>) as T | undefined;
  }

  /** The service, or an Error naming the key (for the composition root's own wiring, never for commands). */
  require<T>(key: ServiceKey<T>): T {
    const value = this.get(key);
    if (value === undefined) throw new Error(`services: "${key.id}" was not provided`);
    return value;
  }
}
