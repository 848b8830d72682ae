import { HubguardError, type Location } from '../../core/index.js';
import { jsonErrorOffset } from '../json-locate.js';
import { lineColumnAt } from '../text.js';
import { unixToIso, type ScanHost, type ScanPort } from './records.js';

const BANNER_MAX = 1024;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Collects ports per host, merging the status and banner records scanners write separately. */
class HostSet {
  private readonly hosts = new Map<string, ScanHost>();
  private readonly ports = new Map<string, ScanPort>();

  host(address: string, location: Location): ScanHost {
    let h = this.hosts.get(address);
    if (!h) {
      h = { address, hostnames: [], ports: [], location };
      this.hosts.set(address, h);
    }
    return h;
  }

  port(h: ScanHost, port: number, protocol: 'tcp' | 'udp', location: Location, observedAt?: string): ScanPort {
    const k = `${h.address}\u0000${protocol}\u0000${port}`;
    let p = this.ports.get(k);
    if (!p) {
      p = { port, protocol, cpes: [], banner: [], location };
      this.ports.set(k, p);
      h.ports.push(p);
    }
    if (observedAt && (!p.observedAt || observedAt < p.observedAt)) p.observedAt = observedAt;
    if (observedAt && (!h.observedAt || observedAt < h.observedAt)) h.observedAt = observedAt;
    return p;
  }

  /** Hosts with the ports that were seen open (a banner implies open). */
  result(open: ReadonlySet<ScanPort>): ScanHost[] {
    const out: ScanHost[] = [];
    for (const h of this.hosts.values()) {
      h.ports = h.ports.filter((p) => open.has(p));
      out.push(h);
    }
    return out;
  }
}

function portOf(v: unknown, at: Location): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new HubguardError('HG_ERR_VALIDATION', `"${String(v)}" is not a port number`, { ...at, field: 'port' });
  return n;
}

function protoOf(v: unknown, at: Location): 'tcp' | 'udp' | undefined {
  const p = typeof v === 'string' ? v.toLowerCase() : 'tcp';
  if (p === 'tcp' || p === 'udp') return p;
  if (p === 'sctp' || p === 'icmp') return undefined; // not a TCP/UDP service
  throw new HubguardError('HG_ERR_VALIDATION', `unknown protocol "${String(v)}"`, { ...at, field: 'proto' });
}

/** masscan banner module names that are not service names. */
export const NOT_A_SERVICE: ReadonlySet<string> = new Set(['title', 'html', 'x509', 'x509-cert', 'unknown', 'http.server', 'banner']);

function addMasscanBanner(p: ScanPort, name: string | undefined, banner: string | undefined): void {
  const n = name?.toLowerCase();
  if (n && !NOT_A_SERVICE.has(n) && !p.service) {
    p.service = n;
    p.method = 'probed';
  }
  if (banner) p.banner.push(`${n ?? 'banner'}: ${banner.replace(/\s+/g, ' ').trim().slice(0, BANNER_MAX)}`);
}

/**
 * masscan `-oJ`: a JSON array of one object per finding (an address repeats).
 * Real masscan leaves a comma before the closing `]`, and old versions end
 * with `{finished: 1}`: both are accepted.
 */
export function parseMasscanJson(text: string, file: string): ScanHost[] {
  const fixed = text.replace(/,\s*\{\s*"?finished"?\s*:\s*1\s*\}\s*\]\s*$/, '\n]').replace(/,(\s*)\]\s*$/, '$1]');
  let data: unknown;
  try {
    data = JSON.parse(fixed);
  } catch {
    const off = Math.max(0, jsonErrorOffset(fixed));
    throw new HubguardError('HG_ERR_JSON', 'malformed masscan JSON', { file, ...lineColumnAt(fixed, off) });
  }
  if (!Array.isArray(data)) throw new HubguardError('HG_ERR_JSON', 'masscan -oJ output is a JSON array', { file, line: 1 });
  // Line numbers of the records, for messages: each record starts with `{` at the beginning of a line in masscan's output.
  const starts: number[] = [];
  for (let i = 0, depth = 0, line = 1; i < fixed.length; i++) {
    const c = fixed[i];
    if (c === '\n') line++;
    else if (c === '"') {
      // skip strings
      for (i++; i < fixed.length && fixed[i] !== '"'; i++) if (fixed[i] === '\\') i++;
    } else if (c === '{') {
      if (depth === 0) starts.push(line);
      depth++;
    } else if (c === '}') depth--;
  }
  const set = new HostSet();
  const open = new Set<ScanPort>();
  data.forEach((rec, idx) => {
    const at: Location = { file, line: starts[idx] ?? 1 };
    if (!isObj(rec)) throw new HubguardError('HG_ERR_VALIDATION', 'a masscan record must be an object', at);
    if (rec.finished !== undefined && rec.ip === undefined) return;
    const ip = str(rec.ip);
    if (!ip) throw new HubguardError('HG_ERR_VALIDATION', 'record has no "ip"', { ...at, field: 'ip' });
    const ports = rec.ports;
    if (!Array.isArray(ports)) throw new HubguardError('HG_ERR_VALIDATION', 'record has no "ports" array', { ...at, field: 'ports' });
    const h = set.host(ip, at);
    for (const [pi, pr] of ports.entries()) {
      const pat = { ...at, field: `ports.${pi}` };
      if (!isObj(pr)) throw new HubguardError('HG_ERR_VALIDATION', 'a port entry must be an object', pat);
      const proto = protoOf(pr.proto, pat);
      if (!proto) continue;
      const p = set.port(h, portOf(pr.port, pat), proto, at, unixToIso(rec.timestamp));
      if (pr.status === 'open') open.add(p);
      if (isObj(pr.service)) {
        open.add(p);
        addMasscanBanner(p, str(pr.service.name), str(pr.service.banner));
      }
    }
  });
  return set.result(open);
}

/** Parses JSON lines, calling `each` with each object and its line number; blank lines are skipped. */
function jsonLines(text: string, file: string, each: (o: Obj, at: Location) => void): void {
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const s = raw.trim();
    if (!s) continue;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      const off = Math.max(0, jsonErrorOffset(s));
      throw new HubguardError('HG_ERR_JSON', 'malformed JSON line', { file, line, column: off + 1 + (raw.length - raw.trimStart().length) });
    }
    if (!isObj(v)) throw new HubguardError('HG_ERR_VALIDATION', 'each line must be a JSON object', { file, line });
    each(v, { file, line });
  }
}

/** masscan `-oD`: one JSON object per line, `rec_type` `status` or `banner`. */
export function parseMasscanNdjson(text: string, file: string): ScanHost[] {
  const set = new HostSet();
  const open = new Set<ScanPort>();
  jsonLines(text, file, (rec, at) => {
    const ip = str(rec.ip);
    if (!ip) throw new HubguardError('HG_ERR_VALIDATION', 'record has no "ip"', { ...at, field: 'ip' });
    const proto = protoOf(rec.proto, at);
    if (!proto) return;
    const h = set.host(ip, at);
    const p = set.port(h, portOf(rec.port, at), proto, at, unixToIso(rec.timestamp));
    const data = isObj(rec.data) ? rec.data : {};
    if (rec.rec_type === 'status' && data.status === 'open') open.add(p);
    else if (rec.rec_type === 'banner') {
      open.add(p);
      addMasscanBanner(p, str(data.service_name), str(data.banner));
    }
  });
  return set.result(open);
}

/** Shodan's timestamps have no zone and are UTC. */
function shodanTime(v: unknown): string | undefined {
  const s = str(v);
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(s)) return undefined;
  const d = new Date(`${s.replace(/(\.\d{3})\d+$/, '$1')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : typeof v === 'string' && v.trim() ? [v.trim()] : []);

/**
 * Shodan-style JSON lines (`shodan download` / `shodan parse`, or the banner
 * objects of the REST API): `ip_str`, `port`, `transport`, `product`,
 * `version`, `cpe` / `cpe23`, `hostnames`, `data` (the banner), `timestamp`,
 * `_shodan.module`, `http.title`.
 */
export function parseShodanLines(text: string, file: string): ScanHost[] {
  const set = new HostSet();
  const open = new Set<ScanPort>();
  jsonLines(text, file, (rec, at) => {
    const ip = str(rec.ip_str) ?? (typeof rec.ip === 'string' ? rec.ip : undefined);
    if (!ip) throw new HubguardError('HG_ERR_VALIDATION', 'record has no "ip_str"', { ...at, field: 'ip_str' });
    const proto = protoOf(rec.transport, at);
    if (!proto) return;
    const h = set.host(ip, at);
    for (const hn of strings(rec.hostnames)) if (!h.hostnames.includes(hn.toLowerCase())) h.hostnames.push(hn.toLowerCase());
    if (!h.os && str(rec.os)) h.os = str(rec.os);
    const p = set.port(h, portOf(rec.port, at), proto, at, shodanTime(rec.timestamp));
    open.add(p);
    const module = isObj(rec._shodan) ? str(rec._shodan.module) : undefined;
    if (module && !p.service) {
      p.service = module.toLowerCase().replace(/-simple-new$|-simple$/, '');
      p.method = 'probed';
    }
    if (str(rec.product)) p.product = str(rec.product);
    if (str(rec.version)) p.version = str(rec.version);
    if (str(rec.info)) p.extrainfo = str(rec.info);
    for (const c of [...strings(rec.cpe23), ...strings(rec.cpe)]) if (!p.cpes.includes(c)) p.cpes.push(c);
    const title = isObj(rec.http) ? str(rec.http.title) : undefined;
    if (title) p.banner.push(`http-title: ${title.slice(0, 256)}`);
    const data = str(rec.data);
    if (data) p.banner.push(`banner: ${data.replace(/\s+/g, ' ').slice(0, BANNER_MAX)}`);
  });
  return set.result(open);
}
