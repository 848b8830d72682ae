/**
 * Scanned services (nmap, masscan, Shodan imports) as the vulns engine reads them: which services
 * belong to an asset, and which of them show a product a CVE was matched on, with how the
 * product's name was read (a CPE the scanner reported, or its product string).
 */
import type { Asset, ExposedService } from '../../core/index.js';
import type { InstalledProduct } from '../vulns/cpe.js';
import { productsOfService, serviceCpes } from '../vulns/match.js';

/**
 * A lookup from an asset to its scanned services: the services whose `asset` is the asset's id,
 * and the services of the asset's tenant that name no asset and whose address is one of the
 * asset's addresses. Build it once per run: it indexes the services in two Maps (linear in the
 * services); each lookup reads one entry per address.
 */
export function servicesOfAssets(services: readonly ExposedService[]): (asset: Asset) => ExposedService[] {
  const byAsset = new Map<string, ExposedService[]>();
  const byAddress = new Map<string, ExposedService[]>();
  const push = (m: Map<string, ExposedService[]>, k: string, s: ExposedService): void => {
    const list = m.get(k);
    if (list) list.push(s); else m.set(k, [s]);
  };
  for (const s of services) {
    if (s.asset !== undefined) push(byAsset, s.asset, s); else push(byAddress, `${s.tenant}\u0000${s.address}`, s);
  }
  return (asset) => {
    const own = byAsset.get(asset.id) ?? [];
    if (byAddress.size === 0) return own;
    const loose = [...new Set(asset.addresses)].flatMap((a) => byAddress.get(`${asset.tenant}\u0000${a}`) ?? []);
    return loose.length > 0 ? [...own, ...loose] : own;
  };
}

/** A scanned service that shows the product a CVE was matched on. */
export interface ServiceEvidence {
  /** The service record's id. */
  id: string;
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** The service name the scanner gave (`https`, `ssh`). */
  service: string | null;
  /** The product and version strings as the scanner wrote them. */
  product: string | null;
  version: string | null;
  /** How the matched name was read: from a CPE the scanner reported, or from its product string (products.ts). */
  resolvedBy: 'cpe' | 'product-string';
  /** The CPE or the product string the name was read from. */
  resolvedFrom: string;
  /** What the service was matched as: `vendor:product[:version]`. */
  matchedAs: string;
  /** The scanner (`nmap`, `masscan`, `shodan`) and when it saw the service. */
  source: string | null;
  observedAt: string | null;
}

const productKey = (p: InstalledProduct): string => `${p.part ?? ''}:${p.vendor}:${p.product}:${p.version ?? ''}`;
const nameKey = (p: { vendor: string; product: string }): string => `${p.vendor}:${p.product}`;

/** The CPE of a service that names `vendor:product` (2.2 `cpe:/a:v:p…` or 2.3 `cpe:2.3:a:v:p…`). */
function cpeNaming(cpes: readonly string[], p: InstalledProduct): string | undefined {
  return cpes.find((c) => {
    const f = c.toLowerCase().split(':');
    const [v, pr] = c.startsWith('cpe:/') ? [f[2], f[3]] : [f[3], f[4]];
    return v === p.vendor.toLowerCase() && pr === p.product.toLowerCase();
  });
}

function evidenceOf(s: ExposedService, p: InstalledProduct, cpes: readonly string[]): ServiceEvidence {
  const cpe = p.resolvedFrom === undefined ? cpeNaming(cpes, p) ?? cpes[0] : undefined;
  return {
    id: s.id,
    address: s.address,
    port: s.port,
    protocol: s.protocol,
    service: s.service ?? null,
    product: s.product ?? null,
    version: s.version ?? null,
    resolvedBy: cpe !== undefined ? 'cpe' : 'product-string',
    resolvedFrom: cpe ?? p.resolvedFrom ?? s.product ?? '',
    matchedAs: [p.vendor, p.product, p.version].filter(Boolean).join(':'),
    source: s.source ?? null,
    observedAt: s.observedAt ?? null,
  };
}

/**
 * Which of an asset's scanned services show a product: `seenOn(installed)` for a product a CVE
 * criterion matched (same name and version), `seenOn(undefined, "vendor:product")` for a match on
 * a name only (KEV vendor/product). Empty when only the asset's own record names the product.
 */
export function serviceProvenance(services: readonly ExposedService[]): (installed: InstalledProduct | undefined, name?: string) => ServiceEvidence[] {
  const byProduct = new Map<string, ServiceEvidence[]>();
  const byName = new Map<string, ServiceEvidence[]>();
  const push = (m: Map<string, ServiceEvidence[]>, k: string, e: ServiceEvidence): void => {
    const list = m.get(k);
    if (!list) m.set(k, [e]);
    else if (!list.some((x) => x.id === e.id)) list.push(e);
  };
  for (const s of services) {
    const cpes = serviceCpes(s.banner);
    for (const p of productsOfService(s)) {
      const e = evidenceOf(s, p, cpes);
      push(byProduct, productKey(p), e);
      push(byName, nameKey(p), e);
    }
  }
  return (installed, name) => (installed ? byProduct.get(productKey(installed)) : byName.get(name ?? '')) ?? [];
}
