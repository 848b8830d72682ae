/**
 * `hubguard vulns`: the known-exploited (KEV) and likely-to-be-exploited (EPSS) vulnerabilities of
 * the assets in the database, prioritized (P1–P4, due date) with the MSP's hub position counted,
 * plus end-of-life assets. Loads the feeds (the bundled KEV snapshot when none was imported),
 * runs the `vulns` engine on the spot and prints one row per asset and CVE. The header names the
 * KEV catalog date, so a stale catalog is visible. See docs/vulnerabilities.md.
 */
import { allTenants, HubguardError, type Finding } from '../core/index.js';
import { toFindings } from '../engines/engine.js';
import { VULN_CONTROLS, vulnsEngine, type CveEvidence, type VulnFeeds } from '../engines/vulns-findings/index.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { loadFeeds, loadModel } from './assess.js';
import { nowOption } from './blast-radius.js';
import { type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE = 'hubguard vulns [--customer <org id>] [--limit N] [--now <date>] [--json] [--db <url>]';

/** One printed row: one CVE on one asset (or one end-of-life asset, with `cve: null`). */
export interface VulnLine {
  kind: 'cve' | 'end-of-life';
  priority: string | null;
  dueDate: string | null;
  overdue: boolean;
  tenant: string;
  asset: string;
  assetName: string;
  address: string | null;
  host: string | null;
  product: string | null;
  version: string | null;
  cve: string | null;
  kev: CveEvidence['kev'];
  epss: number | null;
  epssPercentile: number | null;
  confidence: string | null;
  /** `nvd` (configurations, version checked) or `kev-product` (KEV vendor/product only). */
  matchedBy: string | null;
  score: number | null;
  customersReached: number;
  control: string;
  finding: string;
  kevCatalog: unknown;
  endOfLife?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const PRIORITY_RANK: Record<string, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

/** Flattens the engine's findings into one line per asset and CVE, most urgent first. */
export function vulnLines(findings: readonly Finding[]): VulnLine[] {
  const out: VulnLine[] = [];
  for (const f of findings) {
    const e = f.evidence;
    const base = {
      tenant: f.tenant as string,
      asset: f.subject.id,
      assetName: str(e.assetName) ?? f.subject.name ?? f.subject.id,
      address: str(e.address),
      host: str(e.host),
      product: str(e.product),
      version: str(e.version),
      customersReached: typeof e.customersReached === 'number' ? e.customersReached : 0,
      control: f.control as string,
      finding: f.id as string,
      kevCatalog: e.kevCatalog ?? null,
    };
    if (f.control === VULN_CONTROLS.endOfLife) {
      out.push({
        ...base, kind: 'end-of-life', priority: null, dueDate: null, overdue: true, cve: null, kev: null, epss: null,
        epssPercentile: null, confidence: null, matchedBy: null, score: null, ...(str(e.endOfLife) ? { endOfLife: str(e.endOfLife)! } : {}),
      });
      continue;
    }
    for (const c of (Array.isArray(e.cves) ? e.cves : []) as CveEvidence[]) {
      out.push({
        ...base, kind: 'cve', priority: c.priority, dueDate: c.dueDate, overdue: c.overdue, cve: c.cve, kev: c.kev,
        epss: c.epss, epssPercentile: c.epssPercentile, confidence: c.confidence, matchedBy: c.matchedBy, score: c.score,
      });
    }
  }
  return out.sort(
    (a, b) =>
      (PRIORITY_RANK[a.priority ?? ''] ?? 9) - (PRIORITY_RANK[b.priority ?? ''] ?? 9) ||
      (b.score ?? -1) - (a.score ?? -1) ||
      a.tenant.localeCompare(b.tenant) || a.asset.localeCompare(b.asset) || (a.cve ?? '').localeCompare(b.cve ?? ''),
  );
}

function header(feeds: VulnFeeds): string {
  const kev = feeds.dates.kev ? `KEV catalog ${feeds.dates.kev.version} of ${feeds.dates.kev.date}` : 'no KEV catalog';
  const epss = feeds.dates.epss ? `EPSS of ${feeds.dates.epss.date}` : 'no EPSS scores';
  const nvd = feeds.nvd.length ? `${feeds.nvd.length} NVD record(s)${feeds.dates.nvd ? ` of ${feeds.dates.nvd.date}` : ''}` : 'no NVD records (KEV matches are product-only)';
  return `${kev}; ${epss}; ${nvd}`;
}

export const vulnsCommand: Command = {
  name: 'vulns',
  summary: 'Known-exploited and likely-exploited vulnerabilities per asset, prioritized (KEV, EPSS, exposure, hub position) with due dates',
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { ...DB_OPTION, customer: { type: 'string' }, limit: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } },
      USAGE,
    );
    const limit = intOption(values.limit, 'limit', 1000);
    const now = nowOption(values.now);
    const { model, feeds } = await withRepository(values.db, ctx, async (repo) => {
      const feeds = await loadFeeds(repo, ctx);
      return { model: await loadModel(repo, allTenants(cliActor(ctx))), feeds };
    });
    if (values.customer !== undefined && !model.organization.some((o) => o.id === values.customer)) {
      throw new HubguardError('HG_ERR_VALIDATION', `no organization "${values.customer}"`);
    }
    const findings = toFindings(vulnsEngine.name, vulnsEngine.run(model, { now, feeds }), now).filter(
      (f) => values.customer === undefined || f.tenant === values.customer,
    );
    const all = vulnLines(findings);
    const shown = all.slice(0, limit);
    if (values.json) {
      for (const l of shown) println(ctx.stdout, JSON.stringify(l));
      println(ctx.stderr, header(feeds));
      return 0;
    }
    println(ctx.stdout, header(feeds));
    if (!shown.length) {
      println(ctx.stdout, 'no vulnerable or end-of-life assets found');
      return 0;
    }
    println(
      ctx.stdout,
      renderTable(
        ['priority', 'due', 'customer', 'asset', 'address', 'product version', 'CVE', 'KEV', 'EPSS', 'confidence'],
        shown.map((l) => [
          l.priority ?? 'EOL',
          l.dueDate ? `${l.dueDate}${l.overdue ? ' (overdue)' : ''}` : '-',
          l.tenant,
          l.assetName,
          l.address ?? '-',
          [l.product, l.version].filter(Boolean).join(' ') || '-',
          l.cve ?? `end of life ${l.endOfLife?.slice(0, 10) ?? ''}`.trim(),
          l.kev ? `yes${l.kev.knownRansomwareCampaignUse.toLowerCase() === 'known' ? ' (ransomware)' : ''}` : l.cve ? 'no' : '-',
          l.epss === null ? '-' : l.epss.toFixed(3),
          l.confidence ?? '-',
        ]),
      ),
    );
    println(ctx.stderr, `${shown.length} row(s)${shown.length < all.length ? ` of ${all.length} (use --limit)` : ''}`);
    return 0;
  },
};
