/** Vulnerability feeds (KEV, EPSS, NVD CVE 2.0, CVE JSON 5): pure parsers, readers with caps, download. */
export * from './types.js';
export { parseKevJson, parseKevCsv, kevFromJson, KEV_COLUMNS } from './kev.js';
export { parseEpssCsv } from './epss.js';
export { parseNvdJson, nvdFromJson, nvdFromLargeText, NVD_SPLIT_THRESHOLD } from './nvd.js';
export { parseCve5Json, cve5FromJson } from './cve5.js';
export { parseFeedBytes, parseFeedFile } from './parse.js';
export { DEFAULT_FEED_LIMITS, feedText, gunzipCapped, isGzip, readFeedBytes, type FeedLimits } from './read.js';
export { download, FEED_URLS, DEFAULT_DOWNLOAD_TIMEOUT_MS, type DownloadOptions, type FetchLike } from './download.js';
export { BUNDLED_KEV_DATE, BUNDLED_KEV_FILE, bundledKevPath } from './bundled.js';
