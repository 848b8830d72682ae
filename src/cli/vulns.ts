/**
 * `hubguard vulns`: the known-exploited (KEV) and likely-to-be-exploited (EPSS) vulnerabilities of
 * the assets in the database, prioritized (P1–P4, due date) with the MSP's hub position counted,
 * plus end-of-life assets. Loads the feeds (the bundled KEV snapshot when none was imported),
 * runs the `vulns` engine on the spot and prints one row per asset and CVE. KEV CVEs NVD holds no
 * record of are candidates: one line each with `--json`, one row per asset in the table. The
 * header names the KEV catalog date, so a stale catalog is visible. See docs/vulnerabilities.md.
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

/**
 * One printed row: one CVE on one asset (`cve`), one KEV CVE that could apply but whose version
 * NVD could not check (`candidate`), or one asset past its end of life (`end-of-life`) or nearing
 * it without a replacement planned (`end-of-life-soon`), with `cve: null`.
 */
export interface VulnLine {
  kind: 'cve' | 'candidate' | 'end-of-life' | 'end-of-life-soon';
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
  /** The product the CVE was matched on (`resolvedFrom`: the product string it was read from, if any); null on end-of-life rows. */
  installed: CveEvidence['installed'];
  /** The scanned services that show that product: port, product string, how its name was read. */
  services: CveEvidence['services'];
  score: number | null;
  customersReached: number;
  control: string;
  finding: string;
  kevCatalog: unknown;
  endOfLife?: string;
  /** `asset` (its own field) or `lifecycle-catalog`, for end-of-life rows. */
  endOfLifeSource?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const PRIORITY_RANK: Record<string, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

const CVE_CONTROLS: ReadonlySet<string> = new Set([VULN_CONTROLS.kev, VULN_CONTROLS.epss]);
const EOL_KIND: Readonly<Record<string, VulnLine['kind']>> = { [VULN_CONTROLS.endOfLife]: 'end-of-life', [VULN_CONTROLS.endOfLifeReplacement]: 'end-of-life-soon' };

/**
 * Flattens the engine's findings into one line per asset and CVE (candidates included), and one
 * per end-of-life asset, most urgent first. The deadline findings (KEV due dates, MSP tools first)
 * repeat CVEs already listed, with their due dates, and are left out.
 */
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
    const eolKind = EOL_KIND[f.control];
    if (eolKind) {
      out.push({
        ...base, kind: eolKind, priority: null, dueDate: null, overdue: eolKind === 'end-of-life', cve: null, kev: null, epss: null,
        epssPercentile: null, confidence: null, matchedBy: null, installed: null, services: [], score: null, ...(str(e.endOfLife) ? { endOfLife: str(e.endOfLife)! } : {}),
        ...(str(e.endOfLifeSource) ? { endOfLifeSource: str(e.endOfLifeSource)! } : {}),
      });
      continue;
    }
    if (!CVE_CONTROLS.has(f.control)) continue;
    const rows = [
      ...((Array.isArray(e.cves) ? e.cves : []) as CveEvidence[]).map((c) => ['cve', c] as const),
      ...((Array.isArray(e.candidates) ? e.candidates : []) as CveEvidence[]).map((c) => ['candidate', c] as const),
    ];
    for (const [kind, c] of rows) {
      const services = Array.isArray(c.services) ? c.services : [];
      // A scanned host names no product of its own: show what the scanner saw.
      const scanned = base.product === null ? services[0] : undefined;
      out.push({
        ...base, kind, priority: c.priority, dueDate: c.dueDate, overdue: c.overdue, cve: c.cve, kev: c.kev,
        epss: c.epss, epssPercentile: c.epssPercentile, confidence: c.confidence, matchedBy: c.matchedBy,
        installed: c.installed ?? null, services, score: c.score,
        ...(scanned ? { product: scanned.product ?? scanned.matchedAs, version: scanned.version } : {}),
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

/**
 * The table's rows: an asset's candidates collapse into one row (the most urgent, with how many
 * more), since none of them was version-checked; `--json` keeps one line per candidate.
 */
export function tableRows(lines: readonly VulnLine[]): { line: VulnLine; more: number }[] {
  const out: { line: VulnLine; more: number }[] = [];
  const byFinding = new Map<string, { line: VulnLine; more: number }>();
  for (const l of lines) {
    if (l.kind !== 'candidate') {
      out.push({ line: l, more: 0 });
      continue;
    }
    const g = byFinding.get(l.finding);
    if (g) g.more++;
    else {
      const row = { line: l, more: 0 };
      byFinding.set(l.finding, row);
      out.push(row);
    }
  }
  return out;
}

function header(feeds: VulnFeeds): string {
  const kev = feeds.dates.kev ? `KEV catalog ${feeds.dates.kev.version} of ${feeds.dates.kev.date}` : 'no KEV catalog';
  const epss = feeds.dates.epss ? `EPSS of ${feeds.dates.epss.date}` : 'no EPSS scores';
  const nvd = feeds.nvd.length
    ? `${feeds.nvd.length} NVD record(s)${feeds.dates.nvd ? ` of ${feeds.dates.nvd.date}` : ''}`
    : 'no NVD records (KEV matches are unverified candidates: import NVD records to check versions)';
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
      const feeds = await loadFeeds(repo, ctx, { nvd: true });
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
    const rows = tableRows(shown);
    println(
      ctx.stdout,
      renderTable(
        ['priority', 'due', 'customer', 'asset', 'address', 'product version', 'CVE', 'KEV', 'EPSS', 'confidence'],
        rows.map(({ line: l, more }) => [
          l.priority ?? (l.kind === 'end-of-life-soon' ? 'EOL soon' : 'EOL'),
          l.dueDate ? `${l.dueDate}${l.overdue ? ' (overdue)' : ''}` : '-',
          l.tenant,
          l.assetName,
          l.address ?? '-',
          [l.product, l.version].filter(Boolean).join(' ') || '-',
          l.cve
            ? `${l.cve}${l.kind === 'candidate' ? ` (candidate${more ? `, +${more} more` : ''}: version not checked)` : ''}`
            : `${l.kind === 'end-of-life-soon' ? 'out of support' : 'end of life'} ${l.endOfLife?.slice(0, 10) ?? ''}`.trim(),
          l.kev ? `yes${l.kev.knownRansomwareCampaignUse.toLowerCase() === 'known' ? ' (ransomware)' : ''}` : l.cve ? 'no' : '-',
          l.epss === null ? '-' : l.epss.toFixed(3),
          l.confidence ?? '-',
        ]),
      ),
    );
    println(ctx.stderr, `${rows.length} row(s)${shown.length < all.length ? ` (${shown.length} of ${all.length} lines; use --limit)` : ''}`);
    return 0;
  },
};
