import { HubguardError } from '../../core/index.js';
import { parseJsonLocated } from '../structured.js';
import { cve5FromJson, isCve5Value } from './cve5.js';
import { isEpssText, parseEpssCsv } from './epss.js';
import { asObject } from './fields.js';
import { isKevCsvHeader, kevFromJson, parseKevCsv } from './kev.js';
import { isNvdValue, nvdFromJson, nvdFromLargeText, NVD_SPLIT_THRESHOLD } from './nvd.js';
import { DEFAULT_FEED_LIMITS, feedText, readFeedBytes, type FeedLimits } from './read.js';
import type { ParsedFeed } from './types.js';

/**
 * Recognizes a feed by its content (never by its name) and parses it: KEV JSON
 * or CSV, EPSS CSV, NVD CVE API 2.0 JSON, CVE JSON 5. Gzip is detected by its
 * magic number and inflated with a cap. Anything else is HG_ERR_UNRECOGNIZED_FILE.
 */
export function parseFeedBytes(bytes: Uint8Array, file: string, limits: FeedLimits = DEFAULT_FEED_LIMITS): ParsedFeed {
  const { text, gzipped } = feedText(bytes, file, limits);
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const firstLine = start.slice(0, start.indexOf('\n') === -1 ? undefined : start.indexOf('\n'));
  if (start.startsWith('{') || start.startsWith('[')) {
    // A big NVD file (yearly feed) is read one CVE at a time instead of as one object graph.
    if (text.length >= NVD_SPLIT_THRESHOLD && /"format"\s*:\s*"NVD_CVE"/.test(text.slice(0, 4096))) {
      const feed = nvdFromLargeText(text, file);
      if (feed) {
        if (gzipped) feed.format += '.gz';
        return feed;
      }
    }
    const doc = parseJsonLocated(text, file);
    const o = asObject(doc.value);
    const feed = (() => {
      if (o && 'catalogVersion' in o && Array.isArray(o.vulnerabilities)) return kevFromJson(doc.value, file, doc.locate);
      if (isNvdValue(doc.value)) return nvdFromJson(doc.value, file, doc.locate);
      if (isCve5Value(doc.value)) return cve5FromJson(doc.value, file, doc.locate);
      throw new HubguardError(
        'HG_ERR_UNRECOGNIZED_FILE',
        'JSON that is neither a KEV catalog (catalogVersion, vulnerabilities), an NVD CVE 2.0 response (format "NVD_CVE") nor a CVE JSON 5 record (dataType "CVE_RECORD")',
        { file },
      );
    })();
    if (gzipped) feed.format += '.gz';
    return feed;
  }
  if (isEpssText(start)) return parseEpssCsv(text, file, { format: gzipped ? 'csv.gz' : 'csv' });
  if (isKevCsvHeader(firstLine)) {
    const feed = parseKevCsv(text, file);
    if (gzipped) feed.format += '.gz';
    return feed;
  }
  throw new HubguardError(
    'HG_ERR_UNRECOGNIZED_FILE',
    `not a known feed: expected KEV JSON/CSV, EPSS CSV (#model_version…), NVD CVE 2.0 JSON or CVE JSON 5; starts with ${JSON.stringify(firstLine.slice(0, 40))}`,
    { file, line: 1 },
  );
}

/** Reads and parses one feed file. */
export async function parseFeedFile(path: string, limits: FeedLimits = DEFAULT_FEED_LIMITS): Promise<ParsedFeed> {
  return parseFeedBytes(await readFeedBytes(path, limits), path, limits);
}
