import type { Location } from '../../core/index.js';
import type { Candidate, CandidateBatch, ImportContext } from '../importer.js';

/** One open port as a scanner saw it, before it becomes an ExposedService. */
export interface ScanPort {
  port: number;
  protocol: 'tcp' | 'udp';
  /** Service name from detection (nmap `-sV` name, masscan banner module, Shodan module). */
  service?: string;
  /** How the service name was obtained: `probed` (detected by talking to it) or `table` (guessed from the port). */
  method?: 'probed' | 'table';
  product?: string;
  version?: string;
  extrainfo?: string;
  /** CPEs reported for this service (2.2 `cpe:/` or 2.3 `cpe:2.3:`). */
  cpes: string[];
  /** Banner text and script output, `key: value` lines. */
  banner: string[];
  observedAt?: string;
  location: Location;
}

/** One host of a scan with its open ports. */
export interface ScanHost {
  address: string;
  hostnames: string[];
  os?: string;
  ports: ScanPort[];
  observedAt?: string;
  location: Location;
}

/** The tenant of hosts no `--customer` was given for; the user attributes them later. */
export const UNASSIGNED = 'unassigned';
export const UNASSIGNED_ORG = { id: UNASSIGNED, name: 'Unassigned (from scans)', kind: 'customer', tags: ['scan-bucket'] } as const;

/** The asset key of a scanned host: stable across scans, so re-imports update it. */
export const scanAssetId = (address: string): string => `scan:${address}`;
/** The service key: `<tenant>:<address>:<proto>/<port>`, stable across scans. */
export const serviceId = (tenant: string, address: string, protocol: string, port: number): string =>
  `${tenant}:${address}:${protocol}/${port}`;

const BANNER_MAX = 4096;

/**
 * Whether an address is private, loopback, link-local, CGNAT or otherwise not
 * reachable from the internet (RFC 1918, 6598, 3927, 4193, 4291). Scans of such
 * addresses describe internal exposure: the services are kept, not flagged as
 * internet-facing.
 */
export function isNonPublicAddress(addr: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
      (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v6 = addr.toLowerCase();
  if (!v6.includes(':')) return false;
  return v6 === '::1' || v6 === '::' || /^f[cd][0-9a-f]{0,2}:/.test(v6) || /^fe[89ab][0-9a-f]?:/.test(v6);
}

/** Normalizes a CPE for the Asset schema (2.3 or 2.2); anything else is dropped. */
const validCpe = (c: string): string | undefined => (/^cpe:(2\.3:|\/)/.test(c) && !/\s/.test(c) ? c : undefined);

/** The CPE that best describes a host: an OS or hardware CPE, else the first application CPE. */
function hostCpe(h: ScanHost): string | undefined {
  const all = h.ports.flatMap((p) => p.cpes).map(validCpe).filter((c): c is string => !!c);
  return all.find((c) => /^cpe:(\/|2\.3:)[oh]:/.test(c)) ?? all[0];
}

function bannerOf(p: ScanPort): string | undefined {
  const lines = [...(p.extrainfo ? [`extrainfo: ${p.extrainfo}`] : []), ...p.banner, ...p.cpes.map((c) => `cpe: ${c}`), ...(p.method ? [`method: ${p.method}`] : [])];
  if (!lines.length) return undefined;
  const s = lines.join('\n');
  return s.length > BANNER_MAX ? s.slice(0, BANNER_MAX) : s;
}

const clean = <T extends Record<string, unknown>>(o: T): T => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/**
 * Turns scanned hosts into candidate records: the `unassigned` organization when
 * no customer was named (insert if missing), one asset per host with open ports
 * (`scan:<address>`; an existing one keeps its tenant and details and gets its
 * last-seen time updated), and one service per open port.
 */
export function scanBatches(hosts: readonly ScanHost[], ctx: Pick<ImportContext, 'customer'>, source: string, file: string): CandidateBatch[] {
  const tenant = ctx.customer?.trim() || UNASSIGNED;
  const withPorts = hosts.filter((h) => h.ports.length > 0);
  const out: CandidateBatch[] = [];
  if (tenant === UNASSIGNED && withPorts.length) {
    out.push({ kind: 'organization', merge: [], items: [{ value: { ...UNASSIGNED_ORG, tags: [...UNASSIGNED_ORG.tags] }, location: { file } }] });
  }
  const assets: Candidate[] = [];
  const assetsNoTime: Candidate[] = [];
  const services: Candidate[] = [];
  const seenAsset = new Set<string>();
  const seenService = new Set<string>();
  for (const h of withPorts) {
    const facing = !isNonPublicAddress(h.address);
    const id = scanAssetId(h.address);
    if (!seenAsset.has(id)) {
      seenAsset.add(id);
      const value = clean({
        id,
        tenant,
        name: h.hostnames[0] ?? h.address,
        kind: 'device',
        cpe: hostCpe(h),
        os: h.os,
        addresses: [h.address],
        hostnames: h.hostnames,
        internetFacing: facing,
        lastSeen: h.observedAt,
        tags: ['scan', source],
      });
      (h.observedAt ? assets : assetsNoTime).push({ value, location: h.location });
    }
    for (const p of h.ports) {
      const sid = serviceId(tenant, h.address, p.protocol, p.port);
      if (seenService.has(sid)) continue;
      seenService.add(sid);
      services.push({
        value: clean({
          id: sid,
          tenant,
          asset: id,
          address: h.address,
          port: p.port,
          protocol: p.protocol,
          service: p.service,
          product: p.product,
          version: p.version,
          banner: bannerOf(p),
          internetFacing: facing,
          observedAt: p.observedAt ?? h.observedAt,
          source,
        }),
        location: p.location,
      });
    }
  }
  if (assets.length) out.push({ kind: 'asset', merge: ['lastSeen'], items: assets });
  if (assetsNoTime.length) out.push({ kind: 'asset', merge: [], items: assetsNoTime });
  if (services.length) out.push({ kind: 'service', items: services });
  return out;
}

/** Unix seconds (number or numeric string) as an ISO time, or undefined. */
export function unixToIso(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
