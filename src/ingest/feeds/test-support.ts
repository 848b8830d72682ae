import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The feed fixtures folder. */
export const FEED_FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'feeds');

/** One request a test server received. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  /** The raw query string (to check encoding and valueless parameters such as `hasKev`). */
  search: string;
  headers: IncomingHttpHeaders;
}

/** What a handler answers. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** A local HTTP server on 127.0.0.1 and a random port. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a local HTTP server answering every request with `handler`. */
export async function startServer(handler: (req: SeenRequest) => Answer): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = { path: u.pathname, query: u.searchParams, search: u.search, headers: req.headers };
    requests.push(seen);
    let answer: Answer;
    try {
      answer = handler(seen);
    } catch (e) {
      answer = { status: 500, body: String(e) };
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** One CVE of the fake NVD: the first record of `nvd-page.json` under another id and date. */
export interface FakeCve {
  id: string;
  /** NVD's form: UTC without a zone, e.g. `2025-10-24T12:54:44.420`. */
  lastModified: string;
  kev: boolean;
  /** Replaces the description, to tell versions of a record apart. */
  description?: string;
}

const template = (): Record<string, unknown> => {
  const page = JSON.parse(readFileSync(join(FEED_FIXTURES, 'nvd-page.json'), 'utf8')) as { vulnerabilities: { cve: Record<string, unknown> }[] };
  return page.vulnerabilities[0]!.cve;
};

/** The `vulnerabilities[i]` item of a fake CVE. */
export function nvdItem(c: FakeCve): { cve: Record<string, unknown> } {
  const cve: Record<string, unknown> = { ...template(), id: c.id, lastModified: c.lastModified };
  if (!c.kev) delete cve.cisaExploitAdd;
  if (c.description) cve.descriptions = [{ lang: 'en', value: c.description }];
  return { cve };
}

/** An NVD API 2.0 page around items. */
export function nvdPage(items: unknown[], paging: { startIndex: number; totalResults: number; resultsPerPage: number }, timestamp: string): string {
  return JSON.stringify({ ...paging, format: 'NVD_CVE', version: '2.0', timestamp, vulnerabilities: items });
}

/** NVD's zone-less UTC form of an instant. */
export const nvdStamp = (d: Date): string => d.toISOString().slice(0, -1);

/**
 * A fake NVD CVE API 2.0 over `cves` (changeable between calls): `hasKev`,
 * `lastModStartDate` / `lastModEndDate` (both required together, at most 120
 * days apart, else 404 as NVD does), `startIndex`, `resultsPerPage`. `timestamp`
 * is NVD's clock. `override` may answer a request itself (a failure), given the
 * 1-based number of the request.
 */
export function fakeNvd(
  cves: () => FakeCve[],
  timestamp: () => string,
  override?: (req: SeenRequest, n: number) => Answer | undefined,
): (req: SeenRequest) => Answer {
  let n = 0;
  return (req) => {
    n++;
    const custom = override?.(req, n);
    if (custom) return custom;
    const q = req.query;
    let list = cves();
    if (q.has('hasKev')) list = list.filter((c) => c.kev);
    const from = q.get('lastModStartDate');
    const to = q.get('lastModEndDate');
    if ((from === null) !== (to === null)) return { status: 404, body: '' };
    if (from !== null && to !== null) {
      const a = Date.parse(from);
      const b = Date.parse(to);
      if (Number.isNaN(a) || Number.isNaN(b) || b - a > 120 * 86_400_000) return { status: 404, body: '' };
      list = list.filter((c) => {
        const t = Date.parse(`${c.lastModified}Z`);
        return t >= a && t <= b;
      });
    }
    const start = Number(q.get('startIndex') ?? 0);
    const per = Number(q.get('resultsPerPage') ?? 2000);
    const items = list.slice(start, start + per).map(nvdItem);
    return { body: nvdPage(items, { startIndex: start, totalResults: list.length, resultsPerPage: items.length }, timestamp()) };
  };
}
