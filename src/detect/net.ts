/**
 * Source-address helpers for detection: grouping keys and CIDR allow-lists.
 *
 * IPv6 sources are grouped by their /64: one subscriber or one cloud VM is
 * normally handed a whole /64 (RFC 6177, RFC 7934), so an attacker can rotate
 * through 2^64 addresses at no cost. Counting per address would let a single
 * host look like millions of sources; counting per /64 does not.
 */

/** Whether a (normalized) address is IPv6. */
export const isIpv6 = (ip: string): boolean => ip.includes(':');

/** Expands an IPv6 address into its 8 hextets, or undefined when it is not one. */
export function ipv6Hextets(ip: string): number[] | undefined {
  let s = ip;
  const pct = s.indexOf('%'); // zone id (fe80::1%eth0) is not part of the address
  if (pct >= 0) s = s.slice(0, pct);
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // IPv4-embedded form (::ffff:192.0.2.1): rewrite the dotted quad as two hextets.
    const v4 = ipv4ToInt(last);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const parse = (p: string): number[] | undefined => {
    if (p === '' || p === ':') return [];
    const out: number[] = [];
    for (const h of p.split(':')) {
      if (h === '') continue;
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  const head = parse(parts[0] ?? '');
  const rest = parts.length === 2 ? parse(parts[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  if (parts.length === 1 && given !== 8) return undefined;
  if (given > 8) return undefined;
  const zeros = new Array<number>(8 - given).fill(0);
  return [...head, ...zeros, ...rest];
}

/** Parses dotted-quad IPv4 into an unsigned 32-bit integer. */
export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

// A small bounded memo: the same few hundred thousand sources repeat many
// times in a log, and the /64 computation allocates; the cap keeps memory flat.
const v6Memo = new Map<string, string>();
const V6_MEMO_CAP = 16_384;

/**
 * What a source is counted under: an IPv4 address as a 32-bit integer (a
 * small integer is the cheapest map key V8 has, and keeps no string alive),
 * an IPv6 address as its /64 (`2001:db8:1:2::/64`), anything else (a host
 * name) as written.
 */
export type SourceKey = string | number;

/** Dotted-quad IPv4 to a signed 32-bit integer without allocating, or undefined. */
export function ipv4Key(ip: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return (n * 256 + part) | 0;
}

/** The key a source is counted under (see SourceKey). */
export function sourceKey(ip: string): SourceKey {
  if (ip.indexOf(':') < 0) return ipv4Key(ip) ?? ip;
  const hit = v6Memo.get(ip);
  if (hit !== undefined) return hit;
  const h = ipv6Hextets(ip);
  const key = h ? `${h.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64` : ip;
  if (v6Memo.size >= V6_MEMO_CAP) v6Memo.clear();
  v6Memo.set(ip, key);
  return key;
}

/**
 * A coarser network key, for detectors that follow one operator across
 * neighbouring addresses (credential stuffing from a rented range): IPv4 /24,
 * IPv6 /64 (the /64 is already one subscriber).
 */
export function networkKey(ip: string): SourceKey {
  if (ip.indexOf(':') >= 0) return sourceKey(ip);
  const n = ipv4Key(ip);
  return n === undefined ? ip : n & ~0xff;
}

interface V4Range {
  net: number;
  mask: number;
}
interface V6Range {
  hextets: number[];
  bits: number;
}

/** A parsed CIDR list that answers "is this address inside?". */
export class CidrSet {
  private readonly v4: V4Range[] = [];
  private readonly v6: V6Range[] = [];

  /** Builds a set; throws a list of the entries that are not CIDRs or addresses. */
  constructor(cidrs: readonly string[]) {
    const bad: string[] = [];
    for (const c of cidrs) {
      if (!this.add(c)) bad.push(c);
    }
    if (bad.length) throw new Error(`not a CIDR or address: ${bad.join(', ')}`);
  }

  /** Whether the set has no entries (callers then skip matching altogether). */
  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  private add(cidr: string): boolean {
    const [addr = '', bitsText] = cidr.trim().split('/');
    if (addr.includes(':')) {
      const h = ipv6Hextets(addr);
      const bits = bitsText === undefined ? 128 : Number(bitsText);
      if (!h || !Number.isInteger(bits) || bits < 0 || bits > 128) return false;
      this.v6.push({ hextets: h, bits });
      return true;
    }
    const n = ipv4ToInt(addr);
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (n === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    this.v4.push({ net: (n & mask) >>> 0, mask });
    return true;
  }

  /** Whether `ip` falls inside one of the ranges. */
  has(ip: string): boolean {
    if (ip.indexOf(':') >= 0) {
      if (!this.v6.length) return false;
      const h = ipv6Hextets(ip);
      if (!h) return false;
      return this.v6.some((r) => v6Within(h, r));
    }
    if (!this.v4.length) return false;
    const n = ipv4ToInt(ip);
    if (n === undefined) return false;
    return this.v4.some((r) => ((n & r.mask) >>> 0) === r.net);
  }
}

function v6Within(h: number[], r: V6Range): boolean {
  let bits = r.bits;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = take === 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
    if (((h[i] ?? 0) & mask) !== ((r.hextets[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}

/** Whether a string is a valid CIDR or bare address (for config validation). */
export function isCidr(s: string): boolean {
  try {
    new CidrSet([s]);
    return true;
  } catch {
    return false;
  }
}
