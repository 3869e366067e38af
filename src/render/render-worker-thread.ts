import { parentPort } from 'node:worker_threads';
import { drawChartPng, isChartRecipe } from './chart.ts';
import type { RenderRequest } from './render-worker.ts';

/**
 * Inside the render worker: imports the module that exports the recipe, builds the option from
 * the plain input and draws it. Requests are drawn one at a time, in order.
 */
async function draw(request: RenderRequest & { id: number }): Promise<void> {
  try {
    const exported = ((await import(request.module)) as Record<string, unknown>)[request.name];
    if (!isChartRecipe(exported) || exported.name !== request.name) throw new Error(`${request.module} exports no chart recipe "${request.name}"`);
    const png = drawChartPng(exported.build(request.input), request.size);
    // A copy of its own (a Buffer may share its memory with others), handed over without another copy.
    const bytes = new Uint8Array(png);
    parentPort?.postMessage({ id: request.id, ok: true, png: bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

// draw() answers every failure itself; should posting that answer throw, the rejection ends this
// worker and the main thread's 'error' handler fails the charts still waiting.
parentPort?.on('message', (request: RenderRequest & { id: number }) => void draw(request));
