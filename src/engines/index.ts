import type { Engine } from './engine.js';
import { agreementsEngine } from './agreements/agreements.js';
import { backupsEngine } from './backups/backups.js';
import { loggingEngine } from './logging/logging.js';
import { readinessEngine } from './readiness/readiness.js';
import { accessEngine } from './access/findings.js';
import { exposureEngine } from './exposure/exposure.js';
import { vulnsEngine } from './vulns-findings/vulns.js';

/** Every engine `hubguard start` and `hubguard assess` run, in order. */
export const ENGINES: readonly Engine[] = [loggingEngine, backupsEngine, readinessEngine, agreementsEngine, accessEngine, exposureEngine, vulnsEngine];
