import type { Engine } from './engine.js';

/** Every engine `hubguard start` and `hubguard assess` run, in order. */
export const ENGINES: readonly Engine[] = [];
