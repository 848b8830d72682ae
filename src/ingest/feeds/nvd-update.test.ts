import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectedHubguardError } from '../../core/test-support.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchNvdUpdate, lastModRanges, nvdDate, nvdPageUrl, RateLimiter, type NvdCve, type NvdProgress, type NvdUpdate, type NvdUpdateOptions } from './index.js';
import { NvdSpool } from './nvd-spool.js';
import { fakeNvd, nvdItem, nvdPage, nvdStamp, startServer, type Answer, type FakeCve, type SeenRequest, type TestServer } from './test-support.js';

const DAY = 86_400_000;
const UNTIL = new Date('2026-03-01T00:00:00.000Z');
const NVD_NOW = nvdStamp(new Date(UNTIL.getTime() - 60_000)); // NVD's clock a minute behind ours

/** A fake clock that only moves when the code sleeps: sleeps are recorded, never waited. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, clock: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) };
}

/** `n` CVEs, every third not in KEV, modified a day apart going back from `last`. */
function cves(n: number, last = UNTIL.getTime() - DAY): FakeCve[] {
  return Array.from({ length: n }, (_, i) => ({ id: `CVE-2025-${String(10000 + i)}`, lastModified: nvdStamp(new Date(last - i * DAY)), kev: i % 3 !== 2 }));
}

let server: TestServer | undefined;
/** The spool directory of the test: empty again once every update has been read or failed. */
let spoolDir: string;
beforeEach(() => {
  spoolDir = mkdtempSync(join(tmpdir(), 'hg-nvd-spool-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  const left = readdirSync(spoolDir);
  rmSync(spoolDir, { recursive: true, force: true });
  expect(left).toEqual([]); // every spool removed, after a success as after a failure

});

/** The records of an update, read back from its spool, which is then removed. */
async function records(u: NvdUpdate, batch?: number): Promise<NvdCve[]> {
  const out: NvdCve[] = [];
  try {
    for await (const cves of u.spool.batches(batch)) out.push(...cves);
  } finally {
    await u.spool.remove();
  }
  return out;
}

async function serve(handler: (req: SeenRequest) => Answer): Promise<TestServer> {
  server = await startServer(handler);
  return server;
}

const caught = rejectedHubguardError;

/** Options against the local server, fast. */
const opts = (s: TestServer, more: Partial<NvdUpdateOptions> = {}): NvdUpdateOptions => {
  const time = fakeTime();
  return { fetch: (u, i) => fetch(u, i), baseUrl: `${s.url}/rest/json/cves/2.0`, scope: 'kev', until: UNTIL, sleep: time.sleep, clock: time.clock, backoffMs: 1, spoolDir, ...more };
};

describe('NVD dates, ranges and URLs', () => {
  it('splits a long span into ranges of at most 120 days, back to back', () => {
    const since = new Date('2025-01-01T00:00:00Z');
    const ranges = lastModRanges(since, UNTIL);
    expect(ranges).toHaveLength(4); // 424 days
    expect(ranges[0]!.start).toEqual(since);
    expect(ranges.at(-1)!.end).toEqual(UNTIL);
    for (const [i, r] of ranges.entries()) {
      expect(r.end.getTime() - r.start.getTime()).toBeLessThanOrEqual(120 * DAY);
      if (i > 0) expect(r.start).toEqual(ranges[i - 1]!.end);
    }
    expect(lastModRanges(UNTIL, UNTIL)).toEqual([]);
    expect(lastModRanges(new Date(UNTIL.getTime() - 120 * DAY), UNTIL)).toHaveLength(1);
  });

  it('writes dates with an offset, encoded, and hasKev without a value', () => {
    expect(nvdDate(new Date('2025-01-01T10:00:00Z'))).toBe('2025-01-01T10:00:00.000+00:00');
    const url = nvdPageUrl('https://nvd.test/cves/2.0', { scope: 'kev', range: { start: new Date('2025-01-01T00:00:00Z'), end: UNTIL }, startIndex: 2000, resultsPerPage: 2000 });
    expect(url).toBe(
      'https://nvd.test/cves/2.0?hasKev&lastModStartDate=2025-01-01T00%3A00%3A00.000%2B00%3A00&lastModEndDate=2026-03-01T00%3A00%3A00.000%2B00%3A00&resultsPerPage=2000&startIndex=2000',
    );
    expect(nvdPageUrl('https://nvd.test/x?a=1', { scope: 'all', startIndex: 0, resultsPerPage: 10 })).toBe('https://nvd.test/x?a=1&resultsPerPage=10&startIndex=0');
  });
});

describe('NVD rate limit', () => {
  it('allows at most 5 requests in any 30 s without a key', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(5, 30_000, time.sleep, time.clock);
    const at: number[] = [];
    for (let i = 0; i < 12; i++) {
      await limiter.take();
      at.push(time.clock());
    }
    for (let i = 5; i < at.length; i++) expect(at[i]! - at[i - 5]!).toBeGreaterThanOrEqual(30_000);
    expect(time.sleeps).toEqual([30_000, 30_000]); // the first five at once, then a window's wait per five
  });

  it('paces an update by the key: 5 per 30 s without, 50 with (sent in the apiKey header)', async () => {
    const s = await serve(fakeNvd(() => cves(12), () => NVD_NOW));
    const without = fakeTime();
    await records(await fetchNvdUpdate({ ...opts(s), resultsPerPage: 1, sleep: without.sleep, clock: without.clock }));
    expect(s.requests).toHaveLength(8); // 8 KEV CVEs, one per page
    expect(without.sleeps).toEqual([30_000]);
    expect(s.requests.every((r) => r.headers.apikey === undefined)).toBe(true);

    s.requests.length = 0;
    const withKey = fakeTime();
    await records(await fetchNvdUpdate({ ...opts(s), resultsPerPage: 1, apiKey: 'sekrit-key', sleep: withKey.sleep, clock: withKey.clock }));
    expect(withKey.sleeps).toEqual([]);
    expect(s.requests.map((r) => r.headers.apikey)).toEqual(Array(8).fill('sekrit-key'));
    expect(s.requests.some((r) => r.search.includes('sekrit'))).toBe(false);
  });
});

describe('NVD update', () => {
  it('reads every page of the KEV CVEs (first run), with progress', async () => {
    const s = await serve(fakeNvd(() => cves(12), () => NVD_NOW));
    const progress: NvdProgress[] = [];
    const u = await fetchNvdUpdate({ ...opts(s), resultsPerPage: 3, onProgress: (p) => progress.push(p) });
    expect(s.requests.map((r) => r.search)).toEqual([
      '?hasKev&resultsPerPage=3&startIndex=0',
      '?hasKev&resultsPerPage=3&startIndex=3',
      '?hasKev&resultsPerPage=3&startIndex=6',
    ]);
    const got = await records(u);
    expect(got).toHaveLength(8);
    expect(got.every((c) => c.configurations.length > 0)).toBe(true);
    expect(progress.map((p) => [p.page, p.pages, p.cves])).toEqual([
      [1, 3, 3],
      [2, 3, 6],
      [3, 3, 8],
    ]);
    expect(u.info.sync).toEqual({ scope: 'kev', mode: 'full', through: `${NVD_NOW}Z`, at: UNTIL.toISOString() });
    expect(u.info.source).toBe(`${s.url}/rest/json/cves/2.0`);
    expect(u.info.totalResults).toBe(8);
  });

  it('reads every CVE with scope all', async () => {
    const s = await serve(fakeNvd(() => cves(12), () => NVD_NOW));
    const u = await fetchNvdUpdate({ ...opts(s), scope: 'all', resultsPerPage: 5 });
    expect(await records(u)).toHaveLength(12);
    expect(s.requests.every((r) => !r.query.has('hasKev'))).toBe(true);
  });

  it('fetches only what changed since, in ranges of at most 120 days', async () => {
    const s = await serve(fakeNvd(() => cves(300), () => NVD_NOW));
    const since = new Date(UNTIL.getTime() - 200 * DAY);
    const u = await fetchNvdUpdate({ ...opts(s), scope: 'all', since, resultsPerPage: 2000 });
    expect(u.ranges).toBe(2);
    const asked = s.requests.map((r) => [r.query.get('lastModStartDate'), r.query.get('lastModEndDate')]);
    expect(asked).toEqual([
      [nvdDate(since), nvdDate(new Date(since.getTime() + 120 * DAY))],
      [nvdDate(new Date(since.getTime() + 120 * DAY)), nvdDate(UNTIL)],
    ]);
    expect(s.requests[0]!.search).toContain('%2B00%3A00');
    // CVEs modified 1..200 days ago; the one exactly on the boundary of both ranges counted once.
    expect(await records(u)).toHaveLength(200);
    expect(u.info.sync).toMatchObject({ mode: 'incremental', since: since.toISOString(), through: `${NVD_NOW}Z` });
  });

  it('keeps the newer version of a CVE met twice and never moves the sync point back', async () => {
    const twice = [
      { id: 'CVE-2025-0001', lastModified: '2026-02-27T10:00:00.000', kev: true, description: 'old' },
      { id: 'CVE-2025-0001', lastModified: '2026-02-28T10:00:00.000', kev: true, description: 'new' },
    ];
    const s = await serve(fakeNvd(() => twice, () => '2020-01-01T00:00:00.000'));
    const since = new Date(UNTIL.getTime() - 10 * DAY);
    const u = await fetchNvdUpdate({ ...opts(s), since, resultsPerPage: 1 });
    expect((await records(u)).map((c) => c.description)).toEqual(['new']);
    expect(u.info.sync.through).toBe(since.toISOString()); // NVD's odd clock is not trusted below `since`
    const none = await fetchNvdUpdate({ ...opts(s), since: UNTIL });
    expect(none.requests).toBe(0);
    expect(none.info.sync.through).toBe(UNTIL.toISOString());
    expect(await records(none)).toEqual([]);
  });
});

describe('NVD spool', () => {
  /** Five CVEs over three pages of 2; CVE-2025-0001 twice (newer first), CVE-2025-0002 twice (older first). */
  const met = [
    { id: 'CVE-2025-0001', lastModified: '2026-02-20T10:00:00.000', kev: true, description: '1 newer' },
    { id: 'CVE-2025-0002', lastModified: '2026-02-10T10:00:00.000', kev: true, description: '2 older' },
    { id: 'CVE-2025-0003', lastModified: '2026-02-11T10:00:00.000', kev: true, description: '3' },
    { id: 'CVE-2025-0001', lastModified: '2026-02-01T10:00:00.000', kev: true, description: '1 older' },
    { id: 'CVE-2025-0002', lastModified: '2026-02-21T10:00:00.000', kev: true, description: '2 newer' },
  ];

  it('keeps the newer version of a CVE met twice on different pages, whichever comes first', async () => {
    const s = await serve(fakeNvd(() => met, () => NVD_NOW));
    const u = await fetchNvdUpdate({ ...opts(s), resultsPerPage: 2 });
    expect(s.requests).toHaveLength(3);
    expect(u.info.totalResults).toBe(3);
    const got = await records(u, 2);
    expect(got.map((c) => [c.id, c.lastModified, c.description])).toEqual([
      ['CVE-2025-0001', '2026-02-20T10:00:00.000', '1 newer'],
      ['CVE-2025-0003', '2026-02-11T10:00:00.000', '3'],
      ['CVE-2025-0002', '2026-02-21T10:00:00.000', '2 newer'],
    ]);
    expect(got[0]!.configurations.length).toBeGreaterThan(0);
  });

  it('holds in memory only ids, dates and lines; the records are in a file of its own, removed after use', async () => {
    const s = await serve(fakeNvd(() => met, () => NVD_NOW));
    const u = await fetchNvdUpdate({ ...opts(s), resultsPerPage: 2 });
    expect(readdirSync(spoolDir)).toEqual([expect.stringMatching(/^hubguard-nvd-[\w-]+\.ndjson$/)]);
    expect(u.spool.path).toBe(join(spoolDir, readdirSync(spoolDir)[0]!));
    expect(Object.keys(u.spool).sort()).toEqual(['handle', 'kept', 'lines', 'path']);
    expect([...u.spool.kept]).toEqual([
      ['CVE-2025-0001', { lastModified: '2026-02-20T10:00:00.000', line: 0 }],
      ['CVE-2025-0002', { lastModified: '2026-02-21T10:00:00.000', line: 4 }],
      ['CVE-2025-0003', { lastModified: '2026-02-11T10:00:00.000', line: 2 }],
    ]);
    for (const entry of u.spool.kept.values()) expect(Object.keys(entry).sort()).toEqual(['lastModified', 'line']);
    expect(await records(u)).toHaveLength(3);
    expect(readdirSync(spoolDir)).toEqual([]);
    await u.spool.remove(); // again: nothing left to do
  });

  it('fails with HG_ERR_CONFIG, naming TMPDIR, when the spool cannot be created', async () => {
    const s = await serve(fakeNvd(() => met, () => NVD_NOW));
    const e = await caught(fetchNvdUpdate({ ...opts(s), spoolDir: join(spoolDir, 'missing') }));
    expect(e.code).toBe('HG_ERR_CONFIG');
    expect(e.message).toMatch(/cannot write the NVD update's spool file .*missing.*ENOENT.*TMPDIR/);
    expect(s.requests).toHaveLength(0);
  });

  it('reads back in batches, and refuses appends once read', async () => {
    const spool = await NvdSpool.create(spoolDir);
    try {
      const cves = Array.from({ length: 5 }, (_, i): NvdCve => ({ id: `CVE-2025-${1000 + i}`, lastModified: '2026-01-01T00:00:00.000', configurations: [] }));
      await spool.append(cves.slice(0, 3));
      await spool.append(cves.slice(3));
      const sizes: number[] = [];
      for await (const batch of spool.batches(2)) sizes.push(batch.length);
      expect(sizes).toEqual([2, 2, 1]);
      expect((await caught(spool.append(cves))).code).toBe('HG_ERR_INTERNAL');
    } finally {
      await spool.remove();
    }
  });
});

describe('NVD failures', () => {
  const busyOn = (n: number, status: number, headers: Record<string, string> = {}) =>
    fakeNvd(() => cves(12), () => NVD_NOW, (_req, i) => (i === n ? { status, headers, body: 'busy' } : undefined));

  it('tries again after 403, 429 and 503, with backoff and Retry-After', async () => {
    for (const status of [403, 429, 503]) {
      const s = await serve(busyOn(2, status, status === 429 ? { 'retry-after': '7' } : {}));
      const time = fakeTime();
      const u = await fetchNvdUpdate({ ...opts(s), resultsPerPage: 3, backoffMs: 1000, sleep: time.sleep, clock: time.clock });
      expect(await records(u)).toHaveLength(8);
      expect(u.requests).toBe(4);
      expect(time.sleeps).toEqual([status === 429 ? 7000 : 1000]);
      await s.close();
      server = undefined;
    }
  });

  it('fails with HG_ERR_NETWORK after the last try, naming the page and never the key', async () => {
    const s = await serve(fakeNvd(() => cves(12), () => NVD_NOW, (req) => (req.query.get('startIndex') === '6' ? { status: 503, body: '' } : undefined)));
    const time = fakeTime();
    const e = await caught(fetchNvdUpdate({ ...opts(s), apiKey: 'sekrit-key', resultsPerPage: 3, backoffMs: 1000, sleep: time.sleep, clock: time.clock }));
    expect(e.code).toBe('HG_ERR_NETWORK');
    expect(e.message).toContain(`${s.url}/rest/json/cves/2.0?hasKev&resultsPerPage=3&startIndex=6 answered HTTP 503 4 time(s) (page 3 of 3, startIndex 6)`);
    expect(e.message).toContain('hubguard feeds import');
    expect(e.message).not.toContain('sekrit');
    expect(time.sleeps).toEqual([1000, 2000, 4000]);
    expect(s.requests).toHaveLength(6);
    expect(readdirSync(spoolDir)).toEqual([]); // pages 1 and 2 were spooled: removed
  });

  it('does not retry other HTTP errors', async () => {
    const s = await serve(busyOn(1, 404));
    const e = await caught(fetchNvdUpdate(opts(s)));
    expect(e.code).toBe('HG_ERR_NETWORK');
    expect(e.message).toMatch(/HTTP 404/);
    expect(s.requests).toHaveLength(1);
  });

  it('locates a page that is not JSON', async () => {
    const s = await serve(fakeNvd(() => cves(12), () => NVD_NOW, (_r, i) => (i === 2 ? { body: '<html>\n<body>Service Unavailable</body>' } : undefined)));
    const e = await caught(fetchNvdUpdate({ ...opts(s), resultsPerPage: 3 }));
    expect(e.code).toBe('HG_ERR_JSON');
    expect(e.location).toMatchObject({ file: `${s.url}/rest/json/cves/2.0?hasKev&resultsPerPage=3&startIndex=3`, line: 1, column: 1 });
    expect(e.message).toContain('page 2 of 3, startIndex 3');
  });

  it('rejects vulnerabilities of the wrong type and missing paging fields', async () => {
    const page = (body: Record<string, unknown>) => JSON.stringify({ resultsPerPage: 1, startIndex: 0, totalResults: 1, format: 'NVD_CVE', version: '2.0', timestamp: NVD_NOW, ...body });
    const s = await serve(() => ({ body: page({ vulnerabilities: { cve: {} } }) }));
    const e = await caught(fetchNvdUpdate(opts(s)));
    expect(e).toMatchObject({ code: 'HG_ERR_VALIDATION', location: { file: expect.stringContaining('startIndex=0'), field: 'vulnerabilities' } });
    expect(e.message).toMatch(/page 1 of \?, startIndex 0: expected a list/);
    await s.close();

    const s2 = await serve(() => ({ body: page({ totalResults: undefined, vulnerabilities: [] }) }));
    expect((await caught(fetchNvdUpdate(opts(s2)))).location?.field).toBe('totalResults');
    await s2.close();

    const s3 = await serve(() => ({ body: page({ totalResults: '12', vulnerabilities: [] }) }));
    expect((await caught(fetchNvdUpdate(opts(s3)))).message).toMatch(/totalResults: .*whole number/);
  });

  it('stops when totalResults changes while paging', async () => {
    let total = 8;
    const s = await serve((req) => {
      const start = Number(req.query.get('startIndex'));
      const items = cves(12)
        .filter((c) => c.kev)
        .slice(start, start + 3)
        .map(nvdItem);
      const answer = nvdPage(items, { startIndex: start, totalResults: total, resultsPerPage: 3 }, NVD_NOW);
      total = 9;
      return { body: answer };
    });
    const e = await caught(fetchNvdUpdate({ ...opts(s), resultsPerPage: 3 }));
    expect(e.code).toBe('HG_ERR_VALIDATION');
    expect(e.location).toMatchObject({ file: expect.stringContaining('startIndex=3'), field: 'totalResults' });
    expect(e.message).toContain('page 2 of 3, startIndex 3: totalResults changed from 8 to 9 while paging');
  });

  it('stops on an empty page before the end and on a wrong startIndex', async () => {
    const s = await serve((req) => {
      const start = Number(req.query.get('startIndex'));
      const items = start === 0 ? cves(3).map(nvdItem) : [];
      return { body: nvdPage(items, { startIndex: start, totalResults: 10, resultsPerPage: 3 }, NVD_NOW) };
    });
    expect((await caught(fetchNvdUpdate({ ...opts(s), resultsPerPage: 3 }))).message).toMatch(/page 2 of 4, startIndex 3: no records, though totalResults is 10/);
    await s.close();

    const s2 = await serve(() => ({ body: nvdPage(cves(3).map(nvdItem), { startIndex: 5, totalResults: 10, resultsPerPage: 3 }, NVD_NOW) }));
    expect((await caught(fetchNvdUpdate({ ...opts(s2), resultsPerPage: 3 }))).message).toMatch(/asked for startIndex 0, got 5/);
  });
});
