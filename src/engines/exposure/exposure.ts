import { assertKnownControls, control } from '../../catalog/catalog.js';
import { riskyServices, type RiskyCatalog, type RiskyService } from '../../catalog/risky-services.js';
import { SEVERITY_ORDER, type Asset, type ExposedService, type Severity } from '../../core/index.js';
import type { Engine, FindingDraft, Model } from '../engine.js';

/** The controls the exposure engine names. */
export const EXPOSURE_CONTROLS = {
  exposedServices: 'hg.ctl.prevent.exposed-services',
  managementInterfaces: 'hg.ctl.prevent.management-interfaces',
} as const;
assertKnownControls(Object.values(EXPOSURE_CONTROLS), 'exposure engine');

/**
 * How a service was recognized, strongest first: the detected product or CPE,
 * a banner or script output, the service name a scanner got by probing, and
 * last the port number alone (or a service name nmap only looked up from its
 * port table), which is marked "unconfirmed: port only".
 */
export type EvidenceKind = 'product' | 'cpe' | 'banner' | 'service-name' | 'port';
const STRENGTH: Readonly<Record<EvidenceKind, number>> = { product: 5, cpe: 4, banner: 3, 'service-name': 2, port: 1 };

/** One match of a service against a catalog entry. */
export interface ExposureMatch {
  entry: RiskyService;
  evidence: EvidenceKind;
  /** The text that matched (product, banner line, service name or `port/proto`). */
  matched: string;
}

const sevIndex = (s: Severity) => SEVERITY_ORDER.indexOf(s);
/** One step more (raise > 0) or less (raise < 0) urgent, within low..critical. */
function step(s: Severity, raise: number): Severity {
  const i = Math.min(SEVERITY_ORDER.indexOf('low'), Math.max(0, sevIndex(s) - raise));
  return SEVERITY_ORDER[i]!;
}

/** Banner lines that are bookkeeping, not evidence. */
const NOT_EVIDENCE = /^(method|tunnel): /;

/** Whether the service name is only nmap's port-table guess (`method: table`), not a probe result. */
const nameFromTable = (s: ExposedService): boolean => /(^|\n)method: table(\n|$)/.test(s.banner ?? '');

/**
 * Matches one service against the catalog. Evidence (product, CPE, banner, a
 * probed service name) wins; the port is consulted only when the service was
 * not identified at all (no product, and no service name or only a port-table
 * one), so a web server on port 3389 is not called RDP.
 */
export function matchService(s: ExposedService, cat: RiskyCatalog = riskyServices()): ExposureMatch | undefined {
  const lines = (s.banner ?? '').split('\n').filter((l) => l && !NOT_EVIDENCE.test(l));
  const cpes = lines.filter((l) => l.startsWith('cpe: ')).map((l) => l.slice(5));
  const banners = lines.filter((l) => !l.startsWith('cpe: '));
  const product = [s.product, s.version].filter(Boolean).join(' ');
  const name = s.service?.toLowerCase().replace(/^ssl\//, '');
  const probedName = name && !nameFromTable(s) ? name : undefined;
  const candidates: ExposureMatch[] = [];
  for (const entry of cat.entries) {
    const hit = (text: string | undefined) => (text ? entry.products.find((re) => re.test(text)) : undefined);
    if (product && hit(product)) candidates.push({ entry, evidence: 'product', matched: product });
    else if (cpes.some((c) => hit(c.replace(/[:_]/g, ' ')))) candidates.push({ entry, evidence: 'cpe', matched: cpes.find((c) => hit(c.replace(/[:_]/g, ' ')))! });
    else if (banners.some((b) => hit(b))) candidates.push({ entry, evidence: 'banner', matched: banners.find((b) => hit(b))!.slice(0, 200) });
    else if (probedName && entry.services.includes(probedName)) candidates.push({ entry, evidence: 'service-name', matched: probedName });
  }
  if (candidates.length === 0 && !product && !probedName) {
    for (const entry of cat.entries) {
      const byPort = entry.ports.some((r) => r.protocol === s.protocol && s.port >= r.from && s.port <= r.to);
      const byTableName = name !== undefined && entry.services.includes(name);
      if (byPort || byTableName) candidates.push({ entry, evidence: 'port', matched: `${s.port}/${s.protocol}${name ? ` (${name}, from the port table)` : ''}` });
    }
  }
  candidates.sort((a, b) => STRENGTH[b.evidence] - STRENGTH[a.evidence] || sevIndex(a.entry.severity) - sevIndex(b.entry.severity));
  return candidates[0];
}

/** Known assets by address and by host name (lower case). */
function assetIndex(assets: readonly Asset[]) {
  const byAddr = new Map<string, Asset[]>();
  const byName = new Map<string, Asset[]>();
  const add = (m: Map<string, Asset[]>, k: string, a: Asset) => m.set(k, [...(m.get(k) ?? []), a]);
  for (const a of assets) {
    for (const ad of a.addresses) add(byAddr, ad.toLowerCase(), a);
    for (const h of a.hostnames) add(byName, h.toLowerCase(), a);
  }
  return { byAddr, byName };
}

/** Known assets a service belongs to: its own asset, and those sharing its address or one of its host names. */
function hostOf(s: ExposedService, assets: ReadonlyMap<string, Asset>, idx: ReturnType<typeof assetIndex>): { own?: Asset; known: Asset[] } {
  // Asset keys are looked up within the service's tenant: `scan:<address>` can exist in two tenants of one database.
  const own = s.asset ? (assets.get(`${s.tenant}\u0000${s.asset}`) ?? assets.get(s.asset)) : undefined;
  const found = new Set<Asset>(idx.byAddr.get(s.address.toLowerCase()) ?? []);
  for (const h of own?.hostnames ?? []) for (const a of idx.byName.get(h.toLowerCase()) ?? []) found.add(a);
  if (own) found.delete(own);
  return { own, known: [...found] };
}

export interface ExposureSettings {
  catalog?: RiskyCatalog;
}

/**
 * The exposure engine (area 1b): every internet-facing service that matches the
 * risky-service catalog becomes a finding of its tenant, naming
 * hg.ctl.prevent.exposed-services (risky services) or
 * hg.ctl.prevent.management-interfaces (management interfaces and MSP tool
 * consoles). Port-only matches are one severity lower and say so. An MSP tool
 * console in the MSP's own tenant (or on an asset recorded as an MSP tool) is
 * raised one step: it opens every customer.
 */
export function createExposureEngine(settings: ExposureSettings = {}): Engine {
  return {
    name: 'exposure',
    controls: Object.values(EXPOSURE_CONTROLS),
    run(model: Model) {
      const cat = settings.catalog ?? riskyServices();
      const orgs = new Map(model.organization.map((o) => [o.id as string, o]));
      const assets = new Map<string, Asset>();
      for (const a of model.asset) {
        assets.set(`${a.tenant}\u0000${a.id}`, a);
        if (!assets.has(a.id)) assets.set(a.id, a);
      }
      const idx = assetIndex(model.asset);
      const customersOf = (msp: string) => model.organization.filter((o) => o.msp === msp).length;
      const out: FindingDraft[] = [];
      for (const s of model.service) {
        if (!s.internetFacing) continue;
        const m = matchService(s, cat);
        if (!m) continue;
        const { own, known: all } = hostOf(s, assets, idx);
        // A known asset of the same tenant names the host; one of another tenant hints who owns an unattributed host.
        const known = all.filter((a) => a.tenant === s.tenant);
        const owners = [...new Set(all.filter((a) => a.tenant !== s.tenant).map((a) => a.tenant as string))].sort();
        const host = known.find((a) => !a.id.startsWith('scan:')) ?? known[0] ?? own;
        const org = orgs.get(s.tenant);
        const confirmed = m.evidence !== 'port';
        let severity: Severity = confirmed ? m.entry.severity : step(m.entry.severity, -1);
        const mspTenant = org?.kind === 'msp';
        const mspToolAsset = [own, ...known].some((a) => a?.kind === 'msp-tool');
        const hub = m.entry.category === 'msp-tool-console' && (mspTenant || mspToolAsset);
        if (hub) severity = step(severity, 1);
        const c = control(m.entry.control);
        const where = `${s.address}:${s.port}/${s.protocol}`;
        const hostName = host?.name && host.name !== s.address ? host.name : undefined;
        const what = [s.product, s.version].filter(Boolean).join(' ') || s.service || 'service';
        out.push({
          tenant: s.tenant,
          control: m.entry.control,
          severity,
          duty: hub ? 'msp' : c.duty,
          title: `${m.entry.name} reachable from the internet on ${hostName ? `${hostName} (${where})` : where}${confirmed ? '' : ' (unconfirmed: port only)'}`,
          detail:
            `${m.entry.reason} Seen: ${what} on ${where}` +
            (s.observedAt ? ` at ${s.observedAt}` : '') +
            (confirmed ? `, recognized by its ${m.evidence}.` : '. Only the port number suggests this service: confirm with a service scan (nmap -sV).') +
            (hub
              ? ` This console belongs to the MSP${mspTenant && org ? ` ${org.name}` : ''}: whoever takes it reaches every customer it manages${mspTenant ? ` (${customersOf(s.tenant)} customer(s))` : ''}, so restrict it to a dedicated access path and patch it before anything else (see hg.ctl.updates.hub-tools-first).`
              : ''),
          subject: { kind: 'service', id: s.id, name: where },
          evidence: {
            address: s.address,
            ...(hostName ? { host: hostName } : {}),
            ...(host ? { asset: host.id } : {}),
            port: s.port,
            protocol: s.protocol,
            ...(s.service ? { service: s.service } : {}),
            ...(s.product ? { product: s.product } : {}),
            ...(s.version ? { version: s.version } : {}),
            entry: m.entry.id,
            category: m.entry.category,
            evidenceKind: m.evidence,
            matched: m.matched,
            confirmed,
            ...(confirmed ? {} : { note: 'unconfirmed: port only' }),
            ...(hub ? { hubPosition: mspTenant ? 'MSP tenant: this console opens every customer' : 'asset recorded as an MSP tool', relatedControl: 'hg.ctl.updates.hub-tools-first' } : {}),
            ...(owners.length ? { possibleOwners: owners } : {}),
            ...(s.observedAt ? { observedAt: s.observedAt } : {}),
            ...(s.source ? { source: s.source } : {}),
            catalogVersion: cat.version,
          },
        });
      }
      out.sort((a, b) => sevIndex(a.severity) - sevIndex(b.severity) || a.tenant.localeCompare(b.tenant) || a.subject.id.localeCompare(b.subject.id));
      return out;
    },
  };
}

/** The exposure engine with the shipped catalog. */
export const exposureEngine: Engine = createExposureEngine();
