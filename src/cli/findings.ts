import { allTenants, areaOfControl, findArea, HubguardError, Severity } from '../core/index.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard findings [--customer <org id>] [--area <0-12|slug>] [--severity <min>] [--status open|resolved|suppressed] [--limit N] [--json] [--db <url>]';

export const findingsCommand: Command = {
  name: 'findings',
  summary: 'List stored findings, filtered by customer, area and severity',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        ...DB_OPTION,
        customer: { type: 'string' },
        area: { type: 'string' },
        severity: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    const area = values.area === undefined ? undefined : findArea(values.area);
    if (values.area !== undefined && !area) throw new HubguardError('HG_ERR_USAGE', `unknown area "${values.area}": use 0-12 or a slug such as mfa`);
    const sev = values.severity === undefined ? undefined : Severity.safeParse(values.severity.toLowerCase());
    if (sev && !sev.success) throw new HubguardError('HG_ERR_USAGE', `unknown severity "${values.severity}": use ${Severity.options.join(', ')}`);
    const status = values.status as 'open' | 'resolved' | 'suppressed' | undefined;
    if (status && !['open', 'resolved', 'suppressed'].includes(status)) throw new HubguardError('HG_ERR_USAGE', `unknown status "${status}"`);
    const limit = intOption(values.limit, 'limit', 500);
    const findings = await withRepository(values.db, ctx, (repo) =>
      repo.listFindings(allTenants(cliActor(ctx)), {
        tenant: values.customer,
        area: area?.slug,
        minSeverity: sev?.data,
        status: status ?? 'open',
        limit,
      }),
    );
    if (values.json) {
      for (const f of findings) println(ctx.stdout, JSON.stringify(f));
      return 0;
    }
    if (!findings.length) {
      println(ctx.stdout, 'no findings match');
      return 0;
    }
    println(
      ctx.stdout,
      renderTable(
        ['severity', 'customer', 'area', 'control', 'finding', 'subject'],
        findings.map((f) => [f.severity, f.tenant, areaOfControl(f.control), f.control, f.title, f.subject.name ?? f.subject.id]),
      ),
    );
    println(ctx.stderr, `${findings.length} finding(s)${findings.length === limit ? ` (first ${limit}; use --limit)` : ''}`);
    return 0;
  },
};
