import { HubguardError } from '../../core/index.js';
import type { FeedName } from './types.js';

/** Official download locations. */
export const FEED_URLS = {
  kev: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
  epss: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz',
  /** NVD CVE API 2.0, restricted to the CVEs in KEV (`hasKev`): the ones Hubguard ranks first. */
  nvd: 'https://services.nvd.nist.gov/rest/json/cves/2.0?hasKev',
} as const satisfies Partial<Record<FeedName, string>>;

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
}

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** The advice every download error ends with. */
const offlineHint = (url: string) => `download ${url} on a machine with internet access and run \`hubguard feeds import <file>\``;

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
    res = await opts.fetch(url, { signal, headers: { 'user-agent': 'hubguard-feeds' } });
  } catch (e) {
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeFetchError(e);
    throw new HubguardError('HG_ERR_NETWORK', `cannot reach ${url} (${reason}); ${offlineHint(url)}`, undefined, { cause: e });
  }
  if (!res.ok) {
    throw new HubguardError('HG_ERR_NETWORK', `${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; ${offlineHint(url)}`);
  }
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
