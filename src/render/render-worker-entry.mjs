// Worker threads do not inherit tsx's loader hooks reliably (Node 20): register them here, then
// load the TypeScript worker (as src/simulator/worker-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./render-worker-thread.ts');
