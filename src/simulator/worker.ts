import { parentPort, workerData } from 'node:worker_threads';
import type { SimulationParams } from './params.ts';
import { runSimulation } from './simulate.ts';

/** Runs one simulation off the main thread; started by SimulationRunner with `workerData = params`. */
try {
  const result = runSimulation(workerData as SimulationParams);
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}
