import { ERRORS, HubguardError } from '../../core/index.js';
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, download, FEED_URLS, HttpStatusError, offlineHint, type FetchLike } from './download.js';
import { parseNvdJson } from './nvd.js';
import { feedText } from './read.js';
import type { NvdFeed, NvdScope, NvdSync } from './types.js';
import { NvdSpool } from './nvd-spool.js';

/**
 * Limits of the NVD CVE API 2.0 (https://nvd.nist.gov/developers/vulnerabilities
 * and https://nvd.nist.gov/developers/start-here).
 */
export const NVD_API = {
  /** Largest `resultsPerPage`. */
  maxResultsPerPage: 2000,
  /** Longest `lastModStartDate` … `lastModEndDate` range, in days. */
  maxRangeDays: 120,
  /** Requests allowed in any rolling window, without and with an API key. */
  requestsWithoutKey: 5,
  requestsWithKey: 50,
  windowMs: 30_000,
} as const;

/** Answers worth another try: NVD sends 403 or 429 to a client going too fast, 503 (and gateway 502/504) when busy. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([403, 429, 502, 503, 504]);

/** Tries per request, by default. */
export const DEFAULT_TRIES = 4;
/** The first pause between two tries, by default (doubled each time: 6, 12, 24 s). */
export const DEFAULT_BACKOFF_MS = 6_000;
/** Longest pause between two tries, whatever `Retry-After` asks. */
const MAX_BACKOFF_MS = 120_000;
/** Most records one update accepts: NVD holds about 300,000; more is a broken or hostile answer. */
export const MAX_TOTAL_RESULTS = 2_000_000;

const DAY_MS = 86_400_000;

/** Waits `ms` milliseconds. */
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * At most `limit` requests in any rolling window of `windowMs`: `take()`
 * returns at once while there is room, else sleeps until the oldest request of
 * the window has left it. Sleep and clock are injected so tests run fast.
 */
export class RateLimiter {
  private readonly sent: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Waits for room for one more request, and counts it. */
  async take(): Promise<void> {
    if (this.sent.length >= this.limit) {
      const wait = this.sent[0]! + this.windowMs - this.clock();
      if (wait > 0) await this.sleep(wait);
      this.sent.shift();
    }
    this.sent.push(this.clock());
  }
}

/** NVD's date form: ISO 8601 with milliseconds and an explicit offset (`2025-01-01T00:00:00.000+00:00`). */
export const nvdDate = (d: Date): string => d.toISOString().replace('Z', '+00:00');

/** One `lastModStartDate` … `lastModEndDate` range. */
export interface LastModRange {
  start: Date;
  end: Date;
}

/** Splits `since` … `until` into consecutive ranges of at most NVD's 120 days; none when `since` is not before `until`. */
export function lastModRanges(since: Date, until: Date, maxDays: number = NVD_API.maxRangeDays): LastModRange[] {
  const out: LastModRange[] = [];
  const step = maxDays * DAY_MS;
  for (let t = since.getTime(); t < until.getTime(); t += step) {
    out.push({ start: new Date(t), end: new Date(Math.min(t + step, until.getTime())) });
  }
  return out;
}

/** The URL of one API page. `hasKev` has no value, as NVD documents it. */
export function nvdPageUrl(base: string, q: { scope: NvdScope; range?: LastModRange; startIndex: number; resultsPerPage: number }): string {
  const params: string[] = [];
  if (q.scope === 'kev') params.push('hasKev');
  if (q.range) params.push(`lastModStartDate=${encodeURIComponent(nvdDate(q.range.start))}`, `lastModEndDate=${encodeURIComponent(nvdDate(q.range.end))}`);
  params.push(`resultsPerPage=${q.resultsPerPage}`, `startIndex=${q.startIndex}`);
  return `${base}${base.includes('?') ? '&' : '?'}${params.join('&')}`;
}

/** How far an update has come, after each page. */
export interface NvdProgress {
  /** The last-modified range being read (1-based) and how many there are (1 for a full download). */
  range: number;
  ranges: number;
  /** The page of this range just read (1-based) and how many the range has. */
  page: number;
  pages: number;
  /** Records read so far, over all ranges. */
  cves: number;
  /** HTTP requests made so far, retries included. */
  requests: number;
}

/** What an NVD update needs. */
export interface NvdUpdateOptions {
  fetch: FetchLike;
  /** The API location: FEED_URLS.nvd unless replaced (HUBGUARD_NVD_API_URL). */
  baseUrl?: string;
  /** Sent in the `apiKey` header; allows 50 instead of 5 requests per 30 s. Never part of a message or the store. */
  apiKey?: string;
  /** `kev`: the CVEs in KEV (`hasKev`); `all`: every CVE. */
  scope: NvdScope;
  /** Only records modified from this instant on (incremental); every record of the scope when absent. */
  since?: Date;
  /** The end of the update: now. */
  until: Date;
  /** Per request, in ms. */
  timeoutMs?: number;
  /** Records per page, at most 2,000. */
  resultsPerPage?: number;
  /** Tries per request when NVD answers a status of RETRY_STATUSES. */
  tries?: number;
  /** The first pause between tries, in ms; doubled each time, raised to `Retry-After` when the server sends it. */
  backoffMs?: number;
  /** Pauses (rate limit, backoff); tests inject a fast one. */
  sleep?: (ms: number) => Promise<void>;
  /** Millisecond clock of the rate limiter. */
  clock?: () => number;
  onProgress?: (p: NvdProgress) => void;
  /** The directory of the spool file holding the records until they are stored (the system's temporary directory by default). */
  spoolDir?: string;
}

/** An NVD update's result: the feed's facts, its records (each CVE once, its newest version) in a spool, and what was done to get them. */
export interface NvdUpdate {
  /** Version, date, source and `sync` of the update; `totalResults` is the number of CVEs kept. */
  info: Omit<NvdFeed, 'cves'> & { sync: NvdSync };
  /** The records, to be stored in one transaction; the caller removes it when done. */
  spool: NvdSpool;
  requests: number;
  ranges: number;
}

/** The pause before try `attempt + 1`: exponential, at least what `Retry-After` asks, capped. */
function backoff(attempt: number, baseMs: number, retryAfter: string | undefined): number {
  let ms = baseMs * 2 ** (attempt - 1);
  if (retryAfter) {
    const secs = Number(retryAfter);
    const asked = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(asked)) ms = Math.max(ms, asked);
  }
  return Math.min(Math.max(0, ms), MAX_BACKOFF_MS);
}

/** The same error with the page it happened on in front of its detail. */
function onPage(e: HubguardError, where: string): HubguardError {
  const base = ERRORS[e.code].message;
  const detail = e.text.startsWith(`${base}: `) ? e.text.slice(base.length + 2) : e.text === base ? '' : e.text;
  return new HubguardError(e.code, detail ? `${where}: ${detail}` : where, e.location, { cause: e });
}

/**
 * Downloads NVD CVE API 2.0 records: every record of the scope, or (with
 * `since`) those modified since then, in ranges of at most 120 days, each
 * read page by page (`startIndex`, `resultsPerPage`, `totalResults`). Requests
 * keep to NVD's rate limit; 403/429/502/503/504 answers are tried again with
 * backoff, then fail with HG_ERR_NETWORK. A page that is not an NVD response,
 * or whose paging does not add up (`totalResults` changing, an empty page
 * before the end), fails with the page's URL and place. Each page's records
 * go to a spool file (see NvdSpool), so memory does not grow with them.
 * Nothing is returned unless every page was read; on a failure the spool is
 * removed. On success the caller owns it: it stores the records in one
 * transaction (`spool.batches()`) and calls `spool.remove()` in a `finally`.
 */
export async function fetchNvdUpdate(opts: NvdUpdateOptions): Promise<NvdUpdate> {
  const base = opts.baseUrl ?? FEED_URLS.nvd;
  const perPage = opts.resultsPerPage ?? NVD_API.maxResultsPerPage;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > NVD_API.maxResultsPerPage) {
    throw new HubguardError('HG_ERR_USAGE', `resultsPerPage must be from 1 to ${NVD_API.maxResultsPerPage}, got ${perPage}`);
  }
  const sleep = opts.sleep ?? realSleep;
  const tries = Math.max(1, opts.tries ?? DEFAULT_TRIES);
  const backoffMs = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  const limiter = new RateLimiter(opts.apiKey ? NVD_API.requestsWithKey : NVD_API.requestsWithoutKey, NVD_API.windowMs, sleep, opts.clock);
  const headers = opts.apiKey ? { apiKey: opts.apiKey } : undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  let requests = 0;

  const get = async (url: string, where: string): Promise<Uint8Array> => {
    for (let attempt = 1; ; attempt++) {
      await limiter.take();
      requests++;
      try {
        return await download(url, { fetch: opts.fetch, timeoutMs, headers });
      } catch (e) {
        if (!(e instanceof HttpStatusError) || !RETRY_STATUSES.has(e.httpStatus)) throw e;
        if (attempt >= tries) {
          throw new HubguardError('HG_ERR_NETWORK', `${url} answered HTTP ${e.httpStatus} ${tries} time(s) (${where}); ${offlineHint(base)}`, undefined, { cause: e });
        }
        await sleep(backoff(attempt, backoffMs, e.retryAfter));
      }
    }
  };

  const spool = await NvdSpool.create(opts.spoolDir);
  try {
    return await readPages(opts, { base, perPage, get, spool, requests: () => requests });
  } catch (e) {
    await spool.remove();
    throw e;
  }
}

/** What readPages works with, set up by fetchNvdUpdate. */
interface Paging {
  base: string;
  perPage: number;
  /** One request, with rate limit and retries. */
  get: (url: string, where: string) => Promise<Uint8Array>;
  spool: NvdSpool;
  /** Requests made so far. */
  requests: () => number;
}

/** Reads every page of every range into the spool; see fetchNvdUpdate. */
async function readPages(opts: NvdUpdateOptions, { base, perPage, get, spool, requests }: Paging): Promise<NvdUpdate> {
  const ranges: (LastModRange | undefined)[] = opts.since ? lastModRanges(opts.since, opts.until) : [undefined];
  let read = 0;
  let last: NvdFeed | undefined;
  /** NVD's clock when the last range began: changes after it are left to the next update. */
  let lastRangeStamp: string | undefined;
  for (const [r, range] of ranges.entries()) {
    let start = 0;
    let total: number | undefined;
    for (let page = 1; ; page++) {
      const url = nvdPageUrl(base, { scope: opts.scope, range, startIndex: start, resultsPerPage: perPage });
      const pages = total === undefined ? '?' : String(Math.max(1, Math.ceil(total / perPage)));
      const where = `page ${page} of ${pages}${ranges.length > 1 ? ` in range ${r + 1} of ${ranges.length}` : ''}, startIndex ${start}`;
      const bytes = await get(url, where);
      let feed: NvdFeed;
      try {
        feed = parseNvdJson(feedText(bytes, url).text, url, { paged: true });
      } catch (e) {
        throw e instanceof HubguardError ? onPage(e, where) : e;
      }
      const at = (field: string) => ({ file: url, field });
      if (feed.startIndex !== start) throw new HubguardError('HG_ERR_VALIDATION', `${where}: asked for startIndex ${start}, got ${feed.startIndex}`, at('startIndex'));
      if (feed.totalResults > MAX_TOTAL_RESULTS) {
        throw new HubguardError('HG_ERR_VALIDATION', `${where}: totalResults ${feed.totalResults} is more than the ${MAX_TOTAL_RESULTS} records accepted`, at('totalResults'));
      }
      if (total === undefined) {
        total = feed.totalResults;
        if (r === ranges.length - 1) lastRangeStamp = feed.date;
      } else if (feed.totalResults !== total) {
        throw new HubguardError(
          'HG_ERR_VALIDATION',
          `${where}: totalResults changed from ${total} to ${feed.totalResults} while paging (NVD records changed meanwhile); run the update again`,
          at('totalResults'),
        );
      }
      await spool.append(feed.cves);
      read += feed.cves.length;
      start += feed.cves.length;
      last = feed;
      opts.onProgress?.({ range: r + 1, ranges: ranges.length, page, pages: Math.max(1, Math.ceil(total / perPage)), cves: read, requests: requests() });
      if (start >= total) break;
      if (!feed.cves.length) throw new HubguardError('HG_ERR_VALIDATION', `${where}: no records, though totalResults is ${total}`, at('vulnerabilities'));
    }
  }

  const until = opts.until.getTime();
  const nvdNow = lastRangeStamp ? Date.parse(lastRangeStamp) : Number.NaN;
  const through = Math.max(opts.since?.getTime() ?? -Infinity, Number.isNaN(nvdNow) ? until : Math.min(until, nvdNow));
  const sync: NvdSync = {
    scope: opts.scope,
    mode: opts.since ? 'incremental' : 'full',
    ...(opts.since ? { since: opts.since.toISOString() } : {}),
    through: new Date(through).toISOString(),
    at: opts.until.toISOString(),
  };
  return {
    info: {
      name: 'nvd',
      version: last?.version ?? '2.0',
      date: last?.date ?? opts.until.toISOString(),
      source: base,
      format: 'json',
      startIndex: 0,
      totalResults: spool.size,
      sync,
    },
    spool,
    requests: requests(),
    ranges: ranges.length,
  };
}
