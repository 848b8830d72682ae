import type { Command } from './context.js';

/**
 * One entry of the command list. Commands load on use, so that `hubguard detect`
 * does not pay for the database, the engines and the importers at start-up.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every CLI command, in the order `hubguard --help` lists them. */
export const COMMANDS: CommandEntry[] = [
  { name: 'start', summary: 'The main job: load the demo MSP on first run, assess everything, print the posture', load: async () => (await import('./start.js')).startCommand },
  { name: 'import', summary: 'Import a workspace folder or files (all or nothing, idempotent)', load: async () => (await import('./import.js')).importCommand },
  { name: 'findings', summary: 'List stored findings, filtered by customer, area and severity', load: async () => (await import('./findings.js')).findingsCommand },
  { name: 'demo', summary: 'Write a realistic demo MSP workspace (deterministic for a seed)', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'detect', summary: 'Find brute force and password spraying (also slow and distributed) in auth logs; exit 3 on alerts', load: async () => (await import('./detect.js')).detectCommand },
  { name: 'blast-radius', summary: 'What falls if one principal or tool is taken; with no argument, the hub’s chokepoints ranked', load: async () => (await import('./blast-radius.js')).blastRadiusCommand },
  { name: 'access', summary: 'Access findings: MFA, standing and delegated admin, stale and shared accounts, each with its path', load: async () => (await import('./access.js')).accessCommand },
  { name: 'exposure', summary: 'Internet-facing risky services and management interfaces from imported scans (nmap, masscan, Shodan)', load: async () => (await import('./exposure.js')).exposureCommand },
  { name: 'feeds', summary: 'Vulnerability feeds (KEV, EPSS, NVD, CVE 5): import offline, show dates and staleness, update when online', load: async () => (await import('./feeds.js')).feedsCommand },
  { name: 'vulns', summary: 'Known-exploited and likely-exploited vulnerabilities per asset, prioritized with due dates (KEV, EPSS, hub position)', load: async () => (await import('./vulns.js')).vulnsCommand },
  { name: 'db', summary: 'Database schema: status (applied and pending migrations), migrate up, or down before running an older release', load: async () => (await import('./db-command.js')).dbCommand },
];
