import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { allTenants, AREAS, type Organization } from '../core/index.js';
import type { Repository } from '../store/repository.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, databaseUrl, withRepository } from './db.js';
import { runEngines } from './assess.js';
import { feedStatusRows } from './feeds.js';
import { importPaths, printImportSummary } from './import.js';
import { writeDemo } from './demo.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard start [--customers N] [--db <url>]';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
/** Findings listed under the posture tables. */
const TOP = 10;

/** Prints the posture of every customer and every area of the advisory. */
export async function printPosture(repo: Repository, ctx: CliContext): Promise<void> {
  const scope = allTenants(cliActor(ctx));
  const orgs = (await repo.listRecords(scope, 'organization', {})) as Organization[];
  const counts = async (kind: 'identity' | 'grant' | 'asset') => new Map((await repo.countsByTenant(scope, kind)).map((r) => [r.tenant, r.count]));
  const [identities, grants, assets] = [await counts('identity'), await counts('grant'), await counts('asset')];
  const summary = await repo.findingSummary(scope);
  const bySev = (tenant: string | undefined, area: string | undefined, sev: string) =>
    summary.filter((r) => (!tenant || r.tenant === tenant) && (!area || r.area === area) && r.severity === sev).reduce((s, r) => s + r.count, 0);

  const rows = orgs
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'msp' ? -1 : 1))
    .map((o) => [
      o.name + (o.kind === 'msp' ? ' (MSP)' : ''),
      o.sector,
      o.criticality,
      identities.get(o.id) ?? 0,
      grants.get(o.id) ?? 0,
      assets.get(o.id) ?? 0,
      ...SEVERITIES.map((s) => bySev(o.id, undefined, s)),
    ]);
  println(ctx.stdout, '\nPosture by organization (findings: critical / high / medium / low)\n');
  println(ctx.stdout, renderTable(['organization', 'sector', 'criticality', 'identities', 'access grants in', 'assets', ...SEVERITIES], rows));
  println(ctx.stdout, '\nPosture by area of CISA AA22-131A\n');
  println(
    ctx.stdout,
    renderTable(
      ['#', 'area', ...SEVERITIES],
      AREAS.map((a) => [a.n, a.title, ...SEVERITIES.map((s) => bySev(undefined, a.slug, s))]),
    ),
  );
  const total = summary.reduce((s, r) => s + r.count, 0);
  if (!total) {
    println(ctx.stdout, '\nNo findings yet: no assessment engine has reported on this data.');
    return;
  }
  const names = new Map(orgs.map((o) => [o.id as string, o.name]));
  // The MSP's own weaknesses first: each opens every customer it reaches.
  const msps = new Set(orgs.filter((o) => o.kind === 'msp').map((o) => o.id as string));
  const severe = await repo.listFindings(scope, { minSeverity: 'high', limit: 5000 });
  const rank = (f: (typeof severe)[number]) => (f.severity === 'critical' ? 0 : 2) + (msps.has(f.tenant) ? 0 : 1);
  const top = severe.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).slice(0, TOP).map((x) => x.f);
  println(ctx.stdout, `\nMost urgent findings (${total} open in all)\n`);
  println(ctx.stdout, renderTable(['severity', 'organization', 'finding'], top.map((f) => [f.severity, names.get(f.tenant) ?? f.tenant, f.title])));
}

/** One line with the date of each vulnerability feed the assessment used, so a stale or bundled catalog shows. */
export async function printFeedDates(repo: Repository, ctx: CliContext, now: Date): Promise<void> {
  const rows = feedStatusRows(await repo.listFeeds(allTenants(cliActor(ctx))), now).filter((r) => r.name !== 'cve5' || r.present);
  const parts = rows.map((r) => {
    const name = r.name.toUpperCase();
    if (!r.present) return `${name} not imported`;
    const bundled = r.bundled ? (r.name === 'nvd' ? ` (bundled excerpt, ${r.count} records)` : ' (bundled snapshot)') : '';
    return `${name} of ${r.date.slice(0, 10)}${bundled}${r.stale ? `, ${r.ageDays} days old` : ''}`;
  });
  println(ctx.stdout, `Vulnerability feeds: ${parts.join('; ')}`);
  if (rows.some((r) => !r.present || r.stale || r.bundled)) {
    println(ctx.stdout, '`npx hubguard feeds update` fetches the current KEV, EPSS and NVD data (docs/feeds.md).');
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'The main job: load the demo MSP on first run, assess everything, print the posture',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { ...DB_OPTION, customers: { type: 'string' } }, USAGE);
    const customers = intOption(values.customers, 'customers', 24, 100_000);
    const url = databaseUrl(values.db, ctx);
    println(ctx.stdout, `Hubguard — database ${url.replace(/\/\/[^@/]*@/, '//')}`);
    return withRepository(values.db, ctx, async (repo) => {
      const scope = allTenants(cliActor(ctx));
      if ((await repo.countRecords(scope, 'organization')) === 0) {
        const dir = join(ctx.cwd, 'data', 'demo-workspace');
        if (!existsSync(join(dir, 'organizations.csv'))) {
          println(ctx.stdout, `First run: writing a demo MSP with ${customers} customers to ${dir}`);
          // Dated to this moment, so the demo reads as current when it is assessed right away.
          await writeDemo(dir, customers, 1, new Date());
        }
        println(ctx.stdout, `Importing ${dir}`);
        printImportSummary(await importPaths(repo, [dir], ctx), ctx);
      }
      const now = new Date();
      const ran = await runEngines(repo, scope, now, ctx);
      if (ran.length) println(ctx.stdout, `\nAssessed with ${ran.map((r) => `${r.engine} (${r.findings})`).join(', ')}`);
      await printFeedDates(repo, ctx, now);
      await printPosture(repo, ctx);
      println(ctx.stdout, '\nNext: `npx hubguard findings` lists every finding; `npx hubguard import <folder>` loads your own exports (docs/workspace-format.md).');
      return 0;
    });
  },
};
