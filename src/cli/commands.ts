import type { Command } from './context.js';

/** Every CLI command, in the order `hubguard --help` lists them. */
export const COMMANDS: Command[] = [];
