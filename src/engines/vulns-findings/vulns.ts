/**
 * The `vulns` engine: which CVEs apply to which asset, how urgent each is, and by when it must be
 * fixed. Matching is the matcher's (src/engines/vulns: NVD configurations through the compact
 * index, then a full per-asset verdict with `matchCve`; KEV vendor/product through the alias table
 * with confidence `product-only` when NVD has no configuration). Prioritization is documented in
 * docs/vulnerabilities.md and in {@link scoreOf}. KEV CVEs NVD holds no record of are
 * *candidates*: listed together on the asset's KEV finding, never as confirmed CVEs (see
 * {@link VulnRow.candidate}). Deadlines (KEV due dates, MSP tools first) are in deadlines.ts, end
 * of life in end-of-life.ts. An asset's products are its own (vendor/product, CPE) and those of
 * its scanned services (services.ts); a CVE matched through a service names that service (port,
 * product string, how the name was read) in its evidence.
 */
import { suppressionCovers } from '../suppress.js';
import { controlDefault } from '../../catalog/catalog.js';
import { lifecycleCatalog, type LifecycleCatalog } from '../../catalog/lifecycle.js';
import type { Asset, Criticality, Severity } from '../../core/index.js';
import type { Engine, FindingDraft, Model } from '../engine.js';
import type { Confidence, InstalledProduct } from '../vulns/cpe.js';
import { buildMatchIndex, criteriaFromConfigurations, matchProducts, type IndexCriterion } from '../vulns/index.js';
import { matchCve, productsOfAsset, type CveMatch } from '../vulns/match.js';
import { resolveProduct } from '../vulns/aliases.js';
import { addDays, dutyOf, feedDates, hostOf, isoDay, VULN_CONTROLS } from './common.js';
import { hubToolFindings, kevDueFindings } from './deadlines.js';
import { endOfLifeFindings } from './end-of-life.js';
import type { EpssFacts, KevFacts, NvdFacts, VulnFeeds } from './feeds.js';
import { serviceProvenance, servicesOfAssets, type ServiceEvidence } from './services.js';

export { VULN_CONTROLS } from './common.js';

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';

/** Days to fix by priority when KEV gives no due date. */
export const DUE_DAYS: Readonly<Record<Priority, number>> = { P1: 7, P2: 14, P3: 30, P4: 90 };

/** Score thresholds of the priorities (score ≥ threshold). */
export const PRIORITY_THRESHOLDS: readonly [Priority, number][] = [['P1', 50], ['P2', 25], ['P3', 10], ['P4', 0]];

const CRITICALITY_FACTOR: Readonly<Record<Criticality, number>> = { critical: 1, high: 0.75, medium: 0.5, low: 0.25 };
const CONFIDENCE_FACTOR: Readonly<Record<Confidence, number>> = { exact: 1, 'vendor-scheme': 1, range: 1, uncertain: 0.7, 'product-only': 0.6 };
const SEVERITY_OF: Readonly<Record<Priority, Severity>> = { P1: 'critical', P2: 'high', P3: 'medium', P4: 'low' };

/** What the score of one CVE on one asset is made of. */
export interface ScoreFactors {
  kev: boolean;
  ransomware: boolean;
  /** EPSS probability 0..1, when known. */
  epss?: number;
  internetExposed: boolean;
  criticality: Criticality;
  /** Customers an MSP tool reaches (0 for everything else). */
  customersReached: number;
  confidence: Confidence;
}

/**
 * score = 100 × threat × exposure × criticality × hub × confidence, where
 * threat = 1.0 (KEV, known ransomware use) | 0.8 (KEV) | min(EPSS, 0.7) (not in KEV; 0.01 when unknown),
 * exposure = 1.0 internet-facing | 0.5 internal, criticality = 1 / 0.75 / 0.5 / 0.25,
 * hub = 1 + log2(1 + customers reached), confidence = 1 (exact, vendor-scheme, range) | 0.7 (uncertain) | 0.6 (product-only).
 */
export function scoreOf(f: ScoreFactors): number {
  const threat = f.kev ? (f.ransomware ? 1 : 0.8) : Math.min(f.epss ?? 0.01, 0.7);
  const exposure = f.internetExposed ? 1 : 0.5;
  const hub = 1 + Math.log2(1 + Math.max(0, f.customersReached));
  const s = 100 * threat * exposure * CRITICALITY_FACTOR[f.criticality] * hub * CONFIDENCE_FACTOR[f.confidence];
  return Math.round(s * 10) / 10;
}

/** The priority of a score: P1 ≥ 50, P2 ≥ 25, P3 ≥ 10, else P4. */
export function priorityOf(score: number): Priority {
  for (const [p, t] of PRIORITY_THRESHOLDS) if (score >= t) return p;
  return 'P4';
}

/** One CVE that applies to one asset, with its priority. */
export interface VulnRow {
  asset: Asset;
  cve: string;
  confidence: Confidence;
  /** How it matched: `nvd` (configurations) or `kev-product` (KEV vendor/product only). */
  matchedBy: 'nvd' | 'kev-product';
  /** Whether NVD holds a record of the CVE (possibly not analysed yet, with no configuration). */
  nvdRecord: boolean;
  /**
   * A KEV CVE matched on KEV vendor/product while NVD holds no record of it: the version could
   * not be checked by anything, so it is a candidate, not a confirmed CVE of the asset. Importing
   * NVD records confirms or rules it out. Candidates are listed on the asset's KEV finding and
   * make no due-date or MSP-tool deadline findings.
   */
  candidate: boolean;
  criteria?: string;
  caveats: string[];
  /** The asset's product the CVE was matched on (the criterion's, or the KEV name's). */
  installed?: InstalledProduct;
  /** The scanned services that show that product (empty when only the asset's own record names it). */
  services: ServiceEvidence[];
  kev?: KevFacts;
  epss?: EpssFacts;
  factors: ScoreFactors;
  score: number;
  priority: Priority;
  dueDate: string;
  dueSource: 'kev' | 'policy';
  overdue: boolean;
}

/** The customers (other tenants) an MSP tool opens: tenants of grants that run through it or are held by it. */
export function customersReached(asset: Asset, model: Model): string[] {
  if (asset.kind !== 'msp-tool') return [];
  const org = model.organization.find((o) => o.id === asset.tenant);
  if (org && org.kind !== 'msp') return [];
  const out = new Set<string>();
  for (const g of model.grant) {
    if (g.tool !== asset.id && g.principal !== asset.id) continue;
    out.add(g.tenant);
    if (g.targetKind === 'organization') out.add(g.target);
  }
  out.delete(asset.tenant);
  return [...out].sort();
}

/** A test: is the asset internet-facing, or was an internet-facing service seen on it (by asset id or address)? */
export function exposureOf(model: Model): (asset: Asset) => boolean {
  const ids = new Set<string>();
  const addresses = new Set<string>();
  for (const s of model.service) {
    if (!s.internetFacing) continue;
    if (s.asset !== undefined) ids.add(s.asset); else addresses.add(`${s.tenant}\u0000${s.address}`);
  }
  return (a) => a.internetFacing || ids.has(a.id) || a.addresses.some((x) => addresses.has(`${a.tenant}\u0000${x}`));
}

interface Matched { cve: string; match: CveMatch; matchedBy: VulnRow['matchedBy'] }

const hasVersion = (p: InstalledProduct): boolean => p.version !== undefined && p.version.trim() !== '' && p.version !== '*';

/**
 * The products an asset is matched on: its own and its scanned services' (`productsOfAsset`),
 * less a product without a version whose name is also listed with one. A scan that did not read
 * the version (nmap `Fortinet FortiOS SSL VPN`) must not turn a version that was checked and is
 * not affected (FortiOS 7.4.9) into a product-only match.
 */
export function productsToMatch(asset: Asset, services: Parameters<typeof productsOfAsset>[1] = []): InstalledProduct[] {
  const all = productsOfAsset(asset, services);
  if (all.every(hasVersion) || !all.some(hasVersion)) return all;
  const versioned = new Set(all.filter(hasVersion).map((p) => `${p.vendor}:${p.product}`));
  return all.filter((p) => hasVersion(p) || !versioned.has(`${p.vendor}:${p.product}`));
}

/** The product a match was made on: the criterion's, else the first (versioned first) product of the KEV name. */
function installedOf(m: CveMatch, products: readonly InstalledProduct[]): InstalledProduct | undefined {
  if (m.criterion) return m.criterion.evidence.installed;
  const name = m.kev?.matchedAs;
  const named = products.filter((p) => `${p.vendor}:${p.product}` === name);
  return named.find(hasVersion) ?? named[0];
}

/** A prepared matcher over the feeds: NVD index, NVD by id, KEV-only entries by NVD product name. */
function prepare(feeds: VulnFeeds): { match: (products: InstalledProduct[]) => Matched[]; nvdById: ReadonlyMap<string, NvdFacts> } {
  const nvdById = new Map<string, NvdFacts>();
  const criteria: IndexCriterion[] = [];
  for (const c of feeds.nvd) {
    nvdById.set(c.id, c);
    if (Array.isArray(c.configurations)) criteria.push(...criteriaFromConfigurations(c.id, c.configurations));
  }
  const index = buildMatchIndex(criteria);
  // KEV entries NVD has no configuration for: matched by KEV vendor/product (product-only).
  const kevOnly = new Map<string, KevFacts[]>();
  for (const k of feeds.kev.values()) {
    const n = nvdById.get(k.cveID);
    if (n && n.configurations.length > 0) continue;
    for (const name of resolveProduct(k.vendorProject, k.product)) {
      const key = `${name.vendor}:${name.product}`;
      const list = kevOnly.get(key);
      if (list) list.push(k); else kevOnly.set(key, [k]);
    }
  }
  const match = (products: InstalledProduct[]): Matched[] => {
    const out = new Map<string, Matched>();
    const nvdCandidates = new Set<string>();
    for (const r of matchProducts(index, products)) for (const m of r.matches) nvdCandidates.add(m.cve);
    for (const id of nvdCandidates) {
      const n = nvdById.get(id);
      if (!n) continue;
      const m = matchCve({ id, configurations: n.configurations }, products);
      if (m) out.set(id, { cve: id, match: m, matchedBy: 'nvd' });
    }
    for (const p of products) {
      for (const k of kevOnly.get(`${p.vendor}:${p.product}`) ?? []) {
        if (out.has(k.cveID)) continue;
        const m = matchCve({ id: k.cveID, configurations: [], kev: { vendorProject: k.vendorProject, product: k.product } }, products);
        if (m) out.set(k.cveID, { cve: k.cveID, match: m, matchedBy: 'kev-product' });
      }
    }
    return [...out.values()];
  };
  return { match, nvdById };
}

/** Every CVE that applies to every asset of the model, prioritized, highest score first. */
export function assessVulns(model: Model, feeds: VulnFeeds, now: Date): VulnRow[] {
  const { match, nvdById } = prepare(feeds);
  const internetExposed = exposureOf(model);
  const servicesOf = servicesOfAssets(model.service);
  const rows: VulnRow[] = [];
  const today = isoDay(now);
  for (const asset of model.asset) {
    const services = servicesOf(asset);
    const products = productsToMatch(asset, services);
    if (products.length === 0) continue;
    const matched = match(products);
    if (matched.length === 0) continue;
    const seenOn = services.length > 0 ? serviceProvenance(services) : () => [];
    const exposed = internetExposed(asset);
    const reached = customersReached(asset, model).length;
    for (const { cve, match: m, matchedBy } of matched) {
      // An accepted risk for this CVE on this asset (or on every asset of the tenant) is left out.
      if (model.suppression.some((x) => x.cve === cve && suppressionCovers(x, now, { tenant: asset.tenant, subject: asset.id, cve, control: x.control }))) continue;
      const kev = feeds.kev.get(cve);
      const epss = feeds.epss.get(cve);
      const factors: ScoreFactors = {
        kev: kev !== undefined,
        ransomware: kev?.knownRansomwareCampaignUse.toLowerCase() === 'known',
        ...(epss ? { epss: epss.epss } : {}),
        internetExposed: exposed,
        criticality: asset.criticality,
        customersReached: reached,
        confidence: m.confidence,
      };
      const score = scoreOf(factors);
      const priority = priorityOf(score);
      const dueDate = kev?.dueDate ?? isoDay(addDays(now, DUE_DAYS[priority]));
      const nvdRecord = nvdById.has(cve);
      const installed = installedOf(m, products);
      rows.push({
        asset, cve, confidence: m.confidence, matchedBy, nvdRecord,
        candidate: matchedBy === 'kev-product' && !nvdRecord,
        ...(m.criterion ? { criteria: m.criterion.evidence.criteria } : {}),
        caveats: m.caveats,
        ...(installed ? { installed } : {}),
        services: m.criterion ? seenOn(installed) : seenOn(undefined, m.kev?.matchedAs),
        ...(kev ? { kev } : {}),
        ...(epss ? { epss } : {}),
        factors, score, priority, dueDate,
        dueSource: kev ? 'kev' : 'policy',
        overdue: dueDate < today,
      });
    }
  }
  return rows.sort((a, b) => b.score - a.score || a.asset.id.localeCompare(b.asset.id) || a.cve.localeCompare(b.cve));
}

/** The per-CVE evidence of a row, as findings carry it and `hubguard vulns --json` prints it. */
export function cveEvidence(r: VulnRow) {
  return {
    cve: r.cve,
    kev: r.kev
      ? { dateAdded: r.kev.dateAdded, dueDate: r.kev.dueDate, knownRansomwareCampaignUse: r.kev.knownRansomwareCampaignUse, vendorProject: r.kev.vendorProject, product: r.kev.product, name: r.kev.vulnerabilityName ?? null }
      : null,
    epss: r.epss?.epss ?? null,
    epssPercentile: r.epss?.percentile ?? null,
    confidence: r.confidence,
    matchedBy: r.matchedBy,
    candidate: r.candidate,
    criteria: r.criteria ?? null,
    caveats: r.caveats,
    installed: r.installed
      ? { vendor: r.installed.vendor, product: r.installed.product, version: r.installed.version ?? null, resolvedFrom: r.installed.resolvedFrom ?? null }
      : null,
    services: r.services,
    score: r.score,
    priority: r.priority,
    dueDate: r.dueDate,
    dueSource: r.dueSource,
    overdue: r.overdue,
  };
}
export type CveEvidence = ReturnType<typeof cveEvidence>;

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * What to say about an asset's candidates (KEV CVEs matched on product name while NVD holds no
 * record of them): why the version was not checked and what to import or record.
 */
export function candidateStatement(asset: Asset, candidates: readonly VulnRow[]) {
  const products = [...new Set(candidates.map((r) => (r.kev ? `${r.kev.vendorProject} ${r.kev.product}` : r.cve)))];
  const version = asset.version ?? [...candidates.map((r) => r.installed), ...productsOfAsset(asset)].find((p) => p !== undefined && hasVersion(p) && p.version !== '-')?.version;
  const versionKnown = version !== undefined;
  const reason =
    `NVD holds no record of ${candidates.length} KEV CVE(s) listed for ${products.join(', ')}: they were matched on the KEV vendor and product only, ` +
    (versionKnown ? `so version ${version} could not be checked against the affected versions.` : 'and the asset has no version to check.');
  const remedy =
    (versionKnown ? 'Import' : "Record the asset's version, then import") +
    ' the NVD CVE records (`hubguard feeds update`, or `hubguard feeds import` of an NVD CVE API 2.0 file) to confirm or rule out each CVE.';
  return { count: candidates.length, products, versionKnown, reason, remedy };
}

/**
 * What an asset runs, for titles: its product and version, else the scanned product its top CVE
 * was matched on, with the port (`Fortinet FortiOS 7.2.5 on tcp/10443`).
 */
function runsLabel(asset: Asset, top: VulnRow): string {
  const own = [asset.product, asset.version].filter(Boolean).join(' ');
  const s = top.services[0];
  if (own || !s) return own;
  return `${[s.product ?? s.matchedAs, s.version].filter(Boolean).join(' ')} on ${s.protocol}/${s.port}`;
}

/** The KEV and EPSS findings: one per asset and control, listing that asset's CVEs (highest score first). */
function cveFindings(model: Model, feeds: VulnFeeds, rows: readonly VulnRow[]): FindingDraft[] {
  const threshold = controlDefault(VULN_CONTROLS.epss, 'epssThreshold');
  const groups = new Map<string, { asset: Asset; control: string; rows: VulnRow[] }>();
  for (const r of rows) {
    const control = r.kev ? VULN_CONTROLS.kev : (r.epss?.epss ?? 0) >= threshold ? VULN_CONTROLS.epss : undefined;
    if (!control) continue; // neither known-exploited nor likely to be: listed by `hubguard vulns --all`, no finding
    const k = `${r.asset.id}\u0000${control}`;
    const g = groups.get(k);
    if (g) g.rows.push(r); else groups.set(k, { asset: r.asset, control, rows: [r] });
  }
  const dates = feedDates(feeds);
  const out: FindingDraft[] = [];
  for (const { asset, control, rows: all } of groups.values()) {
    const confirmed = all.filter((r) => !r.candidate);
    const candidates = all.filter((r) => r.candidate);
    const rs = confirmed.length > 0 ? confirmed : candidates;
    const top = rs[0]!;
    const due = rs.map((r) => r.dueDate).sort()[0]!;
    const list = (xs: readonly VulnRow[]) => xs.slice(0, 3).map((r) => r.cve).join(', ') + (xs.length > 3 ? `, … (${xs.length})` : '');
    const what = control === VULN_CONTROLS.kev ? 'known-exploited' : 'likely-to-be-exploited (EPSS)';
    const runs = `${asset.name} runs ${runsLabel(asset, top)}`;
    const unverified = candidates.length > 0 ? candidateStatement(asset, candidates) : null;
    // Candidates alone never make a critical finding: nothing shows the version is affected.
    let severity = SEVERITY_OF[top.priority];
    if (confirmed.length === 0 && SEVERITY_RANK[severity] > SEVERITY_RANK.high) severity = 'high';
    out.push({
      tenant: asset.tenant,
      control,
      severity,
      duty: dutyOf(asset, model),
      title:
        confirmed.length > 0
          ? `${runs} with ${rs.length} ${what} CVE(s): ${list(rs)} — ${top.priority}, due ${due}` +
            (candidates.length > 0 ? ` (+${candidates.length} unverified candidate(s))` : '')
          : `${runs}: ${candidates.length} known-exploited CVE(s) of ${unverified!.products.join(', ')} could apply (${list(candidates)}), version not checked — ${top.priority}`,
      detail:
        `${top.priority} (score ${top.score}): ${top.cve} (${top.confidence})` +
        `${top.factors.customersReached > 0 ? `; this MSP tool reaches ${top.factors.customersReached} customer(s)` : ''}` +
        `${top.factors.internetExposed ? '; internet-facing' : ''}. Feed dates: KEV ${dates.kevCatalog?.date ?? 'none'}.` +
        (unverified ? ` ${unverified.reason} ${unverified.remedy}` : ''),
      subject: { kind: 'asset', id: asset.id, name: asset.name },
      evidence: {
        ...hostOf(asset),
        assetName: asset.name,
        vendor: asset.vendor ?? null,
        product: asset.product ?? null,
        version: asset.version ?? null,
        cpe: asset.cpe ?? null,
        internetExposed: top.factors.internetExposed,
        criticality: asset.criticality,
        customersReached: top.factors.customersReached,
        cve: top.cve,
        priority: top.priority,
        score: top.score,
        dueDate: due,
        confidence: top.confidence,
        ...dates,
        cves: confirmed.map(cveEvidence),
        candidates: candidates.map(cveEvidence),
        unverified,
      },
    });
  }
  return out;
}

/**
 * Every finding of the engine: KEV and EPSS CVEs per asset, KEV due dates missed, MSP tools not
 * patched first, end of life (asset field or lifecycle catalog) and replacements not planned.
 */
export function vulnFindings(model: Model, feeds: VulnFeeds, now: Date, lifecycle: LifecycleCatalog = lifecycleCatalog()): FindingDraft[] {
  const rows = assessVulns(model, feeds, now);
  return [
    ...cveFindings(model, feeds, rows),
    ...kevDueFindings(model, feeds, rows, now),
    ...hubToolFindings(model, feeds, rows, now),
    ...endOfLifeFindings(model, feeds, now, lifecycle, exposureOf(model)),
  ];
}

/** The `vulns` engine: does nothing without feeds in the context. */
export const vulnsEngine: Engine = {
  name: 'vulns',
  controls: Object.values(VULN_CONTROLS),
  run(model, ctx) {
    if (!ctx.feeds) return [];
    return vulnFindings(model, ctx.feeds, ctx.now);
  },
};
