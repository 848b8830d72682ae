/**
 * What the feed parsers produce: plain, validated data, independent of the
 * store. Every feed keeps its own date (KEV dateReleased, EPSS score_date, NVD
 * timestamp) so that a stale catalog is visible wherever its data is shown.
 */

/** The four feeds Hubguard reads. */
export type FeedName = 'kev' | 'epss' | 'nvd' | 'cve5';

/** One entry of the CISA Known Exploited Vulnerabilities catalog. */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  /** YYYY-MM-DD: the remediation deadline for US federal agencies (BOD 22-01). */
  dueDate: string;
  /** `Known` or `Unknown`. */
  knownRansomwareCampaignUse: string;
  notes: string;
  cwes: string[];
}

/** Identity of one imported feed: its version and the date its data describes. */
export interface FeedInfo {
  name: FeedName;
  /** The feed's own version label (KEV catalogVersion, EPSS model_version, NVD "2.0"). */
  version: string;
  /** ISO 8601 date or date-time the data is from (KEV dateReleased, EPSS score_date, NVD timestamp). */
  date: string;
  /** The file it came from (for messages only). */
  source: string;
  /** `json`, `csv`, `csv.gz`, ... */
  format: string;
}

export interface KevFeed extends FeedInfo {
  name: 'kev';
  entries: KevEntry[];
}

/** One EPSS score: probability of exploitation activity in the next 30 days, and its percentile. */
export interface EpssScore {
  cve: string;
  epss: number;
  percentile: number;
}

export interface EpssFeed extends FeedInfo {
  name: 'epss';
  /** EPSS model version from the `#model_version:` header line (e.g. `v2025.03.14`). */
  modelVersion: string;
  scores: EpssScore[];
}

/** One cpeMatch of an NVD configuration node. */
export interface NvdCpeMatch {
  vulnerable: boolean;
  criteria: string;
  matchCriteriaId?: string;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
}

/** One node of an NVD configuration: an OR/AND over cpeMatch entries. */
export interface NvdNode {
  operator: 'OR' | 'AND';
  negate: boolean;
  cpeMatch: NvdCpeMatch[];
}

/** One NVD configuration: nodes combined by `operator` (AND for "running on/with" configurations). */
export interface NvdConfiguration {
  operator?: 'OR' | 'AND';
  negate?: boolean;
  nodes: NvdNode[];
}

/** The parts of an NVD CVE record Hubguard keeps. */
export interface NvdCve {
  id: string;
  published?: string;
  lastModified?: string;
  vulnStatus?: string;
  /** English description, when present. */
  description?: string;
  /** Best CVSS base score found (v4.0, else v3.1, v3.0, v2), with its version and vector. */
  cvss?: { version: string; baseScore: number; baseSeverity?: string; vector?: string };
  /** NVD's copy of the KEV date, when present. */
  cisaExploitAdd?: string;
  /** Empty when NVD has not analysed the CVE yet (e.g. PAN-OS CVE-2024-3400 in the sample). */
  configurations: NvdConfiguration[];
}

export interface NvdFeed extends FeedInfo {
  name: 'nvd';
  /** API paging fields, so partial downloads are visible. */
  startIndex: number;
  totalResults: number;
  cves: NvdCve[];
  /** Set by `feeds update`: what this download covered, remembered for the next incremental update. */
  sync?: NvdSync;
}

/** Which NVD records an update covers: the CVEs in KEV (`hasKev`) or every CVE. */
export type NvdScope = 'kev' | 'all';

/**
 * What the last successful NVD update covered. The store keeps it (in the NVD
 * feed's meta) so that the next update asks NVD only for records modified since
 * `through`.
 */
export interface NvdSync {
  scope: NvdScope;
  /** `full`: every record of the scope; `incremental`: records modified from `since` on. */
  mode: 'full' | 'incremental';
  /** Start of the last-modified range asked for (incremental updates), ISO 8601 UTC. */
  since?: string;
  /**
   * Every record of the scope modified before this instant (ISO 8601 UTC) is in
   * the store: the start of the next incremental update. NVD's own clock is used
   * when it is behind the local one, so no change falls between two updates.
   */
  through: string;
  /** When the update ran (local clock), ISO 8601 UTC. */
  at: string;
}

/** Reads a remembered NvdSync from stored metadata; undefined when absent or not well-formed. */
export function nvdSyncOf(meta: unknown): NvdSync | undefined {
  const m = meta !== null && typeof meta === 'object' ? (meta as { sync?: unknown }).sync : undefined;
  if (m === null || typeof m !== 'object') return undefined;
  const s = m as Record<string, unknown>;
  const date = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  if ((s.scope !== 'kev' && s.scope !== 'all') || (s.mode !== 'full' && s.mode !== 'incremental') || !date(s.through) || !date(s.at)) return undefined;
  if (s.since !== undefined && !date(s.since)) return undefined;
  return { scope: s.scope, mode: s.mode, ...(s.since !== undefined ? { since: s.since as string } : {}), through: s.through as string, at: s.at as string };
}

/** CISA ADP "Vulnrichment" SSVC decision points from a CVE JSON 5 record. */
export interface Cve5Info {
  id: string;
  /** `yes` / `no`. */
  automatable?: string;
  /** `partial` / `total`. */
  technicalImpact?: string;
  /** `none` / `poc` / `active`. */
  exploitation?: string;
  /** The CNA's title or first English description. */
  title?: string;
  datePublished?: string;
  dateUpdated?: string;
}

export interface Cve5Feed extends FeedInfo {
  name: 'cve5';
  records: Cve5Info[];
}

/** Any parsed feed file. */
export type ParsedFeed = KevFeed | EpssFeed | NvdFeed | Cve5Feed;

/** How many items a parsed feed holds. */
export function feedCount(f: ParsedFeed): number {
  switch (f.name) {
    case 'kev':
      return f.entries.length;
    case 'epss':
      return f.scores.length;
    case 'nvd':
      return f.cves.length;
    case 'cve5':
      return f.records.length;
  }
}

/** A CVE id: CVE-YYYY-NNNN (four or more digits). */
export const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
