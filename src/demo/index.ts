/**
 * The demo workspace: a realistic MSP and its customers with planted
 * weaknesses, generated deterministically and streamed kind by kind.
 */
export { generateDemo, demoFlaws, countRows } from './demo.js';
/** Default options: 24 customers, seed 1, now 2026-11-01T00:00:00Z. */
export { DEMO_DEFAULTS } from './context.js';
/** The demo MSP (id, name, domain), its group keys and its tool asset keys. */
export { MSP as DEMO_MSP, MSP_GROUPS as DEMO_MSP_GROUPS, MSP_TOOLS as DEMO_MSP_TOOLS } from './staff.js';
/** Every flaw code demoFlaws can report. */
export { FLAW_CODES } from './types.js';
export type { DemoFlaw, DemoOptions, DemoRecordInputs, DemoWorkspace, FlawCode } from './types.js';
