/**
 * `hubguard exposure`: the exposure findings of the data in the database —
 * internet-facing risky services, management interfaces and MSP tool consoles
 * from imported scans — with host, port, service, product/version and what the
 * verdict rests on (evidence or the port only). Computed from the model on the
 * spot; `hubguard start` stores the same findings with every other engine's.
 */
import { toFindings } from '../engines/engine.js';
import { exposureEngine } from '../engines/exposure/index.js';
import type { Command } from './context.js';
import { listModelFindings } from './model-findings.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard exposure [--customer <org id>] [--severity <min>] [--limit N] [--json] [--db <url>]';

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Internet-facing risky services and management interfaces from imported scans (nmap, masscan, Shodan)',
  usage: USAGE,
  run: (args, ctx) =>
    listModelFindings(args, ctx, {
      usage: USAGE,
      noun: 'exposure',
      compute: (model, now) => toFindings(exposureEngine.name, exposureEngine.run(model, { now }), now),
      table: (shown) =>
        renderTable(
          ['severity', 'tenant', 'address', 'host', 'port', 'service', 'product/version', 'evidence', 'finding'],
          shown.map((f) => {
            const e = f.evidence;
            return [
              f.severity,
              f.tenant,
              text(e.address),
              text(e.host),
              `${text(e.port)}/${text(e.protocol)}`,
              text(e.service),
              [text(e.product), text(e.version)].filter(Boolean).join(' '),
              e.confirmed ? text(e.evidenceKind) : 'port only (unconfirmed)',
              text(e.entry),
            ];
          }),
        ),
    }),
};
