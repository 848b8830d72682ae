/**
 * CPE names and NVD match criteria.
 *
 * Parses CPE 2.3 formatted strings (NIST IR 7695 §6.2: `cpe:2.3:part:vendor:product:version:
 * update:edition:language:sw_edition:target_sw:target_hw:other`, `\` escapes punctuation) and
 * CPE 2.2 URIs (NIST IR 7695 §6.1: `cpe:/a:vendor:product:version`, percent-encoded, as nmap
 * emits). Attribute values are lower-cased and unescaped; `*` is ANY and `-` is NA (IR 7695 §5.3).
 *
 * Matching follows NVD API 2.0 `cpeMatch` semantics: a criterion is a CPE name plus optional
 * versionStart/End Including/Excluding bounds; with bounds, the criterion's version is `*` and the
 * installed version must fall inside every bound given.
 */
import { HubguardError } from '../../core/index.js';
import { compareParsed, parseVersion, schemeFor, splitUpdate, type ParsedVersion, type VersionScheme } from './versions.js';

/** IR 7695 logical value ANY, as stored in a parsed attribute. */
export const ANY = '*';
/** IR 7695 logical value NOT APPLICABLE, as stored in a parsed attribute. */
export const NA = '-';

/** A parsed CPE name; every attribute is lower-case, unescaped, or ANY (`*`) / NA (`-`). */
export interface Cpe {
  part: 'a' | 'o' | 'h' | '*';
  vendor: string; product: string; version: string; update: string; edition: string; language: string;
  swEdition: string; targetSw: string; targetHw: string; other: string;
}

const ATTRS = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;

/** Real CPE names are short; longer input is refused before any work. */
const MAX_CPE_LENGTH = 512;

const fail = (cpe: string, why: string): never => {
  const shown = cpe.length > 80 ? `${cpe.slice(0, 80)}…` : cpe;
  throw new HubguardError('HG_ERR_VALIDATION', `malformed CPE ${JSON.stringify(shown)}: ${why}`);
};

/** Splits a CPE 2.3 formatted string on unescaped colons (IR 7695 §6.2.2). */
function splitFs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { cur += c + (s[i + 1] ?? ''); i++; continue; }
    if (c === ':') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Unescapes one formatted-string value; a lone escaped `*`, `?` or `-` keeps its backslash. */
function unescapeFs(v: string, cpe: string): string {
  if (v === '' ) fail(cpe, 'empty attribute (use * for ANY)');
  if (v === ANY || v === NA) return v;
  if (v.endsWith('\\') && !v.endsWith('\\\\')) fail(cpe, 'dangling escape');
  if (/^\\[*?-]$/.test(v)) return v;
  // Unquoted `*`/`?` inside a value are IR 7696 wildcards; NVD data does not use them in
  // vendor/product/version, so they are refused rather than matched loosely.
  if (/(^|[^\\])[*?]/.test(v)) fail(cpe, `wildcard inside value ${JSON.stringify(v)} is not supported`);
  const out = v.replace(/\\(.)/g, '$1').toLowerCase();
  if (/[\s\u0000-\u001f]/.test(out)) fail(cpe, 'whitespace or control character in a value');
  return out;
}

/** Decodes one CPE 2.2 URI component (IR 7695 §6.1.3): empty is ANY, `-` is NA, `%xx` decoded. */
function decodeUri(v: string, cpe: string): string {
  if (v === '') return ANY;
  if (v === NA) return NA;
  let out: string;
  try { out = decodeURIComponent(v); } catch { return fail(cpe, `bad percent-encoding in ${JSON.stringify(v)}`); }
  out = out.toLowerCase();
  if (/[\s\u0000-\u001f]/.test(out)) fail(cpe, 'whitespace or control character in a value');
  return out;
}

const checkPart = (p: string, cpe: string): Cpe['part'] =>
  p === 'a' || p === 'o' || p === 'h' || p === '*' ? p : fail(cpe, `part must be a, o or h, got ${JSON.stringify(p)}`);

/**
 * Parses a CPE 2.3 formatted string or a CPE 2.2 URI.
 * @throws HubguardError HG_ERR_VALIDATION with the reason when the name is malformed.
 */
export function parseCpe(cpe: string): Cpe {
  if (typeof cpe !== 'string') return fail(String(cpe), 'not a string');
  if (cpe.length > MAX_CPE_LENGTH) fail(cpe, `longer than ${MAX_CPE_LENGTH} characters`);
  const lower = cpe.slice(0, 8).toLowerCase();
  if (lower.startsWith('cpe:2.3:')) {
    const fields = splitFs(cpe.slice(8));
    if (fields.length !== 11) fail(cpe, `a CPE 2.3 name has 11 attributes after "cpe:2.3:", found ${fields.length}`);
    const vals = fields.map((f) => unescapeFs(f, cpe));
    const out = { part: checkPart(vals[0] ?? '', cpe) } as Cpe;
    ATTRS.forEach((a, i) => { if (a !== 'part') out[a] = vals[i] ?? ANY; });
    return out;
  }
  if (lower.startsWith('cpe:/')) {
    const fields = cpe.slice(5).split(':');
    if (fields.length > 7) fail(cpe, `a CPE 2.2 URI has at most 7 components, found ${fields.length}`);
    const [part = '', vendor = '', product = '', version = '', update = '', edition = '', language = ''] = fields;
    // IR 7695 §6.1.3.5: a packed edition `~edition~sw_edition~target_sw~target_hw~other`.
    let packed = ['', '', '', '', ''];
    if (edition.startsWith('~')) {
      packed = edition.slice(1).split('~');
      if (packed.length !== 5) fail(cpe, 'packed edition must have 5 ~-separated fields');
    } else packed[0] = edition;
    return {
      part: part === '' ? ANY : checkPart(part.toLowerCase(), cpe),
      vendor: decodeUri(vendor, cpe), product: decodeUri(product, cpe), version: decodeUri(version, cpe),
      update: decodeUri(update, cpe), edition: decodeUri(packed[0] ?? '', cpe), language: decodeUri(language, cpe),
      swEdition: decodeUri(packed[1] ?? '', cpe), targetSw: decodeUri(packed[2] ?? '', cpe),
      targetHw: decodeUri(packed[3] ?? '', cpe), other: decodeUri(packed[4] ?? '', cpe),
    };
  }
  return fail(cpe, 'must start with "cpe:2.3:" or "cpe:/"');
}

/** Parses a CPE, returning undefined instead of throwing (for bulk paths that skip bad rows). */
export function tryParseCpe(cpe: string): Cpe | undefined {
  try { return parseCpe(cpe); } catch { return undefined; }
}

/** One NVD API 2.0 `cpeMatch` entry. */
export interface CpeMatchCriterion {
  criteria: string;
  vulnerable: boolean;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
  matchCriteriaId?: string;
}

/** Software or hardware known to be on an asset, in NVD CPE vocabulary (lower-case names). */
export interface InstalledProduct {
  part?: 'a' | 'o' | 'h';
  vendor: string;
  product: string;
  version?: string;
  update?: string;
  swEdition?: string;
  targetSw?: string;
  /**
   * The product string this name was resolved from by the product-string table (products.ts),
   * e.g. `Apache httpd`, when no CPE named it. Such a name is a reading of prose, so its matches
   * are at most `uncertain`, with a caveat saying so.
   */
  resolvedFrom?: string;
}

/** How sure a match is (see docs: exact > vendor-scheme > range > uncertain > product-only). */
export type Confidence = 'exact' | 'range' | 'vendor-scheme' | 'product-only' | 'uncertain';

/** Why a criterion matched: the criterion, its bounds and each comparison made. */
export interface CriterionEvidence {
  criteria: string;
  vulnerable: boolean;
  installed: InstalledProduct;
  scheme: VersionScheme;
  bounds: Partial<Record<'versionStartIncluding' | 'versionStartExcluding' | 'versionEndIncluding' | 'versionEndExcluding', string>>;
  /** Each check made, e.g. `13.1-49.10 < 13.1-49.15 (versionEndExcluding)`. */
  comparisons: string[];
  /** Why the confidence is lowered, when it is. */
  caveats: string[];
}

/** A criterion that matched an installed product. */
export interface CriterionMatch {
  confidence: Confidence;
  evidence: CriterionEvidence;
}

const BOUNDS = [
  ['versionStartIncluding', (o: number) => o >= 0, '>='],
  ['versionStartExcluding', (o: number) => o > 0, '>'],
  ['versionEndIncluding', (o: number) => o <= 0, '<='],
  ['versionEndExcluding', (o: number) => o < 0, '<'],
] as const;

/** A criterion parsed once, with its bounds pre-parsed under the product's scheme. */
export interface CompiledCriterion {
  source: CpeMatchCriterion;
  cpe: Cpe;
  scheme: VersionScheme;
  bounds: { name: (typeof BOUNDS)[number][0]; text: string; parsed: ParsedVersion | undefined; ok: (o: number) => boolean; op: string }[];
  /** The criterion's own version, parsed under the scheme (undefined for ANY or NA). */
  exact: ParsedVersion | undefined;
}

/** Parses a criterion once for repeated matching. @throws HubguardError on a malformed CPE. */
export function compileCriterion(c: CpeMatchCriterion): CompiledCriterion {
  const cpe = parseCpe(c.criteria);
  const scheme = schemeFor(cpe.vendor, cpe.product);
  const bounds = BOUNDS.flatMap(([name, ok, op]) => {
    const text = c[name];
    return typeof text === 'string' ? [{ name, text, parsed: parseVersion(text, scheme), ok, op }] : [];
  });
  const exact = cpe.version === ANY || cpe.version === NA ? undefined : parseVersion(cpe.version, scheme);
  return { source: c, cpe, scheme, bounds, exact };
}

/** NVD writes Exchange-style updates as `cumulative_update_9`; inventories often say `CU9`. */
const normUpdate = (u: string): string => u.toLowerCase().replace(/^cu\s*(\d+)$/, 'cumulative_update_$1');

/** The caveat of a product named by the product-string table rather than by a CPE. */
export const resolvedCaveat = (p: InstalledProduct): string =>
  `${p.vendor}:${p.product} read from the product string ${JSON.stringify(p.resolvedFrom ?? '')}, not from a CPE`;

/** True when an attribute of the criterion admits the installed value (ANY, unknown, or equal). */
const admits = (crit: string, have: string | undefined): boolean => crit === ANY || have === undefined || have === ANY || crit === have.toLowerCase();

/**
 * Matches one criterion against one installed product; undefined when it does not apply.
 * Vendor and product must be equal and specific: a criterion with ANY vendor or product never
 * matches (the npm `nx` vs Siemens NX failure). A `*` version with no bounds means every version;
 * bounds that cannot be compared under the scheme mean no match (never "vulnerable by default").
 */
export function matchCriterion(
  criterion: CompiledCriterion | CpeMatchCriterion,
  p: InstalledProduct,
  /** Parsed installed versions by scheme, shared across calls for one product (bulk matching). */
  cache?: Map<VersionScheme, ParsedVersion | undefined>,
): CriterionMatch | undefined {
  const c = 'cpe' in criterion ? criterion : compileCriterion(criterion);
  const { cpe } = c;
  if (cpe.vendor === ANY || cpe.product === ANY || cpe.vendor === NA || cpe.product === NA) return undefined;
  if ((cpe.vendor !== p.vendor && cpe.vendor !== p.vendor.toLowerCase()) || (cpe.product !== p.product && cpe.product !== p.product.toLowerCase())) return undefined;
  if (p.part && cpe.part !== ANY && cpe.part !== p.part) return undefined;
  if (!admits(cpe.targetSw, p.targetSw) || !admits(cpe.swEdition, p.swEdition)) return undefined;

  // Decide first, describe after: in bulk matching most bucket entries do not match, so the
  // range check runs before anything is allocated for evidence.
  const version = p.version?.trim();
  const versionKnown = version !== undefined && version !== '' && version !== ANY;
  let have: ParsedVersion | undefined;
  if (cpe.version !== NA && versionKnown) {
    if (cache?.has(c.scheme)) have = cache.get(c.scheme);
    else { have = parseVersion(version, c.scheme); cache?.set(c.scheme, have); }
    if (!have) return undefined;
    if (cpe.version === ANY) {
      for (const b of c.bounds) {
        const o = b.parsed ? compareParsed(have, b.parsed) : undefined;
        if (o === undefined || !b.ok(o)) return undefined;
      }
    }
  }
  const comparisons: string[] = [];
  const caveats: string[] = p.resolvedFrom === undefined ? [] : [resolvedCaveat(p)];
  const done = (confidence: Confidence): CriterionMatch => ({
    confidence,
    evidence: {
      criteria: c.source.criteria, vulnerable: c.source.vulnerable, installed: p, scheme: c.scheme,
      bounds: Object.fromEntries(c.bounds.map((b) => [b.name, b.text])), comparisons, caveats,
    },
  });

  if (cpe.version === NA) {
    // NA version (hardware entries like `h:sonicwall:nsa_2650:-`): matches a product with no version.
    return version === undefined || version === NA ? done(caveats.length > 0 ? 'uncertain' : 'exact') : undefined;
  }
  if (!versionKnown || !have) {
    caveats.push('installed version unknown');
    return done('product-only');
  }

  if (cpe.version !== ANY) {
    // A specific criterion version. Vendors that write the update into the version (Ivanti
    // `22.4R2.1` = NVD version `22.4`, update `r2.1`) are split first, so that both `22.4:r2.1`
    // and `9.0:*` (every update of 9.0) criteria compare like with like.
    let v = have.upstream;
    let upd = p.update;
    if (upd === undefined) {
      const split = splitUpdate(have.upstream, c.scheme);
      if (split) { v = split.version; upd = split.update; }
    }
    const hv = v === have.upstream ? have : parseVersion(v, c.scheme);
    if (!hv || !c.exact || compareParsed(hv, c.exact) !== 0) return undefined;
    comparisons.push(`${v} = ${cpe.version}`);
    if (cpe.update !== ANY) {
      if (upd === undefined) {
        if (cpe.update !== NA) caveats.push(`update unknown; criterion requires ${cpe.update}`);
      } else if (normUpdate(upd) !== cpe.update) return undefined;
      else comparisons.push(`update ${upd} = ${cpe.update}`);
    }
  } else if (c.bounds.length === 0) {
    comparisons.push('criterion covers every version (no bounds)');
  } else {
    // Bounds were checked above.
    for (const b of c.bounds) comparisons.push(`${version} ${b.op} ${b.text} (${b.name})`);
  }
  if (have.distro) caveats.push(`distro-patched version ${version}: compared upstream ${have.upstream}; backports possible`);
  if (have.distro || caveats.length > 0) return done('uncertain');
  if (cpe.version !== ANY) return done('exact');
  return done(c.bounds.length > 0 && c.scheme !== 'generic' ? 'vendor-scheme' : 'range');
}
