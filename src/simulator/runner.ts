import { Worker } from 'node:worker_threads';
import type { SimulationParams } from './params.ts';
import type { SimulationResult } from './simulate.ts';

export interface SimulationRunnerOptions {
  /** Largest N a chat may ask for (config.simulateMaxPositions); the CLI may run more. */
  maxChatPositions: number;
  /** Simulations running at once; more wait in line (this machine has two cores). */
  concurrency?: number;
  /** Runs waiting beyond this are refused (SimulationBusyError). */
  maxQueued?: number;
  /** A run taking longer is stopped (its worker terminated). */
  timeoutMs?: number;
}

export class SimulationBusyError extends Error {
  constructor() {
    super('simulation queue is full');
    this.name = 'SimulationBusyError';
  }
}

/**
 * Runs simulations in worker threads so a large run never blocks the chat clients' event loop
 * (Discord heartbeats, Telegram polling). One worker per run: the worker's memory is returned to
 * the system when it ends. The worker entry (worker-entry.mjs) registers tsx's loader itself, because
 * `execArgv: ['--import', 'tsx']` did not reach the worker's entry module on Node 20.
 */
export class SimulationRunner {
  readonly maxChatPositions: number;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(options: SimulationRunnerOptions) {
    this.maxChatPositions = options.maxChatPositions;
    this.concurrency = options.concurrency ?? 1;
    this.maxQueued = options.maxQueued ?? 8;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async run(params: SimulationParams): Promise<SimulationResult> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) throw new SimulationBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await this.runInWorker(params);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private runInWorker(params: SimulationParams): Promise<SimulationResult> {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: params });
    return new Promise<SimulationResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`simulation timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      worker.once('message', (message: { ok: true; result: SimulationResult } | { ok: false; message: string }) => {
        clearTimeout(timer);
        void worker.terminate();
        if (message.ok) resolve(message.result);
        else reject(new Error(`simulation failed: ${message.message}`));
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) reject(new Error(`simulation worker exited with code ${code}`));
      });
    });
  }
}
