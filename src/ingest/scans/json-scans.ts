import { HubguardError, type Location } from '../../core/index.js';
import { jsonErrorOffset, jsonRecordOffsets } from '../json-locate.js';
import { lineColumnAt } from '../text.js';
import { mergeObservations, unixToIso, type ScanHost, type ScanPort } from './records.js';
import { hostName, SCRIPT_MAX } from './scripts.js';

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

function portOf(v: unknown, at: Location, field = 'port'): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new HubguardError('HG_ERR_VALIDATION', `"${String(v)}" is not a port number`, { ...at, field });
  return n;
}

function protoOf(v: unknown, at: Location): 'tcp' | 'udp' | undefined {
  const p = typeof v === 'string' ? v.toLowerCase() : v === undefined || v === null ? 'tcp' : String(v);
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

/** Entries read from one list of a banner (host names, CPEs, CVEs); a longer list is refused. */
export const MAX_LIST = 1000;
/** Banners in one Shodan API response; the API pages by 100, a host's history holds hundreds. */
export const MAX_BANNERS = 100_000;
/** CVE ids of a banner's `vulns` kept as evidence, highest CVSS first. */
const MAX_VULNS = 20;

/** How a JSON value's type is named in messages. */
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** A list of strings (or one string): other entries are skipped; a list longer than MAX_LIST, or a value of another type, is refused. */
function stringList(v: unknown, at: Location): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  if (!Array.isArray(v)) throw new HubguardError('HG_ERR_VALIDATION', `must be a list of strings, not ${typeName(v)}`, at);
  if (v.length > MAX_LIST) throw new HubguardError('HG_ERR_VALIDATION', `list of ${v.length} entries, limit ${MAX_LIST}`, at);
  return v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

/**
 * A banner's `vulns` as one evidence line, `vulns: CVE-… 9.8 verified, …`: Shodan writes an
 * object keyed by CVE id (`{"cvss": 9.8, "verified": false, …}`) in banners and a list of ids
 * in host responses. Hints for a reader: they are not matched (Hubguard matches the product).
 */
function vulnsLine(v: unknown, at: Location): string | undefined {
  let entries: [string, number | undefined, boolean][];
  if (Array.isArray(v)) entries = stringList(v, at).map((id) => [id, undefined, false]);
  else if (isObj(v)) {
    const keys = Object.keys(v);
    if (keys.length > MAX_LIST) throw new HubguardError('HG_ERR_VALIDATION', `${keys.length} entries, limit ${MAX_LIST}`, at);
    entries = keys.map((id) => {
      const e = v[id];
      const cvss = isObj(e) && typeof e.cvss === 'number' && Number.isFinite(e.cvss) ? e.cvss : isObj(e) && typeof e.cvss === 'string' && /^\d{1,2}(\.\d+)?$/.test(e.cvss) ? Number(e.cvss) : undefined;
      return [id, cvss, isObj(e) && e.verified === true];
    });
  } else if (v === undefined || v === null) return undefined;
  else throw new HubguardError('HG_ERR_VALIDATION', `must be an object keyed by CVE id, not ${typeName(v)}`, at);
  const ids = entries.filter(([id]) => /^CVE-\d{4}-\d{4,7}$/i.test(id)).sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1) || a[0].localeCompare(b[0]));
  if (!ids.length) return undefined;
  const shown = ids.slice(0, MAX_VULNS).map(([id, cvss, verified]) => `${id.toUpperCase()}${cvss !== undefined ? ` ${cvss}` : ''}${verified ? ' verified' : ''}`);
  return `vulns: ${shown.join(', ')}${ids.length > MAX_VULNS ? ` (+${ids.length - MAX_VULNS} more)` : ''}`;
}

/** A banner's `ssl.cert` as one evidence line, and its subject CN as a host name. */
function sslFacts(ssl: unknown): { line?: string; names: string[] } {
  const cert = isObj(ssl) && isObj(ssl.cert) ? ssl.cert : undefined;
  if (!cert) return { names: [] };
  const cn = isObj(cert.subject) ? str(cert.subject.CN) : undefined;
  const issuer = isObj(cert.issuer) ? str(cert.issuer.CN) : undefined;
  // `expires` is ASN.1 GeneralizedTime: 20261231235959Z.
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(str(cert.expires) ?? '');
  const notAfter = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : undefined;
  const parts = [...(cn ? [`CN=${cn}`] : []), ...(issuer ? [`issuer=${issuer}`] : []), ...(notAfter ? [`notAfter=${notAfter}`] : []), ...(cert.expired === true ? ['expired'] : [])];
  const name = cn ? hostName(cn) : undefined;
  return { ...(parts.length ? { line: `ssl-cert: ${parts.join('; ')}`.slice(0, SCRIPT_MAX) } : {}), names: name ? [name] : [] };
}

/**
 * One Shodan banner as a host with its one open port (undefined for SCTP/ICMP banners). `path`
 * prefixes field names in messages (`matches.3`); `host` holds a host response's own fields
 * (`ip_str`, `hostnames`, `os`), used where the banner lacks them.
 */
function shodanBanner(rec: Obj, at: Location, path = '', host: Obj = {}): ScanHost | undefined {
  const f = (name: string): Location => ({ ...at, field: path ? `${path}.${name}` : name });
  const ipField = rec.ip_str ?? host.ip_str;
  if (ipField !== undefined && ipField !== null && typeof ipField !== 'string') {
    throw new HubguardError('HG_ERR_VALIDATION', `"ip_str" must be a string, not ${typeName(ipField)}`, f('ip_str'));
  }
  const ip = str(ipField) ?? (typeof rec.ip === 'string' ? rec.ip : undefined);
  if (!ip) throw new HubguardError('HG_ERR_VALIDATION', 'record has no "ip_str"', f('ip_str'));
  if (rec.transport !== undefined && typeof rec.transport !== 'string') {
    throw new HubguardError('HG_ERR_VALIDATION', `"transport" must be tcp or udp, not ${typeName(rec.transport)}`, f('transport'));
  }
  const proto = protoOf(rec.transport, f('transport'));
  if (!proto) return undefined;
  const ssl = sslFacts(rec.ssl);
  const hostnames = [...stringList(rec.hostnames ?? host.hostnames, f('hostnames')).map((n) => n.toLowerCase()), ...ssl.names];
  const p: ScanPort = { port: portOf(rec.port, at, f('port').field), protocol: proto, cpes: [], banner: [], location: at };
  const observedAt = shodanTime(rec.timestamp);
  if (observedAt) p.observedAt = observedAt;
  const module = isObj(rec._shodan) ? str(rec._shodan.module) : undefined;
  if (module) {
    p.service = module.toLowerCase().replace(/-simple-new$|-simple$/, '');
    p.method = 'probed';
  }
  if (str(rec.product)) p.product = str(rec.product);
  if (str(rec.version)) p.version = str(rec.version);
  if (str(rec.info)) p.extrainfo = str(rec.info);
  for (const c of [...stringList(rec.cpe23, f('cpe23')), ...stringList(rec.cpe, f('cpe'))]) if (!p.cpes.includes(c)) p.cpes.push(c);
  const http = isObj(rec.http) ? rec.http : {};
  const title = str(http.title);
  const server = str(http.server);
  if (title) p.banner.push(`http-title: ${title.slice(0, 256)}`);
  if (server) p.banner.push(`http-server-header: ${server.slice(0, 256)}`);
  if (ssl.line) p.banner.push(ssl.line);
  const vulns = vulnsLine(rec.vulns, f('vulns'));
  if (vulns) p.banner.push(vulns);
  const data = str(rec.data);
  if (data) p.banner.push(`banner: ${data.replace(/\s+/g, ' ').slice(0, BANNER_MAX)}`);
  const os = str(rec.os) ?? str(host.os);
  return { address: ip, hostnames: [...new Set(hostnames)], ...(os ? { os } : {}), ports: [p], ...(observedAt ? { observedAt } : {}), location: at };
}

/**
 * Shodan-style JSON lines (`shodan download` / `shodan parse`, or the banner
 * objects of the REST API): `ip_str`, `port`, `transport`, `product`,
 * `version`, `info`, `cpe` / `cpe23`, `hostnames`, `os`, `data` (the banner),
 * `timestamp`, `_shodan.module`, `http.title` / `http.server`, `ssl.cert`,
 * `vulns`. A port seen in several banners keeps its latest observation
 * (see mergeObservations).
 */
export function parseShodanLines(text: string, file: string): ScanHost[] {
  const hosts: ScanHost[] = [];
  jsonLines(text, file, (rec, at) => {
    const h = shodanBanner(rec, at);
    if (h) hosts.push(h);
  });
  return mergeObservations(hosts);
}

/** Line and column of each (ascending) offset, in one pass. */
function positions(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  let line = 1;
  let lineStart = 0;
  for (const off of offsets) {
    for (let k = text.indexOf('\n', lineStart); k !== -1 && k < off; k = text.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    out.push({ line, column: off - lineStart + 1 });
  }
  return out;
}

/**
 * A response of Shodan's REST API saved as a file: a search (`/shodan/host/search`:
 * `{"matches": [banner…], "total": N, "facets": {…}}`) or a host
 * (`/shodan/host/{ip}`: the host's `ip_str`, `hostnames`, `os`, `vulns`, … and
 * its banners in `data`). Each banner is read as a line of the JSON-lines export
 * is; a host response's `ip_str`, `hostnames` and `os` fill in what a banner
 * lacks. Located errors: a syntax error (a truncated download) at its line and
 * column, a wrong type at the banner and field (`matches.3.port`), more than
 * MAX_BANNERS banners at the list.
 */
export function parseShodanRest(text: string, file: string): ScanHost[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const off = jsonErrorOffset(text);
    const near = off >= 0 && off < text.length ? `unexpected ${JSON.stringify(text.slice(off, off + 12))}` : 'unexpected end of input (truncated?)';
    throw new HubguardError('HG_ERR_JSON', `malformed Shodan API response: ${near}`, { file, ...lineColumnAt(text, off < 0 ? text.length : off) });
  }
  if (!isObj(doc)) throw new HubguardError('HG_ERR_VALIDATION', `a Shodan API response is a JSON object, not ${typeName(doc)}`, { file, line: 1, column: 1 });
  const key = doc.matches !== undefined ? 'matches' : 'data';
  const list = doc[key];
  const keyAt = (): Location => {
    const off = text.search(new RegExp(`"${key}"\\s*:`));
    return { file, ...lineColumnAt(text, Math.max(0, off)), field: key };
  };
  if (!Array.isArray(list)) {
    throw new HubguardError('HG_ERR_VALIDATION', list === undefined ? 'neither "matches" (a search) nor "data" (a host) is present' : `"${key}" must be a list of banners, not ${typeName(list)}`, keyAt());
  }
  if (list.length > MAX_BANNERS) throw new HubguardError('HG_ERR_VALIDATION', `${list.length} banners, limit ${MAX_BANNERS}`, keyAt());
  const where = positions(text, jsonRecordOffsets(text).get(key) ?? []);
  const host = key === 'data' ? doc : {};
  const hosts: ScanHost[] = [];
  list.forEach((rec, i) => {
    const at: Location = { file, ...(where[i] ?? { line: 1 }) };
    if (!isObj(rec)) throw new HubguardError('HG_ERR_VALIDATION', `a banner must be an object, not ${typeName(rec)}`, { ...at, field: `${key}.${i}` });
    const h = shodanBanner(rec, at, `${key}.${i}`, host);
    if (h) hosts.push(h);
  });
  return mergeObservations(hosts);
}
