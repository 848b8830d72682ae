/**
 * `hubguard access`: the access findings of the data in the database (MFA,
 * standing and delegated admin, GDAP hygiene, reused credentials, stale,
 * departed and shared accounts, Global Admin counts), each with the path that
 * explains it. Computed from the model on the spot; `hubguard start` stores
 * the same findings with every other engine's.
 */
import { SEVERITY_ORDER, type Severity } from '../core/index.js';
import { accessFindings } from '../engines/access/index.js';
import type { Command } from './context.js';
import { listModelFindings } from './model-findings.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard access [--customer <org id>] [--severity <min>] [--control <id>] [--limit N] [--now YYYY-MM-DD] [--json] [--db <url>]';

const sevRank = (s: Severity): number => SEVERITY_ORDER.indexOf(s);

/** A path in evidence, cut to fit a table cell. */
function pathCell(evidence: Record<string, unknown> | undefined): string {
  const p = evidence?.path;
  if (!Array.isArray(p)) return '';
  const s = p.join(' → ');
  return s.length > 110 ? `${s.slice(0, 107)}...` : s;
}

export const accessCommand: Command = {
  name: 'access',
  summary: 'Access findings: MFA, standing and delegated admin, stale and shared accounts, each with its path',
  usage: USAGE,
  run: (args, ctx) =>
    listModelFindings(args, ctx, {
      usage: USAGE,
      noun: 'access',
      extraOptions: { control: { type: 'string' } },
      compute: (model, now, values) => {
        const all = accessFindings(model, now).filter((f) => values.control === undefined || f.control === values.control);
        return all.sort((a, b) => sevRank(a.severity) - sevRank(b.severity) || a.tenant.localeCompare(b.tenant) || a.control.localeCompare(b.control));
      },
      table: (shown) =>
        renderTable(
          ['severity', 'tenant', 'control', 'finding', 'path'],
          shown.map((f) => [f.severity, f.tenant, f.control, f.title, pathCell(f.evidence)]),
        ),
    }),
};
