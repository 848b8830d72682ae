/**
 * The vulnerability feeds the `vulns` engine reads, as plain data: the CLI loads them from the
 * store (src/cli/assess.ts) and passes them in the engine context. Structurally compatible with
 * the feed types of src/ingest/feeds (engines may not import src/ingest).
 */
import type { Configuration } from '../vulns/match.js';

/** The fields of a CISA KEV entry the engine uses. */
export interface KevFacts {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName?: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  /** YYYY-MM-DD: the BOD 22-01 remediation deadline. */
  dueDate: string;
  /** `Known` or `Unknown`. */
  knownRansomwareCampaignUse: string;
}

/** One EPSS score. */
export interface EpssFacts {
  epss: number;
  percentile: number;
}

/** One NVD CVE: its id and configurations (empty when NVD has not analysed it yet). */
export interface NvdFacts {
  id: string;
  configurations: Configuration[];
  /** When NVD published it (ISO 8601), when the feed gives it: the age of a CVE not in KEV. */
  published?: string;
}

/** The version and date of one imported feed, shown on every finding so a stale catalog is visible. */
export interface FeedDate {
  version: string;
  date: string;
}

/** Everything the engine needs from the feeds. */
export interface VulnFeeds {
  kev: ReadonlyMap<string, KevFacts>;
  epss: ReadonlyMap<string, EpssFacts>;
  nvd: readonly NvdFacts[];
  dates: { kev?: FeedDate; epss?: FeedDate; nvd?: FeedDate };
}
