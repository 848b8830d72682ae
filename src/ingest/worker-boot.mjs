// Starts the import worker from TypeScript sources (under tsx or the test runner):
// loader hooks are per thread, so the worker registers tsx itself before loading.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
