import { HubguardError } from '../../core/index.js';
import type { FeedName } from './types.js';

/** Official download locations. */
export const FEED_URLS = {
  kev: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
  epss: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz',
  /** NVD CVE API 2.0 (query parameters are added per request: `hasKev`, last-modified range, paging). */
  nvd: 'https://services.nvd.nist.gov/rest/json/cves/2.0',
} as const satisfies Partial<Record<FeedName, string>>;

/** The environment variables that replace each download location (a mirror, a proxy, a test server). */
export const FEED_URL_ENV = { kev: 'HUBGUARD_KEV_URL', epss: 'HUBGUARD_EPSS_URL', nvd: 'HUBGUARD_NVD_API_URL' } as const satisfies Record<keyof typeof FEED_URLS, string>;

/**
 * The download locations to use: the official ones, each replaceable by its
 * environment variable (see FEED_URL_ENV). A replacement must be an http(s)
 * URL, else HG_ERR_CONFIG naming the variable.
 */
export function feedUrls(env: Readonly<Record<string, string | undefined>>): Record<keyof typeof FEED_URLS, string> {
  const out = { ...FEED_URLS } as Record<keyof typeof FEED_URLS, string>;
  for (const name of Object.keys(FEED_URL_ENV) as (keyof typeof FEED_URLS)[]) {
    const v = env[FEED_URL_ENV[name]]?.trim();
    if (!v) continue;
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new HubguardError('HG_ERR_CONFIG', `${FEED_URL_ENV[name]} must be an http(s) URL, got "${v.slice(0, 80)}"`);
    out[name] = v;
  }
  return out;
}

/** The subset of `fetch` the downloader uses; tests inject a fake. */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers?: Record<string, string> }) => Promise<{
  ok: boolean;
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface DownloadOptions {
  fetch: FetchLike;
  /** Per request, in ms. Short by default: an offline machine must fail fast. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
  /** Extra request headers (e.g. NVD's `apiKey`). Never part of any message. */
  headers?: Record<string, string>;
}

/** The advice every download error ends with. */
export const offlineHint = (url: string): string => `download ${url} on a machine with internet access and run \`hubguard feeds import <file>\``;

/** An HTTP error answer: HG_ERR_NETWORK with the status, so a caller can decide to retry. */
export class HttpStatusError extends HubguardError {
  constructor(
    readonly url: string,
    readonly httpStatus: number,
    statusText: string | undefined,
    /** The `Retry-After` header, when the server sent one. */
    readonly retryAfter: string | undefined,
  ) {
    super('HG_ERR_NETWORK', `${url} answered HTTP ${httpStatus}${statusText ? ` ${statusText}` : ''}; ${offlineHint(url)}`);
  }
}

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Downloads one URL with a timeout and a size cap. Any failure (no network,
 * DNS, timeout, HTTP error, oversized body) is HG_ERR_NETWORK naming the URL
 * and suggesting the offline route.
 */
export async function download(url: string, opts: DownloadOptions): Promise<Uint8Array> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await opts.fetch(url, { signal, headers: { ...opts.headers, 'user-agent': 'hubguard-feeds' } });
  } catch (e) {
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeFetchError(e);
    throw new HubguardError('HG_ERR_NETWORK', `cannot reach ${url} (${reason}); ${offlineHint(url)}`, undefined, { cause: e });
  }
  if (!res.ok) throw new HttpStatusError(url, res.status, res.statusText, res.headers.get('retry-after') ?? undefined);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${url} is ${declared} bytes, limit ${maxBytes}`);
  }
  let body: ArrayBuffer;
  try {
    body = await res.arrayBuffer();
  } catch (e) {
    throw new HubguardError('HG_ERR_NETWORK', `download of ${url} broke off (${describeFetchError(e)}); ${offlineHint(url)}`, undefined, { cause: e });
  }
  if (body.byteLength > maxBytes) throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${url} sent ${body.byteLength} bytes, limit ${maxBytes}`);
  return new Uint8Array(body);
}

/** fetch() wraps the real reason (ENOTFOUND, ECONNREFUSED...) in `cause`. */
function describeFetchError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(typeof code === 'string' && !cur.message.includes(code) ? `${cur.message} ${code}` : cur.message);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.filter(Boolean).join(': ') || 'unknown error';
}
