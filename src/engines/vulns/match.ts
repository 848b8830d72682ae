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
import type { Asset } from '../../core/index.js';
import { compileCriterion, matchCriterion, parseCpe, ANY, type CompiledCriterion, type Confidence, type CpeMatchCriterion, type CriterionMatch, type InstalledProduct } from './cpe.js';
import { resolveProduct } from './aliases.js';

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
      caveats: ['NVD lists no configuration; matched on KEV vendor and product, version not checked'],
    };
  }
  return undefined;
}

/**
 * The products an asset declares, in NVD CPE names: its CPE (2.3 or 2.2) when valid, and its
 * vendor/product resolved through the alias table. A malformed CPE is skipped, not fatal.
 */
export function productsOfAsset(asset: Pick<Asset, 'vendor' | 'product' | 'version' | 'cpe'>): InstalledProduct[] {
  const out: InstalledProduct[] = [];
  const seen = new Set<string>();
  const add = (p: InstalledProduct): void => {
    const k = `${p.part ?? ''}:${p.vendor}:${p.product}:${p.version ?? ''}`;
    if (!seen.has(k)) { seen.add(k); out.push(p); }
  };
  if (asset.cpe) {
    try {
      const c = parseCpe(asset.cpe);
      if (c.vendor !== ANY && c.product !== ANY) {
        const version = c.version !== ANY ? c.version : asset.version;
        add({
          ...(c.part !== ANY ? { part: c.part } : {}), vendor: c.vendor, product: c.product,
          ...(version !== undefined ? { version } : {}),
          ...(c.update !== ANY ? { update: c.update } : {}),
          ...(c.targetSw !== ANY ? { targetSw: c.targetSw } : {}),
        });
      }
    } catch { /* an asset's bad CPE is reported by validation elsewhere; fall back on names */ }
  }
  for (const n of resolveProduct(asset.vendor, asset.product)) {
    add({ ...n, ...(asset.version !== undefined ? { version: asset.version } : {}) });
  }
  return out;
}
