/**
 * `hubguard exposure`: the exposure findings of the data in the database —
 * internet-facing risky services, management interfaces and MSP tool consoles
 * from imported scans — with host, port, service, product/version and what the
 * verdict rests on (evidence or the port only). Computed from the model on the
 * spot; `hubguard start` stores the same findings with every other engine's.
 */
import { allTenants, HubguardError, SEVERITY_ORDER, Severity } from '../core/index.js';
import { toFindings } from '../engines/engine.js';
import { exposureEngine } from '../engines/exposure/index.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { loadModel } from './assess.js';
import { nowOption } from './blast-radius.js';
import { type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard exposure [--customer <org id>] [--severity <min>] [--limit N] [--json] [--db <url>]';

const sevRank = (s: Severity): number => SEVERITY_ORDER.indexOf(s);
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Internet-facing risky services and management interfaces from imported scans (nmap, masscan, Shodan)',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { ...DB_OPTION, customer: { type: 'string' }, severity: { type: 'string' }, limit: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } },
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
    const all = toFindings(exposureEngine.name, exposureEngine.run(model, { now }), now).filter(
      (f) => (values.customer === undefined || f.tenant === values.customer) && (!sev?.data || sevRank(f.severity) <= sevRank(sev.data)),
    );
    const shown = all.slice(0, limit);
    if (values.json) {
      for (const f of shown) println(ctx.stdout, JSON.stringify(f));
      return 0;
    }
    if (!shown.length) {
      println(ctx.stdout, 'no exposure findings match');
      return 0;
    }
    println(
      ctx.stdout,
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
    );
    println(ctx.stderr, `${shown.length} exposure finding(s)${shown.length < all.length ? ` of ${all.length} (use --limit)` : ''}`);
    return 0;
  },
};
