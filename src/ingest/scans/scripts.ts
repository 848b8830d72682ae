/**
 * What Hubguard keeps of nmap script output (`<script id=… output=…>` of a port, and of
 * `<hostscript>`). Scripts that say what a service is, or what is wrong with it, become short
 * evidence lines (`id: …`) in the service's banner, where the exposure engine's patterns and a
 * reader of a finding see them; names and the OS a host states about itself go to the host.
 *
 * - `vulners`: the CVE ids with their CVSS, highest first (hints for a reader: Hubguard's own
 *   matching works from the product, version and CPE, not from this list);
 * - `ssl-cert`: subject CN, alternative DNS names, issuer and expiry (`notAfter`); the names
 *   become host names;
 * - `smb-os-discovery`: the OS, computer and domain name; its FQDN becomes a host name and its OS
 *   the host's;
 * - `smb2-security-mode`, `smb-security-mode`: the signing mode, with `smb-signing: not required`
 *   (or `disabled`) when the host accepts unsigned SMB;
 * - `ssh2-enum-algos`: the weak algorithms offered, if any;
 * - `banner`, `http-title`, `http-server-header`, `rdp-ntlm-info`, `vnc-info`, `ssh-hostkey`,
 *   `http-generator`, `fingerprint-strings`: the output itself, on one line.
 *
 * Every line is cut to SCRIPT_MAX characters; output is scanner data and is read as text only.
 */

/** Script outputs kept verbatim (on one line) as banner evidence. */
const VERBATIM = new Set(['banner', 'http-title', 'http-server-header', 'rdp-ntlm-info', 'vnc-info', 'ssh-hostkey', 'http-generator', 'fingerprint-strings']);

/** Longest evidence line kept per script. */
export const SCRIPT_MAX = 512;
/** CVEs of `vulners` kept per service. */
const MAX_CVES = 20;
/** Host names taken from one script's output. */
const MAX_NAMES = 16;

/** What one script's output tells. */
export interface ScriptFacts {
  /** Evidence lines for the service's banner, `id: …`. */
  lines: string[];
  /** Host names the output gives (certificate names, SMB FQDN), lower-case. */
  hostnames: string[];
  /** The operating system the host states (smb-os-discovery). */
  os?: string;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const line = (id: string, text: string): string => `${id}: ${oneLine(text)}`.slice(0, SCRIPT_MAX);

/** A DNS host name (not a wildcard, not an address), lower-case; undefined otherwise. */
export function hostName(s: string): string | undefined {
  const n = s.trim().replace(/\.$/, '').toLowerCase();
  return n.length <= 253 && /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/.test(n) ? n : undefined;
}

/** `Key: value` of the first line that has the key (nmap script output is indented `Key: value` lines). */
const field = (output: string, key: string): string | undefined => {
  for (const l of output.split('\n')) {
    const t = l.trim();
    if (t.toLowerCase().startsWith(`${key.toLowerCase()}:`)) return t.slice(key.length + 1).trim() || undefined;
  }
  return undefined;
};

function vulners(output: string): ScriptFacts {
  const cves = new Map<string, { cvss: number; exploit: boolean }>();
  for (const l of output.split('\n')) {
    const m = /^\s*(CVE-\d{4}-\d{4,7})\s+(\d{1,2}(?:\.\d+)?)\b(.*)$/.exec(l);
    if (!m?.[1]) continue;
    const prev = cves.get(m[1]);
    const cvss = Number(m[2]);
    const exploit = /\*EXPLOIT\*/.test(m[3] ?? '') || (prev?.exploit ?? false);
    cves.set(m[1], { cvss: Math.max(cvss, prev?.cvss ?? 0), exploit });
  }
  if (cves.size === 0) return { lines: [], hostnames: [] };
  const top = [...cves].sort((a, b) => b[1].cvss - a[1].cvss || a[0].localeCompare(b[0])).slice(0, MAX_CVES);
  const list = top.map(([id, v]) => `${id} ${v.cvss}${v.exploit ? ' exploit' : ''}`).join(', ');
  const more = cves.size > top.length ? ` (+${cves.size - top.length} more)` : '';
  return { lines: [line('vulners', `${list}${more}`)], hostnames: [] };
}

function sslCert(output: string): ScriptFacts {
  const cn = /(?:^|\/)commonName=([^/\n]+)/.exec(field(output, 'Subject') ?? '')?.[1]?.trim();
  const san = (field(output, 'Subject Alternative Name') ?? '').split(',').map((x) => x.trim()).filter((x) => x.startsWith('DNS:')).map((x) => x.slice(4).trim());
  const issuer = /(?:^|\/)commonName=([^/\n]+)/.exec(field(output, 'Issuer') ?? '')?.[1]?.trim();
  const notAfter = field(output, 'Not valid after');
  const parts = [
    ...(cn ? [`CN=${cn}`] : []),
    ...(san.length ? [`SAN=${san.slice(0, MAX_NAMES).join(',')}`] : []),
    ...(issuer ? [`issuer=${issuer}`] : []),
    ...(notAfter ? [`notAfter=${notAfter}`] : []),
  ];
  const names = [...new Set([cn ?? '', ...san].map(hostName).filter((n): n is string => n !== undefined))].slice(0, MAX_NAMES);
  return { lines: parts.length ? [line('ssl-cert', parts.join('; '))] : [line('ssl-cert', output)], hostnames: names };
}

function smbOs(output: string): ScriptFacts {
  const os = field(output, 'OS')?.replace(/\s*\(.*\)\s*$/, '');
  const keys = ['OS', 'Computer name', 'Domain name', 'FQDN'];
  const parts = keys.flatMap((k) => {
    const v = field(output, k);
    return v ? [`${k}: ${v.replace(/\\x00$/, '')}`] : [];
  });
  const fqdn = hostName(field(output, 'FQDN') ?? '');
  return { lines: [line('smb-os-discovery', parts.length ? parts.join('; ') : output)], hostnames: fqdn ? [fqdn] : [], ...(os ? { os } : {}) };
}

function smbSigning(id: string, output: string): ScriptFacts {
  const lines = [line(id, output)];
  if (/signing enabled but not required|message_signing:\s*disabled|signing disabled/i.test(output)) {
    lines.push(`smb-signing: ${/disabled/i.test(output) ? 'disabled' : 'not required'}`);
  }
  return { lines, hostnames: [] };
}

/** Algorithms SSH servers should no longer offer (RFC 9142, RFC 8758, RFC 9208 and NIST SP 800-131A). */
const WEAK_SSH = /^(diffie-hellman-group1-sha1|diffie-hellman-group-exchange-sha1|ssh-dss|arcfour.*|.*-cbc|hmac-md5.*|hmac-sha1-96.*)$/;

function sshAlgos(output: string): ScriptFacts {
  const algos = output.split('\n').map((l) => l.trim()).filter((t) => /^[a-z0-9@._+-]+$/i.test(t));
  const weak = [...new Set(algos.filter((a) => WEAK_SSH.test(a.toLowerCase())))];
  return { lines: [line('ssh2-enum-algos', weak.length ? `weak: ${weak.join(', ')}` : 'no weak algorithms offered')], hostnames: [] };
}

/**
 * What a script's output tells, or undefined for scripts Hubguard does not read. `output` is
 * the `output` attribute as nmap writes it (lines separated by newlines).
 */
export function readScript(id: string, output: string): ScriptFacts | undefined {
  if (!output.trim()) return undefined;
  switch (id) {
    case 'vulners': return vulners(output);
    case 'ssl-cert': return sslCert(output);
    case 'smb-os-discovery': return smbOs(output);
    case 'smb2-security-mode':
    case 'smb-security-mode': return smbSigning(id, output);
    case 'ssh2-enum-algos': return sshAlgos(output);
    default: return VERBATIM.has(id) ? { lines: [line(id, output)], hostnames: [] } : undefined;
  }
}
