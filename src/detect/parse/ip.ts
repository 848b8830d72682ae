/**
 * Address normalization shared by every parser, so that detectors compare one
 * spelling per address: IPv4 dotted quad as is, IPv6 in the RFC 5952 form
 * (lower case, leading zeros dropped, longest zero run as `::`), IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) unwrapped to IPv4.
 * Hand-written without regular expressions: it runs on every event.
 */

/** True when `s[from, to)` is a dotted-quad IPv4 address without leading zeros. */
function isIpv4(s: string, from: number, to: number): boolean {
  let parts = 0;
  let i = from;
  while (i < to) {
    let n = 0;
    let digits = 0;
    const start = i;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      digits++;
      i++;
    }
    // Leading zeros ("192.030.0.6") are ambiguous (octal to inet_aton, RFC 6943 §3.1.1): not an address.
    if (digits === 0 || digits > 3 || n > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === to) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
    if (i === to) return false;
  }
  return parts === 4;
}

/** Parses an IPv4 quad inside `s` into a 32-bit number (caller has validated it). */
function v4Value(s: string, from: number, to: number): number {
  let n = 0;
  let part = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  return (n * 256 + part) >>> 0;
}

const hextets = new Array<number>(8);

/** Parses IPv6 text into `hextets`; false when it is not an address. */
function parseV6(s: string): boolean {
  const len = s.length;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (len < 2) return false;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === len) {
      hextets.fill(0);
      return true;
    }
  }
  while (i < len) {
    // An embedded dotted quad may end the address (RFC 4291 §2.2 form 3).
    const nextColon = s.indexOf(':', i);
    const end = nextColon < 0 ? len : nextColon;
    if (nextColon < 0 && s.indexOf('.', i) >= 0) {
      if (n > 6 || !isIpv4(s, i, len)) return false;
      const v = v4Value(s, i, len);
      hextets[n++] = v >>> 16;
      hextets[n++] = v & 0xffff;
      i = len;
      break;
    }
    const digits = end - i;
    if (digits < 1 || digits > 4 || n === 8) return false;
    let h = 0;
    for (let k = i; k < end; k++) {
      const c = s.charCodeAt(k) | 0x20;
      if (c >= 48 && c <= 57) h = h * 16 + (c - 48);
      else if (c >= 97 && c <= 102) h = h * 16 + (c - 87);
      else return false;
    }
    hextets[n++] = h;
    if (end === len) {
      i = len;
      break;
    }
    i = end + 1;
    if (i < len && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === len) return false; // trailing single colon
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false;
  const tail = n - gap;
  for (let k = 0; k < tail; k++) hextets[7 - k] = hextets[n - 1 - k] as number;
  for (let k = gap; k < 8 - tail; k++) hextets[k] = 0;
  return true;
}

/** Formats `hextets` per RFC 5952 §4. */
function formatV6(): string {
  let bestStart = -1;
  let bestLen = 1; // a single zero hextet is not shortened (RFC 5952 §4.2.2)
  for (let k = 0; k < 8; ) {
    if (hextets[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && hextets[e] === 0) e++;
    if (e - k > bestLen) {
      bestStart = k;
      bestLen = e - k;
    }
    k = e;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      out += k === 0 ? '::' : ':';
      k += bestLen - 1;
      continue;
    }
    out += (hextets[k] as number).toString(16);
    if (k < 7) out += ':';
  }
  return out;
}

/**
 * Normalizes an address, or returns undefined when the text is not one (a
 * host name, `-`, garbage). Accepts `[v6]` brackets and drops an IPv6 zone id.
 */
export function normalizeIp(text: string): string | undefined {
  let s = text;
  const len = s.length;
  if (len === 0 || len > 64) return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && s.indexOf(':') < 0) return isIpv4(s, 0, len) ? s : undefined;
  if (c0 === 91) {
    if (s.charCodeAt(len - 1) !== 93) return undefined;
    s = s.slice(1, -1);
  }
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.indexOf(':') < 0 || !parseV6(s)) return undefined;
  if (hextets[0] === 0 && hextets[1] === 0 && hextets[2] === 0 && hextets[3] === 0 && hextets[4] === 0 && hextets[5] === 0xffff) {
    const a = hextets[6] as number;
    const b = hextets[7] as number;
    return `${a >>> 8}.${a & 255}.${b >>> 8}.${b & 255}`;
  }
  return formatV6();
}

/** Sets `srcIp`, or `srcHost` when the text is a name rather than an address. */
export function setSource(ev: { srcIp?: string; srcHost?: string }, text: string | undefined): void {
  if (!text || text === '-' || text === 'N/A' || text === 'unknown' || text === 'UNKNOWN') return;
  const ip = normalizeIp(text);
  if (ip !== undefined) ev.srcIp = ip;
  else if (text.length <= 255) ev.srcHost = text.toLowerCase();
}
