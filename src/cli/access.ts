/**
 * `hubguard access`: the access findings of the data in the database (MFA,
 * standing and delegated admin, GDAP hygiene, reused credentials, stale,
 * departed and shared accounts, Global Admin counts), each with the path that
 * explains it. Computed from the model on the spot; `hubguard start` stores
 * the same findings with every other engine's.
 */
import { allTenants, HubguardError, SEVERITY_ORDER, Severity } from '../core/index.js';
import { accessFindings } from '../engines/access/index.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { loadModel } from './assess.js';
import { nowOption } from './blast-radius.js';
import { type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
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
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { ...DB_OPTION, customer: { type: 'string' }, severity: { type: 'string' }, control: { type: 'string' }, limit: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } },
      USAGE,
    );
    const sev = values.severity === undefined ? undefined : Severity.safeParse(values.severity.toLowerCase());
    if (sev && !sev.success) throw new HubguardError('HG_ERR_USAGE', `unknown severity "${values.severity}": use ${Severity.options.join(', ')}`);
    const limit = intOption(values.limit, 'limit', 500);
    const now = nowOption(values.now);
    const model = await withRepository(values.db, ctx, (repo) => loadModel(repo, allTenants(cliActor(ctx))));
    if (values.customer !== undefined && !model.organization.some((o) => o.id === values.customer)) {
      throw new HubguardError('HG_ERR_VALIDATION', `no organization "${values.customer}"`);
    }
    const all = accessFindings(model, now).filter(
      (f) =>
        (values.customer === undefined || f.tenant === values.customer) &&
        (!sev?.data || sevRank(f.severity) <= sevRank(sev.data)) &&
        (values.control === undefined || f.control === values.control),
    );
    all.sort((a, b) => sevRank(a.severity) - sevRank(b.severity) || a.tenant.localeCompare(b.tenant) || a.control.localeCompare(b.control));
    const shown = all.slice(0, limit);
    if (values.json) {
      for (const f of shown) println(ctx.stdout, JSON.stringify(f));
      return 0;
    }
    if (!shown.length) {
      println(ctx.stdout, 'no access findings match');
      return 0;
    }
    println(
      ctx.stdout,
      renderTable(
        ['severity', 'tenant', 'control', 'finding', 'path'],
        shown.map((f) => [f.severity, f.tenant, f.control, f.title, pathCell(f.evidence)]),
      ),
    );
    println(ctx.stderr, `${shown.length} access finding(s)${shown.length < all.length ? ` of ${all.length} (use --limit)` : ''}`);
    return 0;
  },
};
