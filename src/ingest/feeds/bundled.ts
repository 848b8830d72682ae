import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The KEV snapshot shipped with Hubguard (CISA, CC0 1.0), so a fresh install
 * knows the known-exploited vulnerabilities without network access. Replace it
 * with `hubguard feeds update` or `hubguard feeds import <newer file>`.
 */
export const BUNDLED_KEV_FILE = 'known_exploited_vulnerabilities_2025-11-14.csv';

/** The date of the bundled snapshot (its newest dateAdded). */
export const BUNDLED_KEV_DATE = '2025-11-14';

/**
 * The NVD excerpt shipped with Hubguard: one NVD CVE API 2.0 page (public
 * domain) holding the records of eight KEV CVEs of widespread remote-access,
 * VPN and mail products, so the matcher checks their versions on a fresh
 * install. `hubguard feeds update` or `hubguard feeds import` add to it.
 */
export const BUNDLED_NVD_FILE = 'nvd_cve_excerpt_2025-10-24.json';

/** The date of the bundled NVD excerpt: the page's `timestamp`, as the NVD parser reads it (UTC). */
export const BUNDLED_NVD_DATE = '2025-10-24T13:00:00.000Z';

/** The CVEs the bundled NVD excerpt holds records of. */
export const BUNDLED_NVD_CVES: readonly string[] = [
  'CVE-2024-21762',
  'CVE-2023-4966',
  'CVE-2024-3400',
  'CVE-2024-40766',
  'CVE-2023-20198',
  'CVE-2024-1709',
  'CVE-2024-21887',
  'CVE-2021-34473',
];

/**
 * Absolute path of a file bundled in src/catalog/feeds: there when run from
 * source; from a build (dist/ingest/feeds), dist/catalog/feeds if the build
 * copied it, else the package's src/catalog/feeds.
 */
function bundledPath(file: string): string {
  const here = import.meta.dirname;
  const candidates = [join(here, '..', '..', 'catalog', 'feeds', file), join(here, '..', '..', '..', 'src', 'catalog', 'feeds', file)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** Absolute path of the bundled KEV snapshot. */
export function bundledKevPath(): string {
  return bundledPath(BUNDLED_KEV_FILE);
}

/** Absolute path of the bundled NVD excerpt. */
export function bundledNvdPath(): string {
  return bundledPath(BUNDLED_NVD_FILE);
}
