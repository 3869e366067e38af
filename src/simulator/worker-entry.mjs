// Worker threads do not inherit tsx's loader hooks reliably (Node 20): register them here, then
// load the TypeScript worker. Compiled builds can point the runner at worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
