/**
 * A compact match index for bulk inventories.
 *
 * Design (why it is fast): an MSP's inventory repeats itself — a million installed-software rows
 * hold perhaps a hundred thousand distinct (vendor, product, version) triples. So:
 * 1. the index is a `Map` from `vendor:product` to the criteria naming that product, each parsed
 *    once (CPE split, scheme chosen, bounds pre-parsed) at build time;
 * 2. `matchProducts` routes each row to its bucket (two hash lookups, vendor then product; rows
 *    of products no criterion names stop there), deduplicates rows per bucket by version (and
 *    update/target_sw/sw_edition/part when given), matches each unique triple once against its
 *    bucket only — never a scan of all criteria — and fans the result out to every row sharing it.
 * 3. inside a bucket, criteria naming one exact version (NVD lists many: Ivanti, Exchange, kernel
 *    release candidates) sit in a Map keyed by the version's canonical form, so a product meets
 *    only the exact criteria of its own version plus the bucket's range criteria.
 * Work is O(rows) for hashing plus O(unique × range criteria per product) comparisons. Buckets
 * never use a wildcard vendor or product: such criteria are dropped at build time (see cpe.ts).
 *
 * The index evaluates single criteria. A criterion that came from an AND configuration with
 * platform nodes is flagged `platformDependent` by {@link criteriaFromConfigurations} and its
 * matches are downgraded to `uncertain`; use match.ts `matchCve` for a full per-asset verdict.
 */
import { canonicalKey, parseVersion, splitUpdate, type ParsedVersion, type VersionScheme } from './versions.js';
import { compileCriterion, matchCriterion, ANY, NA, type CompiledCriterion, type Confidence, type CpeMatchCriterion, type CriterionMatch, type InstalledProduct } from './cpe.js';
import type { Configuration } from './match.js';

/** One criterion to index, with the CVE it belongs to. */
export interface IndexCriterion {
  cve: string;
  match: CpeMatchCriterion;
  /** True when the CVE also requires a platform (AND configuration): matches become `uncertain`. */
  platformDependent?: boolean;
}

/** One indexed criterion. */
export interface IndexEntry { cve: string; criterion: CompiledCriterion; platformDependent: boolean }

/** The criteria of one `vendor:product`: exact versions by canonical key, everything else in `rest`. */
export interface Bucket {
  scheme: VersionScheme;
  exact: Map<string, IndexEntry[]>;
  rest: IndexEntry[];
}

/** The compiled index: buckets keyed by `vendor:product`, plus what was refused. */
export interface MatchIndex {
  buckets: Map<string, Bucket>;
  /** The same buckets as vendor → product → bucket, so rows are routed without building keys. */
  byVendor: Map<string, Map<string, Bucket>>;
  size: number;
  /** Criteria refused at build time (malformed CPE, wildcard vendor/product), with the reason. */
  rejected: { cve: string; criteria: string; reason: string }[];
}

/** One CVE that applies to one indexed product. */
export interface ProductMatch {
  cve: string;
  confidence: Confidence;
  criterion: CriterionMatch;
}

/** The matches of one input row, by its position in the input. */
export interface RowMatches {
  row: number;
  matches: ProductMatch[];
}

/** Builds the index; only `vulnerable: true` criteria are indexed (platforms never make a finding). */
export function buildMatchIndex(criteria: Iterable<IndexCriterion>): MatchIndex {
  const buckets: MatchIndex['buckets'] = new Map();
  const rejected: MatchIndex['rejected'] = [];
  const byVendor: MatchIndex['byVendor'] = new Map();
  let size = 0;
  for (const c of criteria) {
    if (!c.match.vulnerable) continue;
    let cc: CompiledCriterion;
    try { cc = compileCriterion(c.match); } catch (e) {
      rejected.push({ cve: c.cve, criteria: String(c.match.criteria).slice(0, 200), reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const { vendor, product } = cc.cpe;
    if ([vendor, product].some((x) => x === ANY || x === NA)) {
      rejected.push({ cve: c.cve, criteria: c.match.criteria, reason: 'wildcard vendor or product never matches' });
      continue;
    }
    const key = `${vendor}:${product}`;
    let b = buckets.get(key);
    if (!b) {
      buckets.set(key, (b = { scheme: cc.scheme, exact: new Map(), rest: [] }));
      let products = byVendor.get(vendor);
      if (!products) byVendor.set(vendor, (products = new Map()));
      products.set(product, b);
    }
    const entry: IndexEntry = { cve: c.cve, criterion: cc, platformDependent: c.platformDependent ?? false };
    // Classic IOS versions carry a train that canonical keys cannot order: keep them in `rest`.
    if (cc.exact && cc.scheme !== 'ios') {
      const k = canonicalKey(cc.exact);
      const list = b.exact.get(k);
      if (list) list.push(entry); else b.exact.set(k, [entry]);
    } else b.rest.push(entry);
    size++;
  }
  return { buckets, byVendor, size, rejected };
}

/**
 * Flattens NVD configurations into index criteria: vulnerable entries, flagged platform-dependent
 * when their configuration is an AND over several nodes.
 */
export function criteriaFromConfigurations(cve: string, configurations: readonly Configuration[]): IndexCriterion[] {
  const out: IndexCriterion[] = [];
  for (const cfg of configurations) {
    const platformDependent = cfg.operator === 'AND' && cfg.nodes.length > 1;
    for (const node of cfg.nodes) {
      if (node.negate) continue;
      for (const m of node.cpeMatch) if (m.vulnerable) out.push({ cve, match: m, platformDependent });
    }
  }
  return out;
}

/**
 * A row's identity inside its bucket: the version, plus the rarer attributes only when present
 * (a name read from a product string matches with less confidence than the same name from a CPE).
 */
const versionKey = (p: InstalledProduct): string =>
  p.update === undefined && p.targetSw === undefined && p.swEdition === undefined && p.part === undefined && p.resolvedFrom === undefined
    ? p.version ?? ''
    : `${p.version ?? ''}\u0000${p.update ?? ''}\u0000${p.targetSw ?? ''}\u0000${p.swEdition ?? ''}\u0000${p.part ?? ''}\u0000${p.resolvedFrom ?? ''}`;

/** The bucket of a row's vendor and product, trying the names as given before lower-casing them. */
const bucketOf = (index: MatchIndex, p: InstalledProduct): Bucket | undefined =>
  index.byVendor.get(p.vendor)?.get(p.product) ?? index.byVendor.get(p.vendor.toLowerCase())?.get(p.product.toLowerCase());

/**
 * The bucket entries a product can match: the range criteria (always) and the exact-version
 * criteria of its own version. Returned as lists to walk, never copied (buckets can be large).
 */
function candidates(b: Bucket, p: InstalledProduct, cache: Map<VersionScheme, ParsedVersion | undefined>): IndexEntry[][] {
  const version = p.version?.trim();
  if (version === undefined || version === '' || version === ANY || version === NA) {
    // Unknown version: every criterion may apply (as product-only); NA matches hardware entries.
    return [b.rest, ...b.exact.values()];
  }
  const have = parseVersion(version, b.scheme);
  cache.set(b.scheme, have);
  if (!have) return [b.rest];
  const split = p.update === undefined ? splitUpdate(have.upstream, b.scheme) : undefined;
  const hv = split ? parseVersion(split.version, b.scheme) : have;
  const exact = hv ? b.exact.get(canonicalKey(hv)) : undefined;
  return exact ? [b.rest, exact] : [b.rest];
}

const RANK: Record<Confidence, number> = { exact: 5, 'vendor-scheme': 4, range: 3, uncertain: 2, 'product-only': 1 };

/** Matches one product against its bucket, keeping the best match per CVE. */
export function matchOne(index: MatchIndex, p: InstalledProduct): ProductMatch[] {
  const bucket = bucketOf(index, p);
  if (!bucket) return [];
  const byCve = new Map<string, ProductMatch>();
  const cache = new Map<VersionScheme, ParsedVersion | undefined>();
  for (const list of candidates(bucket, p, cache)) {
    for (const e of list) {
      const m = matchCriterion(e.criterion, p, cache);
      if (!m) continue;
      const confidence: Confidence = e.platformDependent && RANK[m.confidence] > RANK.uncertain ? 'uncertain' : m.confidence;
      const prev = byCve.get(e.cve);
      if (!prev || RANK[confidence] > RANK[prev.confidence]) byCve.set(e.cve, { cve: e.cve, confidence, criterion: m });
    }
  }
  return [...byCve.values()];
}

/**
 * Matches many installed-product rows: deduplicate, match each unique product once, fan out.
 * Returns only rows with at least one match, in input order. Rows must use NVD CPE names.
 */
export function matchProducts(index: MatchIndex, products: readonly InstalledProduct[]): RowMatches[] {
  // Rows are grouped per bucket, then per version: rows of products no criterion names are
  // dropped at once, and no per-row composite key is built for the common case.
  const groups = new Map<Bucket, Map<string, number[]>>();
  products.forEach((p, i) => {
    const b = bucketOf(index, p);
    if (!b) return;
    let byVersion = groups.get(b);
    if (!byVersion) groups.set(b, (byVersion = new Map()));
    const k = versionKey(p);
    const rows = byVersion.get(k);
    if (rows) rows.push(i); else byVersion.set(k, [i]);
  });
  const perRow: (ProductMatch[] | undefined)[] = new Array<ProductMatch[] | undefined>(products.length);
  for (const byVersion of groups.values()) {
    for (const rows of byVersion.values()) {
      const p = products[rows[0] ?? -1];
      if (!p) continue;
      const matches = matchOne(index, p);
      if (matches.length === 0) continue;
      for (const r of rows) perRow[r] = matches;
    }
  }
  const out: RowMatches[] = [];
  perRow.forEach((m, row) => { if (m) out.push({ row, matches: m }); });
  return out;
}
