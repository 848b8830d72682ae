import type { Command } from './context.js';
import { startCommand } from './start.js';
import { importCommand } from './import.js';
import { findingsCommand } from './findings.js';
import { demoCommand } from './demo.js';
import { detectCommand } from './detect.js';
import { blastRadiusCommand } from './blast-radius.js';
import { accessCommand } from './access.js';

/** Every CLI command, in the order `hubguard --help` lists them. */
export const COMMANDS: Command[] = [startCommand, importCommand, findingsCommand, demoCommand, detectCommand, blastRadiusCommand, accessCommand];
