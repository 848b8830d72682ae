/**
 * Version parsing and ordering per vendor scheme, with a generic fallback.
 *
 * Why not semver: appliance vendors publish versions that semver misorders or rejects
 * (FortiOS `v7.4.2,build2571`, IOS XE `17.9.4a`, classic IOS `15.2(4)M11`, PAN-OS `10.2.9-h1`,
 * NetScaler `13.1-49.15`, SonicOS `7.0.1-5035`, Ivanti `22.4R2.1`, ntp `4.2.8p14`, OpenSSL
 * `1.0.2k`). Each scheme turns a version into a key of numbers and letter runs; keys compare
 * element by element. NVD range bounds (versionStart/End*) are written in the vendor's own
 * scheme, so both sides of a comparison go through the same parser.
 *
 * Distro packages (`8.9p1 Ubuntu 3ubuntu0.6`, `9.2p1-2+deb12u1`, `1.1.1k-7.el8_6`) carry
 * backported fixes that the upstream number does not show: the upstream part is compared and
 * the result is marked `uncertain`.
 */

/** The version schemes Hubguard knows. */
export type VersionScheme =
  | 'fortios' | 'ios-xe' | 'ios' | 'pan-os' | 'netscaler' | 'sonicos' | 'ivanti'
  | 'ntp' | 'openssl' | 'dotted' | 'generic';

/** One element of a version key: a number (kept as digits, compared by value) or a letter run. */
type Seg = { n: string } | { s: string };

/** A parsed version: its comparison key, the upstream text and whether a distro suffix was cut. */
export interface ParsedVersion {
  scheme: VersionScheme;
  key: Seg[];
  /** The upstream part that was compared (distro suffix removed). */
  upstream: string;
  /** True when the text carried a distro package suffix (backports possible). */
  distro: boolean;
  /** Classic IOS train (`M`, `T`, `SE`…): versions of different trains are incomparable. */
  train?: string;
}

/** A comparison outcome with its caveat. */
export interface VersionComparison {
  order: -1 | 0 | 1;
  scheme: VersionScheme;
  /** Either side was a distro-patched version: the upstream order may not reflect backports. */
  uncertain: boolean;
}

/** Longer inputs are hostile or garbage; nothing real is this long. */
const MAX_VERSION_LENGTH = 128;

const num = (d: string): Seg => ({ n: d.replace(/^0+(?=\d)/, '') });
const str = (s: string): Seg => ({ s: s.toLowerCase() });

// Markers of distribution packaging (Debian/Ubuntu revisions, RHEL/Fedora/Amazon dist tags).
const DISTRO = /(\s(ubuntu|debian|deb\d*|el\d|rhel|centos|fedora|amzn)\b)|ubuntu\d|[+~]deb\d|\+dfsg|[.\-_](el|fc|amzn)\d|[-.]debian\b/i;

/**
 * Cuts a distro packaging suffix: epoch (`1:`), Debian revision (`-2+deb12u1`), RPM release
 * (`-7.el8_6`), or an OpenSSH-style banner tail (` Ubuntu 3ubuntu0.6`).
 */
export function splitDistro(version: string): { upstream: string; distro: boolean } {
  const v = version.trim();
  if (!DISTRO.test(v)) return { upstream: v, distro: false };
  const noEpoch = v.replace(/^\d+:/, '');
  const cut = noEpoch.search(/[\s\-+~]/);
  let upstream = cut > 0 ? noEpoch.slice(0, cut) : noEpoch;
  // `1.1.1k.el8_6`-like tails without a separator before the dist tag.
  upstream = upstream.replace(/[._](el|fc|amzn)\d.*$/i, '');
  return { upstream, distro: true };
}

/** Splits text into runs of digits and runs of letters, dropping separators. */
function runs(text: string): Seg[] {
  const out: Seg[] = [];
  for (const m of text.matchAll(/(\d+)|([a-z]+)/gi)) out.push(m[1] !== undefined ? num(m[1]) : str(m[2] ?? ''));
  return out;
}

/** `a.b.c` with an optional letter suffix on the last part, padded to `width` numeric parts. */
function dottedWithLetter(text: string, width: number): Seg[] | undefined {
  const m = /^(\d+(?:\.\d+)*)([a-z]*)$/i.exec(text);
  if (!m?.[1]) return undefined;
  const parts = m[1].split('.');
  if (parts.length > width) return undefined;
  while (parts.length < width) parts.push('0');
  return [...parts.map(num), str(m[2] ?? '')];
}

type Parser = (text: string) => { key: Seg[]; train?: string } | undefined;

const PARSERS: Record<VersionScheme, Parser> = {
  // FortiOS: `7.4.2`, `v7.4.2,build2571`, `v7.4.2 build2571 (GA)`. The build number is implied by
  // the version (one build per release), so only major.minor.patch is compared.
  fortios: (t) => {
    const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\s*,?\s*build\s*\d+)?(?:\s*\(.*\))?$/i.exec(t);
    return m ? { key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0')] } : undefined;
  },
  // IOS XE: `17.9.4a`, `16.12.10a`, `17.12.02`; a rebuild letter sorts after the bare number.
  'ios-xe': (t) => { const key = dottedWithLetter(t, 3); return key ? { key } : undefined; },
  // Classic IOS: `15.2(4)M11` = major.minor(release[rebuild])train[throttle]. Different trains
  // (M, T, SE, SY…) are separate lines, so versions across trains are incomparable.
  ios: (t) => {
    const m = /^(\d+)\.(\d+)\((\d+)([a-z]?)\)([a-z]*)(\d*)([a-z]?)$/i.exec(t);
    if (!m) return undefined;
    return {
      key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0'), str(m[4] ?? ''), num(m[6] || '0'), str(m[7] ?? '')],
      train: (m[5] ?? '').toLowerCase(),
    };
  },
  // PAN-OS: `10.2.9-h1`; hotfix h<N> sorts after the base release, no hotfix = h0.
  'pan-os': (t) => {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:-h(\d+))?$/i.exec(t);
    return m ? { key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0'), num(m[4] ?? '0')] } : undefined;
  },
  // NetScaler: `13.1-49.15` = release 13.1, build 49.15; a bare release (`13.1`) precedes its builds.
  netscaler: (t) => {
    const m = /^(\d+)\.(\d+)(?:-(\d+)(?:\.(\d+))?)?$/.exec(t);
    return m ? { key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0'), num(m[4] ?? '0')] } : undefined;
  },
  // SonicOS: `7.0.1-5035` (Gen7: version-build) and `6.5.4.15-116n` / `5.9.2.14-13o` (Gen5/6:
  // trailing letter). `-` and `.` both separate numeric parts; the key is padded to 5 numbers.
  sonicos: (t) => {
    const m = /^(\d+(?:[.-]\d+){0,4})([a-z]*)$/i.exec(t);
    if (!m?.[1]) return undefined;
    const parts = m[1].split(/[.-]/);
    while (parts.length < 5) parts.push('0');
    return { key: [...parts.map(num), str(m[2] ?? '')] };
  },
  // Ivanti Connect/Policy Secure: `22.4R2.1`, `9.1R18`, `22.7R2.3 (build 1234)`; `22.4` < `22.4R1`.
  ivanti: (t) => {
    const m = /^(\d+)\.(\d+)(?:\s*r(\d+)(?:\.(\d+))?)?(?:\s*\(?build\s*\d+\)?)?$/i.exec(t);
    return m ? { key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0'), num(m[4] ?? '0')] } : undefined;
  },
  // ntp: `4.2.8p14`; patch level p<N> sorts after the bare release (`4.2.8` = p0).
  ntp: (t) => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:p(\d+))?$/i.exec(t);
    return m ? { key: [num(m[1] ?? '0'), num(m[2] ?? '0'), num(m[3] ?? '0'), num(m[4] ?? '0')] } : undefined;
  },
  // OpenSSL: `1.0.2k`, `1.1.1zb`, `3.0.13`; letters sort by length then alphabet (z < za).
  openssl: (t) => {
    const key = dottedWithLetter(t.replace(/-fips$/i, ''), 3);
    return key ? { key } : undefined;
  },
  // Plain dotted numbers of any length: ScreenConnect `23.9.7.8804`, Exchange builds `15.2.1118.40`.
  dotted: (t) => (/^\d+(?:\.\d+){0,7}$/.test(t) ? { key: t.split('.').map(num) } : undefined),
  // Fallback: digit and letter runs in order (`8.9p1`, `2.4.52`, `1.0rc1`).
  generic: (t) => (/\d/.test(t) ? { key: runs(t) } : undefined),
};

/** Words that mark a pre-release when they follow a release number (`1.0rc1` < `1.0`). */
const PRE_RELEASE = new Set(['alpha', 'beta', 'rc', 'pre', 'dev', 'preview']);

/**
 * Parses a version under a scheme. Returns undefined for text the scheme cannot read (empty,
 * over 128 characters, or not in the scheme's shape) — callers treat that as "incomparable".
 */
export function parseVersion(text: string, scheme: VersionScheme = 'generic'): ParsedVersion | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_VERSION_LENGTH) return undefined;
  const { upstream, distro } = splitDistro(text);
  if (!upstream || upstream === '*' || upstream === '-') return undefined;
  const own = PARSERS[scheme](upstream);
  // A version outside its vendor's shape is read generically and labelled so: it only compares
  // with other generically read versions, never with keys of a different layout.
  const parsed = own ?? (scheme === 'generic' ? undefined : PARSERS.generic(upstream));
  if (!parsed) return undefined;
  return { scheme: own ? scheme : 'generic', key: parsed.key, upstream, distro, ...(parsed.train !== undefined ? { train: parsed.train } : {}) };
}

function cmpSeg(a: Seg, b: Seg): -1 | 0 | 1 | undefined {
  if ('n' in a && 'n' in b) {
    if (a.n.length !== b.n.length) return a.n.length < b.n.length ? -1 : 1;
    return a.n === b.n ? 0 : a.n < b.n ? -1 : 1;
  }
  if ('s' in a && 's' in b) {
    if (a.s.length !== b.s.length) return a.s.length < b.s.length ? -1 : 1;
    return a.s === b.s ? 0 : a.s < b.s ? -1 : 1;
  }
  // A number where the other side has letters: rpmvercmp's rule, the numeric part is newer.
  return 'n' in a ? 1 : -1;
}

/** The value a missing element stands for when the other side has `other`. */
function missing(other: Seg): -1 | 1 {
  // `1.0` vs `1.0rc1`: the shorter is newer; `8.9` vs `8.9p1`: the longer is newer;
  // `17.3` vs `17.3.1`: the longer is newer.
  if ('s' in other && PRE_RELEASE.has(other.s)) return 1;
  return -1;
}

/** Orders two parsed versions; undefined when the schemes or classic IOS trains differ. */
export function compareParsed(a: ParsedVersion, b: ParsedVersion): -1 | 0 | 1 | undefined {
  if (a.scheme !== b.scheme) return undefined;
  if (a.train !== undefined && b.train !== undefined && a.train !== b.train && a.train !== '' && b.train !== '') return undefined;
  const len = Math.max(a.key.length, b.key.length);
  for (let i = 0; i < len; i++) {
    const x = a.key[i];
    const y = b.key[i];
    if (x === undefined && y === undefined) return 0;
    if (x === undefined || y === undefined) {
      const other = (x ?? y) as Seg;
      if (('n' in other && /^0*$/.test(other.n)) || ('s' in other && other.s === '')) continue;
      const r = missing(other);
      return (x === undefined ? r : -r) as -1 | 1;
    }
    const c = cmpSeg(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * A string equal for two versions exactly when {@link compareParsed} says they are equal (trailing
 * zeros and empty letter runs dropped), so exact-version criteria can be looked up in a Map.
 */
export function canonicalKey(v: ParsedVersion): string {
  const segs = v.key.map((x) => ('n' in x ? `n${x.n}` : `s${x.s}`));
  while (segs.length > 0 && (segs[segs.length - 1] === 'n0' || segs[segs.length - 1] === 's')) segs.pop();
  return `${v.scheme}|${v.train ?? ''}|${segs.join('.')}`;
}

/** Compares two version strings with their caveat; undefined when incomparable. */
export function compareVersionsDetailed(a: string, b: string, scheme: VersionScheme = 'generic'): VersionComparison | undefined {
  const pa = parseVersion(a, scheme);
  const pb = parseVersion(b, scheme);
  if (!pa || !pb) return undefined;
  const order = compareParsed(pa, pb);
  return order === undefined ? undefined : { order, scheme, uncertain: pa.distro || pb.distro };
}

/**
 * Orders two versions: -1 when a < b, 0 when equal, 1 when a > b, undefined when either cannot be
 * read under the scheme or they are not comparable (classic IOS trains that differ).
 */
export function compareVersions(a: string, b: string, scheme?: VersionScheme): -1 | 0 | 1 | undefined {
  return compareVersionsDetailed(a, b, scheme)?.order;
}

/**
 * Splits a version that embeds its update the way NVD separates them: Ivanti `22.4R2.1` is NVD
 * version `22.4`, update `r2.1`. Undefined for schemes that do not embed one.
 */
export function splitUpdate(version: string, scheme: VersionScheme): { version: string; update: string } | undefined {
  if (scheme !== 'ivanti') return undefined;
  const m = /^(\d+\.\d+)\s*(r\d+(?:\.\d+)?)/i.exec(version.trim());
  return m?.[1] && m[2] ? { version: m[1], update: m[2].toLowerCase() } : undefined;
}

/** vendor:product (NVD CPE names) → scheme; vendor-wide entries use `vendor:*`. */
const SCHEMES: Record<string, VersionScheme> = {
  'fortinet:*': 'fortios',
  'cisco:ios_xe': 'ios-xe',
  'cisco:ios': 'ios',
  'paloaltonetworks:pan-os': 'pan-os',
  'citrix:netscaler_application_delivery_controller': 'netscaler',
  'citrix:netscaler_gateway': 'netscaler',
  'citrix:application_delivery_controller': 'netscaler',
  'citrix:gateway': 'netscaler',
  'sonicwall:sonicos': 'sonicos',
  'ivanti:connect_secure': 'ivanti',
  'ivanti:policy_secure': 'ivanti',
  'pulsesecure:pulse_connect_secure': 'ivanti',
  'ntp:ntp': 'ntp',
  'openssl:openssl': 'openssl',
  'connectwise:screenconnect': 'dotted',
};

/** The version scheme for an NVD CPE vendor and product (lower-case CPE names); generic otherwise. */
export function schemeFor(vendor: string, product: string): VersionScheme {
  const v = vendor.toLowerCase();
  return SCHEMES[`${v}:${product.toLowerCase()}`] ?? SCHEMES[`${v}:*`] ?? 'generic';
}
