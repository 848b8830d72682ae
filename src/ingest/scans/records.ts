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

/**
 * The evidence lines of a port as one banner: extra info, banner and script lines, CPEs and how
 * the service was found. When they exceed BANNER_MAX, banner and script lines that do not fit are
 * left out rather than the CPEs (the vulnerabilities engine reads them).
 */
function bannerOf(p: ScanPort): string | undefined {
  const head = p.extrainfo ? [`extrainfo: ${p.extrainfo}`] : [];
  const tail = [...p.cpes.map((c) => `cpe: ${c}`), ...(p.method ? [`method: ${p.method}`] : [])];
  let room = BANNER_MAX - [...head, ...tail].reduce((n, l) => n + l.length + 1, 0);
  const body: string[] = [];
  for (const l of p.banner) {
    if (l.length + 1 > room) continue;
    body.push(l);
    room -= l.length + 1;
  }
  const lines = [...head, ...body, ...tail];
  if (!lines.length) return undefined;
  const s = lines.join('\n');
  return s.length > BANNER_MAX ? s.slice(0, BANNER_MAX) : s;
}

const clean = <T extends Record<string, unknown>>(o: T): T => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** Lines of both lists once each, the first list's first. */
const union = (first: readonly string[], second: readonly string[]): string[] => [...new Set([...first, ...second])];

/** True when `b` was observed after `a`, or at the same or an unknown time (then the one read later wins). */
const notBefore = (a: string | undefined, b: string | undefined): boolean => !a || !b || b >= a;

/**
 * Merges two observations of one port, `later` being the later one: its identification (product,
 * version, extra info and CPEs, as one group) wins when it has one, else the earlier one's is kept,
 * so a port scan without service detection does not erase what `-sV` found; a probed service
 * name beats a port-table guess; banner lines of both are kept, the later's first.
 */
function mergePort(earlier: ScanPort, later: ScanPort): ScanPort {
  const id = later.product !== undefined || later.cpes.length > 0 ? later : earlier;
  const name = later.service !== undefined && !(later.method === 'table' && earlier.method === 'probed' && earlier.service !== undefined) ? later : earlier;
  return clean({
    port: later.port,
    protocol: later.protocol,
    service: name.service,
    method: name.method,
    product: id.product,
    version: id.version,
    extrainfo: id.extrainfo,
    cpes: [...id.cpes],
    banner: union(later.banner, earlier.banner),
    observedAt: later.observedAt ?? earlier.observedAt,
    location: later.location,
  });
}

/**
 * Merges repeated observations of the same host and of the same host:port — a host listed twice
 * in one file (masscan writes one `<host>` per finding; two scans concatenated), or a Shodan
 * history — into one host per address and one port per protocol/port. Observations are taken in
 * time order (a port's `observedAt`, else its host's), the later winning (see mergePort); at equal
 * or unknown times the one read later wins. Hosts keep their first-seen order; host names are
 * united, the later OS wins, and the host's time is its latest observation.
 */
export function mergeObservations(hosts: readonly ScanHost[]): ScanHost[] {
  const byAddress = new Map<string, { host: ScanHost; ports: Map<string, ScanPort> }>();
  for (const h of hosts) {
    let entry = byAddress.get(h.address);
    if (!entry) {
      entry = { host: { ...h, hostnames: [...h.hostnames], ports: [] }, ports: new Map() };
      byAddress.set(h.address, entry);
    } else {
      const m = entry.host;
      m.hostnames = union(m.hostnames, h.hostnames);
      const hostLater = notBefore(m.observedAt, h.observedAt);
      if (h.os && (hostLater || !m.os)) m.os = h.os;
      if (h.observedAt && (!m.observedAt || h.observedAt > m.observedAt)) m.observedAt = h.observedAt;
    }
    for (const p of h.ports) {
      const obs: ScanPort = p.observedAt || !h.observedAt ? p : { ...p, observedAt: h.observedAt };
      const k = `${p.protocol}/${p.port}`;
      const prev = entry.ports.get(k);
      entry.ports.set(k, !prev ? obs : notBefore(prev.observedAt, obs.observedAt) ? mergePort(prev, obs) : mergePort(obs, prev));
    }
  }
  return [...byAddress.values()].map(({ host, ports }) => ({ ...host, ports: [...ports.values()] }));
}

/**
 * The service fields a later observation of a port updates. Services are written as merge
 * records, so the same host:port seen by two scans of one import (two files) is not a duplicate
 * key: the one imported later — scans are imported in the order of their scan time, see
 * importers.ts — updates these fields and keeps those it does not report (a later scan that
 * names no version leaves the version found earlier).
 */
export const SERVICE_MERGE_FIELDS: readonly string[] = ['asset', 'address', 'port', 'protocol', 'service', 'product', 'version', 'banner', 'internetFacing', 'observedAt', 'source'];

/**
 * What a bare observation updates: a port found open without identifying anything (no product,
 * CPE, probed service name, extra info or banner — nmap without `-sV`, a masscan status record)
 * refreshes the time, source and exposure, and leaves what an earlier `-sV` scan found.
 */
export const BARE_SERVICE_MERGE_FIELDS: readonly string[] = ['asset', 'address', 'port', 'protocol', 'internetFacing', 'observedAt', 'source'];

const isBare = (p: ScanPort): boolean =>
  p.product === undefined && p.cpes.length === 0 && p.extrainfo === undefined && p.banner.length === 0 && (p.service === undefined || p.method === 'table');

/**
 * Turns scanned hosts into candidate records: the `unassigned` organization when
 * no customer was named (insert if missing), one asset per host with open ports
 * (`scan:<address>`; an existing one keeps its tenant and details and gets its
 * last-seen time updated), and one service per open port (merge records, see
 * SERVICE_MERGE_FIELDS and BARE_SERVICE_MERGE_FIELDS). Repeated observations
 * of a host or port are merged first (see mergeObservations).
 */
export function scanBatches(hosts: readonly ScanHost[], ctx: Pick<ImportContext, 'customer'>, source: string, file: string): CandidateBatch[] {
  const tenant = ctx.customer?.trim() || UNASSIGNED;
  const withPorts = mergeObservations(hosts).filter((h) => h.ports.length > 0);
  const out: CandidateBatch[] = [];
  if (tenant === UNASSIGNED && withPorts.length) {
    out.push({ kind: 'organization', merge: [], items: [{ value: { ...UNASSIGNED_ORG, tags: [...UNASSIGNED_ORG.tags] }, location: { file } }] });
  }
  const assets: Candidate[] = [];
  const assetsNoTime: Candidate[] = [];
  const services: Candidate[] = [];
  const bare: Candidate[] = [];
  for (const h of withPorts) {
    const facing = !isNonPublicAddress(h.address);
    const id = scanAssetId(h.address);
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
    for (const p of h.ports) {
      (isBare(p) ? bare : services).push({
        value: clean({
          id: serviceId(tenant, h.address, p.protocol, p.port),
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
  if (assets.length) out.push({ kind: 'asset', merge: ['lastSeen'], newerBy: 'lastSeen', items: assets });
  if (assetsNoTime.length) out.push({ kind: 'asset', merge: [], items: assetsNoTime });
  if (services.length) out.push({ kind: 'service', merge: [...SERVICE_MERGE_FIELDS], newerBy: 'observedAt', items: services });
  if (bare.length) out.push({ kind: 'service', merge: [...BARE_SERVICE_MERGE_FIELDS], newerBy: 'observedAt', items: bare });
  return out;
}

/** Unix seconds (number or numeric string) as an ISO time, or undefined. */
export function unixToIso(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
