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
 * Absolute path of the bundled KEV snapshot: src/catalog/feeds when run from
 * source; from a build (dist/ingest/feeds), dist/catalog/feeds if the build
 * copied it, else the package's src/catalog/feeds.
 */
export function bundledKevPath(): string {
  const here = import.meta.dirname;
  const candidates = [
    join(here, '..', '..', 'catalog', 'feeds', BUNDLED_KEV_FILE),
    join(here, '..', '..', '..', 'src', 'catalog', 'feeds', BUNDLED_KEV_FILE),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
