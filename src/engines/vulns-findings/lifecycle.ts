/**
 * End of life of an asset: its own `endOfLife` field, else the built-in product lifecycle catalog
 * (src/catalog/lifecycle.yaml). Catalog entries name products the way inventories and NVD do;
 * both the entry's names and the asset's are resolved through the matcher's alias table
 * (`resolveProduct`, `productsOfAsset`), so `Microsoft`/`Windows Server 2016 Standard`, a CPE
 * `microsoft:windows_server_2016` and a `Fortinet` device whose CPE says `fortios:7.0.12` all meet
 * their entry. A product name covers its editions (`windows_server_2016` covers
 * `windows_server_2016_standard`); a version branch covers the versions under it (`6.2` covers
 * `6.2.16`, not `6.20`). The most specific entry wins: longest product name, then longest branch.
 * The products of an asset's scanned services count too (nmap `Fortinet FortiOS` `6.4.15`).
 */
import type { LifecycleCatalog, LifecycleEntry, LifecycleProduct } from '../../catalog/lifecycle.js';
import type { Asset, ExposedService } from '../../core/index.js';
import { resolveProduct } from '../vulns/aliases.js';
import type { InstalledProduct } from '../vulns/cpe.js';
import { productsOfAsset } from '../vulns/match.js';

/** Where an asset's end of life comes from. */
export type EndOfLifeSource = 'asset' | 'lifecycle-catalog';

/** An asset's end of life and where it was found. */
export interface EndOfLife {
  /** ISO timestamp (midnight UTC for a catalog date). */
  date: string;
  source: EndOfLifeSource;
  /** The catalog entry, when the date came from the catalog. */
  entry?: LifecycleEntry;
  /** The asset's product that met the entry, as `vendor:product:version`. */
  matchedAs?: string;
  /** That product (its own, or one a scanned service shows). */
  product?: InstalledProduct;
}

/** An asset's catalog entry, the product that met it as `vendor:product:version`, and that product. */
export interface LifecycleHit {
  entry: LifecycleEntry;
  matchedAs: string;
  product: InstalledProduct;
}

interface Rule {
  vendor: string;
  product: string;
  versions?: readonly string[];
  entry: LifecycleEntry;
  /** Product name length, then version branch length: the most specific rule wins. */
  rank: number;
}

/** Does `version` fall under `branch`: equal, or `branch` followed by a separator (`6.2` → `6.2.16`, not `6.20`)? */
export function inBranch(version: string | undefined, branch: string): boolean {
  if (version === undefined) return false;
  const v = version.trim().toLowerCase();
  const b = branch.trim().toLowerCase();
  return v === b || (v.startsWith(b) && !/[a-z0-9]/.test(v.charAt(b.length)));
}

const productFits = (have: string, want: string): boolean => have === want || have.startsWith(`${want}_`);

function rulesOf(entry: LifecycleEntry, refs: readonly LifecycleProduct[]): Rule[] {
  const out: Rule[] = [];
  for (const vendor of entry.vendors) {
    for (const ref of refs) {
      for (const n of resolveProduct(vendor, ref.product)) {
        const longest = Math.max(0, ...(ref.versions ?? []).map((v) => v.length));
        out.push({ vendor: n.vendor.toLowerCase(), product: n.product.toLowerCase(), ...(ref.versions ? { versions: ref.versions } : {}), entry, rank: n.product.length * 100 + longest });
      }
    }
  }
  return out;
}

const fits = (r: Rule, p: InstalledProduct): boolean =>
  p.vendor.toLowerCase() === r.vendor &&
  productFits(p.product.toLowerCase(), r.product) &&
  (r.versions === undefined || r.versions.some((b) => inBranch(p.version, b)));

/**
 * A lookup from an asset (and its scanned services, see services.ts) to its catalog entry
 * (undefined when the catalog knows none of its products). Build it once per run: the catalog's
 * names are resolved here.
 */
export function lifecycleMatcher(catalog: LifecycleCatalog): (asset: Asset, services?: readonly ExposedService[]) => LifecycleHit | undefined {
  const byVendor = new Map<string, Rule[]>();
  const excluded = new Map<LifecycleEntry, Rule[]>();
  for (const e of catalog.entries) {
    for (const r of rulesOf(e, e.match)) {
      const list = byVendor.get(r.vendor);
      if (list) list.push(r); else byVendor.set(r.vendor, [r]);
    }
    if (e.except.length > 0) excluded.set(e, rulesOf(e, e.except));
  }
  return (asset, services = []) => {
    let best: { rule: Rule; product: InstalledProduct } | undefined;
    for (const p of productsOfAsset(asset, services)) {
      for (const r of byVendor.get(p.vendor.toLowerCase()) ?? []) {
        if (!fits(r, p) || (excluded.get(r.entry) ?? []).some((x) => fits(x, p))) continue;
        if (!best || r.rank > best.rule.rank) best = { rule: r, product: p };
      }
    }
    if (!best) return undefined;
    const { vendor, product, version } = best.product;
    return { entry: best.rule.entry, matchedAs: [vendor, product, version].filter(Boolean).join(':'), product: best.product };
  };
}

/** The asset's end of life: its own field first, else the catalog's date for its product (or its scanned services'). */
export function endOfLifeOf(asset: Asset, lookup: ReturnType<typeof lifecycleMatcher>, services: readonly ExposedService[] = []): EndOfLife | undefined {
  if (asset.endOfLife) return { date: asset.endOfLife, source: 'asset' };
  const hit = lookup(asset, services);
  return hit ? { date: `${hit.entry.endOfLife}T00:00:00.000Z`, source: 'lifecycle-catalog', entry: hit.entry, matchedAs: hit.matchedAs, product: hit.product } : undefined;
}
