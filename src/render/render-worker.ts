import { Worker } from 'node:worker_threads';
import type { ChartSize } from './chart.ts';

/**
 * The one render worker: a thread that draws every chart, one after another, so the chat thread
 * (Discord heartbeats, Telegram polling, every other command) never waits behind ECharts and
 * resvg. Started on the first chart; it holds the process open only while a chart is being drawn,
 * and ends after a minute with nothing to draw (its ~50 MB come back; the next chart starts it
 * again, off the chat thread). A chart that takes longer than `timeoutMs` fails, and the worker is
 * replaced. The entry (render-worker-entry.mjs) registers tsx's loader, as the simulator's does.
 */
export interface RenderRequest {
  module: string;
  name: string;
  input: unknown;
  size: ChartSize;
}

type Answer = { id: number; ok: true; png: Uint8Array } | { id: number; ok: false; message: string };

interface Pending {
  resolve(png: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RenderWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { timeoutMs?: number; idleMs?: number } = {}) {}

  render(request: RenderRequest): Promise<Buffer> {
    const worker = this.start();
    clearTimeout(this.idleTimer);
    worker.ref();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 60_000;
      const timer = setTimeout(() => this.fail(new Error(`chart ${request.name} took longer than ${timeoutMs} ms`), true), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        worker.postMessage({ id, ...request });
      } catch (error) {
        // Input that cannot be cloned (a function in a plain option): this request's fault only.
        clearTimeout(timer);
        this.pending.delete(id);
        this.idleSoon();
        reject(new Error(`chart ${request.name}: its input cannot be sent to the render worker (${error instanceof Error ? error.message : String(error)})`));
      }
    });
  }

  /** Ends the worker now (tests, shutdown); charts still being drawn fail. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.fail(new Error('render worker stopped'), false);
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./render-worker-entry.mjs', import.meta.url));
    worker.on('message', (answer: Answer) => this.settle(answer));
    worker.on('error', (error) => this.fail(error, false));
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        if (this.pending.size) this.fail(new Error(`render worker exited with code ${code}`), false);
      }
    });
    this.worker = worker;
    return worker;
  }

  private settle(answer: Answer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    clearTimeout(waiting.timer);
    if (answer.ok) waiting.resolve(Buffer.from(answer.png.buffer, answer.png.byteOffset, answer.png.byteLength));
    else waiting.reject(new Error(answer.message));
    this.idleSoon();
  }

  /** Nothing left to draw: let the process exit if it wants to, and end the worker after a while. */
  private idleSoon(): void {
    if (this.pending.size) return;
    this.worker?.unref();
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && !this.pending.size) {
        this.worker = undefined;
        void worker?.terminate();
      }
    }, this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  private fail(error: Error, replace: boolean): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
      this.pending.delete(id);
    }
    const worker = this.worker;
    this.worker = undefined;
    if (replace || worker) void worker?.terminate();
  }
}

export const renderWorker = new RenderWorker();
