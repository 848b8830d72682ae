/** Vulnerability feeds (KEV, EPSS, NVD CVE 2.0, CVE JSON 5): pure parsers, readers with caps, download. */
export * from './types.js';
export { parseKevJson, parseKevCsv, kevFromJson, KEV_COLUMNS } from './kev.js';
export { parseEpssCsv } from './epss.js';
export { parseNvdJson, nvdFromJson, nvdFromLargeText, NVD_SPLIT_THRESHOLD, type NvdParseOptions } from './nvd.js';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_TRIES,
  fetchNvdUpdate,
  lastModRanges,
  MAX_TOTAL_RESULTS,
  NVD_API,
  nvdDate,
  nvdPageUrl,
  RateLimiter,
  RETRY_STATUSES,
  type LastModRange,
  type NvdProgress,
  type NvdUpdate,
  type NvdUpdateOptions,
} from './nvd-update.js';
export { parseCve5Json, cve5FromJson } from './cve5.js';
export { parseFeedBytes, parseFeedFile } from './parse.js';
export { DEFAULT_FEED_LIMITS, feedText, gunzipCapped, isGzip, readFeedBytes, type FeedLimits } from './read.js';
export {
  download,
  FEED_URL_ENV,
  FEED_URLS,
  feedUrls,
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  HttpStatusError,
  offlineHint,
  type DownloadOptions,
  type FetchLike,
} from './download.js';
export { BUNDLED_KEV_DATE, BUNDLED_KEV_FILE, bundledKevPath } from './bundled.js';
