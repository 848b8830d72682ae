/**
 * Does a CVE apply to an asset? Evaluates NVD API 2.0 `configurations`.
 *
 * NVD 2.0 shape: `configurations[]` each with an optional `operator` (AND/OR, absent = one node)
 * and `negate`, holding `nodes[]`, each with `operator`, `negate` and `cpeMatch[]` whose entries
 * say `vulnerable: true` (the flawed product) or `vulnerable: false` (a platform it must run on).
 * A CVE applies when some configuration is satisfied AND the asset satisfies a *vulnerable*
 * criterion in it: an asset that only matches a platform entry is not affected (a browser CVE
 * whose configuration names the Linux kernel as platform is not a kernel CVE).
 * A platform node the asset says nothing about is "platform unknown": the match stands with
 * confidence `uncertain`. A CVE with no configurations yet (NVD backlog, e.g. PAN-OS
 * CVE-2024-3400 in early 2024) may match by its KEV vendor/product, with confidence `product-only`.
 */
import type { Asset, ExposedService } from '../../core/index.js';
import { compileCriterion, matchCriterion, resolvedCaveat, tryParseCpe, ANY, NA, type CompiledCriterion, type Confidence, type Cpe, type CpeMatchCriterion, type CriterionMatch, type InstalledProduct } from './cpe.js';
import { hasAlias, resolveProduct } from './aliases.js';
import { resolveProductString } from './products.js';
import { splitDistro } from './versions.js';

/** One NVD 2.0 configuration node. */
export interface ConfigNode {
  operator?: 'AND' | 'OR';
  negate?: boolean;
  cpeMatch: CpeMatchCriterion[];
}

/** One NVD 2.0 configuration. */
export interface Configuration {
  operator?: 'AND' | 'OR';
  negate?: boolean;
  nodes: ConfigNode[];
}

/** What the matcher needs of a CVE: its id, NVD configurations and, when listed, its KEV names. */
export interface CveInput {
  id: string;
  configurations?: Configuration[];
  kev?: { vendorProject: string; product: string };
}

/** A CVE that applies to an asset, with why and how sure. */
export interface CveMatch {
  cve: string;
  confidence: Confidence;
  /** The vulnerable criterion that matched (absent for a KEV product-only match). */
  criterion?: CriterionMatch;
  /** Platform entries the asset satisfied, and those it said nothing about. */
  platforms: { matched: string[]; unknown: string[] };
  /** Set when the match came from KEV vendor/product because NVD has no configuration. */
  kev?: { vendorProject: string; product: string; matchedAs: string };
  caveats: string[];
}

/** Higher is surer; used to pick the best of several matching configurations. */
export const CONFIDENCE_RANK: Record<Confidence, number> = { exact: 5, 'vendor-scheme': 4, range: 3, uncertain: 2, 'product-only': 1 };

// Criteria are parsed once per object: configurations are reused across many assets.
const compiled = new WeakMap<CpeMatchCriterion, CompiledCriterion | null>();
function compiledOf(c: CpeMatchCriterion): CompiledCriterion | undefined {
  let hit = compiled.get(c);
  if (hit === undefined) {
    try { hit = compileCriterion(c); } catch { hit = null; } // a malformed feed entry matches nothing
    compiled.set(c, hit);
  }
  return hit ?? undefined;
}

type Tri = true | false | 'unknown';
interface NodeResult { value: Tri; vulnerable: CriterionMatch[]; platforms: string[]; unknown: string[] }

function evalNode(node: ConfigNode, products: readonly InstalledProduct[]): NodeResult {
  const vulnerable: CriterionMatch[] = [];
  const platforms: string[] = [];
  const entries = Array.isArray(node.cpeMatch) ? node.cpeMatch : [];
  const hits = entries.map((c) => {
    const cc = compiledOf(c);
    if (!cc) return false;
    let hit = false;
    for (const p of products) {
      const m = matchCriterion(cc, p);
      if (!m) continue;
      hit = true;
      if (c.vulnerable) vulnerable.push(m); else platforms.push(c.criteria);
    }
    return hit;
  });
  let value: Tri = node.operator === 'AND' ? hits.length > 0 && hits.every(Boolean) : hits.some(Boolean);
  const unknown: string[] = [];
  if (!value && entries.length > 0 && entries.every((c) => !c.vulnerable)) {
    // A platform-only node the asset did not satisfy: false when the asset declares a product of
    // the same part (we know its hardware/OS and it is not listed), unknown otherwise.
    const parts = new Set(entries.map((c) => compiledOf(c)?.cpe.part).filter((p) => p !== undefined && p !== ANY));
    const declared = products.some((p) => p.part !== undefined && parts.has(p.part));
    if (!declared) { value = 'unknown'; unknown.push(...entries.map((c) => c.criteria)); }
  }
  if (node.negate && value !== 'unknown') value = !value;
  // A negated node's hits are what must be absent, never evidence of vulnerability.
  return node.negate ? { value, vulnerable: [], platforms: [], unknown } : { value, vulnerable, platforms, unknown };
}

const best = (ms: readonly CriterionMatch[]): CriterionMatch | undefined =>
  ms.reduce<CriterionMatch | undefined>((a, m) => (!a || CONFIDENCE_RANK[m.confidence] > CONFIDENCE_RANK[a.confidence] ? m : a), undefined);

function evalConfiguration(cfg: Configuration, products: readonly InstalledProduct[], cve: string): CveMatch | undefined {
  const nodes = Array.isArray(cfg.nodes) ? cfg.nodes : [];
  const results = nodes.map((n) => evalNode(n, products));
  if (results.length === 0) return undefined;
  let chosen: NodeResult[];
  if (cfg.operator === 'AND') {
    if (results.some((r) => r.value === false)) return undefined;
    chosen = results;
  } else {
    chosen = results.filter((r) => r.value === true && r.vulnerable.length > 0);
  }
  if (cfg.negate) return undefined; // NVD does not negate whole configurations; refuse rather than guess
  const vuln = best(chosen.flatMap((r) => r.vulnerable));
  if (!vuln) return undefined;
  const unknown = chosen.flatMap((r) => r.unknown);
  const caveats = [...vuln.evidence.caveats];
  let confidence = vuln.confidence;
  if (unknown.length > 0) {
    caveats.push(`platform unknown: requires one of ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`);
    if (CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK.uncertain) confidence = 'uncertain';
  }
  return { cve, confidence, criterion: vuln, platforms: { matched: chosen.flatMap((r) => r.platforms), unknown }, caveats };
}

/**
 * The best match of a CVE against an asset's products, or undefined when it does not apply.
 * Products must use NVD CPE names (see {@link productsOfAsset}).
 */
export function matchCve(cve: CveInput, products: readonly InstalledProduct[]): CveMatch | undefined {
  const cfgs = Array.isArray(cve.configurations) ? cve.configurations : [];
  let found: CveMatch | undefined;
  for (const cfg of cfgs) {
    const m = evalConfiguration(cfg, products, cve.id);
    if (m && (!found || CONFIDENCE_RANK[m.confidence] > CONFIDENCE_RANK[found.confidence])) found = m;
  }
  if (found || cfgs.length > 0 || !cve.kev) return found;
  // No configuration published: fall back on KEV's vendor/product, through the alias table.
  for (const name of resolveProduct(cve.kev.vendorProject, cve.kev.product)) {
    const p = products.find((x) => x.vendor === name.vendor && x.product === name.product);
    if (!p) continue;
    return {
      cve: cve.id, confidence: 'product-only', platforms: { matched: [], unknown: [] },
      kev: { ...cve.kev, matchedAs: `${name.vendor}:${name.product}` },
      caveats: ['NVD lists no configuration; matched on KEV vendor and product, version not checked', ...(p.resolvedFrom !== undefined ? [resolvedCaveat(p)] : [])],
    };
  }
  return undefined;
}

/**
 * The version to compare for a CPE: the CPE's own, or the stated one when the CPE names none.
 * A stated version that is the CPE's version plus a distro package suffix (nmap writes
 * `cpe:/a:openbsd:openssh:8.9p1` beside version `8.9p1 Ubuntu 3ubuntu0.6`) wins, so that the
 * match stays `uncertain` (backports possible).
 */
function versionFor(cpe: Cpe, stated: string | undefined): string | undefined {
  if (cpe.version === ANY) return stated;
  if (cpe.version !== NA && stated !== undefined) {
    const d = splitDistro(stated);
    if (d.distro && d.upstream.toLowerCase() === cpe.version) return stated;
  }
  return cpe.version;
}

/** An installed product from a parsed CPE; undefined when it names no specific vendor and product. */
function fromCpe(c: Cpe, stated: string | undefined): InstalledProduct | undefined {
  if (c.vendor === ANY || c.product === ANY || c.vendor === NA || c.product === NA) return undefined;
  const version = versionFor(c, stated);
  return {
    ...(c.part !== ANY ? { part: c.part } : {}), vendor: c.vendor, product: c.product,
    ...(version !== undefined ? { version } : {}),
    ...(c.update !== ANY ? { update: c.update } : {}),
    ...(c.targetSw !== ANY ? { targetSw: c.targetSw } : {}),
  };
}

/** Collects products once each (by part, names and version), and the names already given. */
function productList() {
  const out: InstalledProduct[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  const add = (p: InstalledProduct | undefined): void => {
    if (!p) return;
    const k = `${p.part ?? ''}:${p.vendor}:${p.product}:${p.version ?? ''}`;
    if (seen.has(k)) return;
    seen.add(k);
    names.add(`${p.vendor}:${p.product}`);
    out.push(p);
  };
  /** Adds the names a product string resolves to, except those a CPE or alias already gave. */
  const addResolved = (text: string, version: string | undefined): void => {
    for (const n of resolveProductString(text)) {
      if (names.has(`${n.vendor}:${n.product}`)) continue;
      add({ ...n, ...(version !== undefined ? { version } : {}), resolvedFrom: text.trim() });
    }
  };
  return { out, add, addResolved };
}

/** Shodan writes short CPE 2.3 names (`cpe:2.3:a:openbsd:openssh:9.6`): the missing attributes are ANY. */
function padCpe23(cpe: string): string {
  if (!cpe.startsWith('cpe:2.3:') || cpe.includes('\\')) return cpe;
  const n = cpe.split(':').length;
  return n < 13 ? cpe + ':*'.repeat(13 - n) : cpe;
}

/** Distributions a scanner names beside a version (nmap's extra info `Ubuntu`, `(Debian)`, `Red Hat`), as versions.ts spells them. */
const DISTRO_INFO: readonly [RegExp, string][] = [
  [/\bubuntu\b/i, 'Ubuntu'], [/\bdebian\b/i, 'Debian'], [/\bred ?hat\b|\brhel\b/i, 'RHEL'], [/\bcentos\b/i, 'CentOS'], [/\bfedora\b/i, 'Fedora'],
];

/**
 * A service's version, with the distribution its extra info names appended when the version
 * itself does not show one (nmap: `Apache httpd` `2.4.41`, extra info `(Ubuntu)` → `2.4.41
 * Ubuntu`): a distro package may carry backported fixes, so its matches stay `uncertain`.
 */
function serviceVersion(version: string | undefined, banner: string | undefined): string | undefined {
  const v = version?.trim();
  if (!v || splitDistro(v).distro) return v || undefined;
  const info = /^extrainfo: (.*)$/m.exec(banner ?? '')?.[1];
  const distro = info ? DISTRO_INFO.find(([re]) => re.test(info))?.[1] : undefined;
  return distro ? `${v} ${distro}` : v;
}

/** The CPEs a scanned service reported, from its banner's `cpe: …` evidence lines. */
export function serviceCpes(banner: string | undefined): string[] {
  if (!banner) return [];
  const out: string[] = [];
  for (const line of banner.split('\n')) {
    const m = /^cpe: (cpe:\S+)$/.exec(line.trim());
    if (m?.[1] && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/**
 * The products a scanned service shows, in NVD CPE names. The scanner's CPEs come first (nmap
 * `<cpe>`, Shodan `cpe`/`cpe23`, kept in the banner as `cpe: …` lines); a version-less CPE takes
 * the service's version when it is the service's only application CPE (a hardware or OS CPE
 * beside it does not get the application's version; a distribution named in the extra info is
 * kept with the version, see serviceVersion). Then the product string (`Apache httpd`)
 * through the product-string table (products.ts) adds the names no CPE gave, marked
 * `resolvedFrom` so their matches are at most `uncertain`.
 */
export function productsOfService(service: Pick<ExposedService, 'product' | 'version' | 'banner'>): InstalledProduct[] {
  const list = productList();
  const version = serviceVersion(service.version, service.banner);
  const cpes = serviceCpes(service.banner).map((c) => tryParseCpe(padCpe23(c))).filter((c): c is Cpe => c !== undefined);
  const apps = cpes.filter((c) => c.part === 'a').length;
  for (const c of cpes) list.add(fromCpe(c, c.version !== ANY || (c.part === 'a' && apps === 1) ? version : undefined));
  if (service.product?.trim()) list.addResolved(service.product, version);
  return list.out;
}

/**
 * The products an asset declares, in NVD CPE names: its CPE (2.3 or 2.2) when valid; its vendor
 * and product through the alias table, else in their CPE form (`Acme Corp`/`Widget Pro` →
 * `acme_corp:widget_pro`) and, when the product-string table (products.ts) knows them, also as
 * that table names them (`Apache` / `httpd` → `apache:http_server`, marked `resolvedFrom`:
 * matches at most `uncertain`). An asset's product without a vendor is never resolved (npm `nx` is not Siemens
 * NX); a scanner's product string is, through {@link productsOfService}: the products of the
 * asset's scanned `services` are added. A malformed CPE is skipped, not fatal.
 */
export function productsOfAsset(
  asset: Pick<Asset, 'vendor' | 'product' | 'version' | 'cpe'>,
  services: readonly Pick<ExposedService, 'product' | 'version' | 'banner'>[] = [],
): InstalledProduct[] {
  const list = productList();
  const c = asset.cpe ? tryParseCpe(asset.cpe) : undefined; // a bad CPE is reported by validation elsewhere
  if (c) list.add(fromCpe(c, asset.version));
  const vendor = asset.vendor?.trim();
  const product = asset.product?.trim();
  for (const n of resolveProduct(vendor, product)) list.add({ ...n, ...(asset.version !== undefined ? { version: asset.version } : {}) });
  if (vendor && product && !hasAlias(vendor, product)) {
    list.addResolved(product.toLowerCase().startsWith(vendor.toLowerCase()) ? product : `${vendor} ${product}`, asset.version);
  }
  for (const s of services) for (const p of productsOfService(s)) list.add(p);
  return list.out;
}
