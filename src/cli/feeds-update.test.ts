import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { nvdDate, type NvdSync } from '../ingest/feeds/index.js';
import { fakeNvd, nvdStamp, startServer, type Answer, type FakeCve, type SeenRequest, type TestServer } from '../ingest/feeds/test-support.js';
import { openDatabase } from '../store/db.js';
import { nvdSyncFrom } from '../store/feeds.js';
import { Repository } from '../store/repository.js';
import { createFeedsCommand, type FeedsDeps } from './feeds.js';
import { reportError } from './main.js';
import { capturedContext, FIXTURES } from './test-support.js';

const F = (name: string) => join(FIXTURES, 'feeds', name);

describe('hubguard feeds update: NVD by last-modified date (local server)', () => {
  const DAY = 86_400_000;
  let now = new Date('2026-03-01T00:00:00.000Z');
  /** NVD's clock: a minute behind ours. */
  const nvdNow = () => nvdStamp(new Date(now.getTime() - 60_000));
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    now = new Date('2026-03-01T00:00:00.000Z');
  });

  /** `n` CVEs, every third not in KEV, modified a day apart up to yesterday. */
  const cves = (n: number): FakeCve[] =>
    Array.from({ length: n }, (_, i) => ({ id: `CVE-2025-${String(10000 + i)}`, lastModified: nvdStamp(new Date(now.getTime() - (i + 1) * DAY)), kev: i % 3 !== 2 }));

  async function setup(data: FakeCve[], override?: (req: SeenRequest, n: number) => Answer | undefined, env: Record<string, string> = {}) {
    const s = await startServer(fakeNvd(() => data, nvdNow, override));
    server = s;
    const { ctx, out } = await capturedContext();
    ctx.env = { ...ctx.env, HUBGUARD_NVD_API_URL: `${s.url}/rest/json/cves/2.0`, ...env };
    let t = 0;
    const deps: FeedsDeps = {
      fetch: (u, i) => fetch(u, i),
      now: () => now,
      clock: () => t,
      sleep: async (ms) => void (t += ms),
      backoffMs: 1,
      spoolDir: join(ctx.cwd, 'spool'),
    };
    mkdirSync(deps.spoolDir!);
    /** Spool files left behind: none, after a success as after a failure. */
    const spooled = () => readdirSync(deps.spoolDir!);
    const db = join(ctx.cwd, 'hg.db');
    const run = async (...args: string[]) => {
      out.stdout = '';
      out.stderr = '';
      const code = await createFeedsCommand(deps)
        .run(['update', '--only', 'nvd', '--db', db, ...args], ctx)
        .catch((e: unknown) => reportError(e, ctx));
      return { code, out: out.stdout, err: out.stderr };
    };
    return { s, ctx, out, db, run, spooled };
  }

  /** What the store holds of NVD: records with their description, and the remembered sync. */
  async function nvdState(db: string): Promise<{ cves: [string, string | undefined][]; sync?: NvdSync; date?: string }> {
    const d = await openDatabase(`sqlite:${db}`);
    try {
      const repo = new Repository(d);
      const scope = allTenants('test');
      const out: [string, string | undefined][] = [];
      for await (const c of repo.iterateNvdCves(scope)) out.push([c.id, c.lastModified]);
      const feeds = await repo.listFeeds(scope);
      return { cves: out, sync: nvdSyncFrom(feeds), date: feeds.find((f) => f.name === 'nvd')?.date };
    } finally {
      await d.close();
    }
  }

  it('first run reads the KEV CVEs; the next run only what changed since the remembered sync', async () => {
    const data = cves(12);
    const { s, ctx, out, db, run, spooled } = await setup(data);
    const first = await run('--json');
    expect(first.code).toBe(0);
    expect(spooled()).toEqual([]);
    expect(s.requests.map((r) => r.search)).toEqual(['?hasKev&resultsPerPage=2000&startIndex=0']);
    expect(first.err).toContain(`nvd: fetched all 8 records of the CVEs in KEV (1 request); the next update starts from ${nvdNow()}Z`);
    const state = await nvdState(db);
    expect(state.cves).toHaveLength(8);
    const through = `${nvdNow()}Z`;
    expect(state.sync).toEqual({ scope: 'kev', mode: 'full', through, at: now.toISOString() });
    const status = await createFeedsCommand({ fetch: () => Promise.reject(new Error('offline')), now: () => now }).run(['status', '--db', db], ctx);
    expect(status).toBe(0);
    expect(out.stdout).toContain(`NVD: the CVEs in KEV, complete through ${through} (last update ${now.toISOString()}, full)`);

    // A day later: one KEV record changed, one new.
    now = new Date(now.getTime() + DAY);
    data[0]!.lastModified = nvdStamp(new Date(now.getTime() - 3_600_000));
    data.push({ id: 'CVE-2026-0001', lastModified: nvdStamp(new Date(now.getTime() - 7_200_000)), kev: true });
    s.requests.length = 0;
    const second = await run();
    expect(second.code).toBe(0);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.query.get('lastModStartDate')).toBe(nvdDate(new Date(through)));
    expect(s.requests[0]!.query.get('lastModEndDate')).toBe(nvdDate(now));
    expect(s.requests[0]!.search).toMatch(/^\?hasKev&/);
    expect(second.err).toContain(`nvd: fetched 2 records of the CVEs in KEV modified since ${through} (1 request)`);
    expect(second.out).toMatch(/nvd\s+2\.0\s+\S+\s+2\s+9\s+merged/);
    const after = await nvdState(db);
    expect(after.cves).toHaveLength(9);
    expect(after.cves.find(([id]) => id === data[0]!.id)![1]).toBe(data[0]!.lastModified);
    expect(after.sync).toEqual({ scope: 'kev', mode: 'incremental', since: through, through: `${nvdNow()}Z`, at: now.toISOString() });
  });

  it('the bundled NVD excerpt is no sync point: the first update after it reads every KEV CVE and keeps the excerpt', async () => {
    const data = cves(6);
    const { s, ctx, db, run } = await setup(data);
    expect(await createFeedsCommand({ fetch: () => Promise.reject(new Error('offline')), now: () => now }).run(['status', '--db', db], ctx)).toBe(0);
    expect((await nvdState(db)).cves).toHaveLength(8);
    const r = await run();
    expect(r.code, r.err).toBe(0);
    expect(s.requests.map((q) => q.search)).toEqual(['?hasKev&resultsPerPage=2000&startIndex=0']);
    const state = await nvdState(db);
    expect(state.cves).toHaveLength(8 + 4);
    expect(state.sync).toMatchObject({ scope: 'kev', mode: 'full' });
    expect(state.date).toBe(`${nvdNow()}Z`);
  });

  it('a 503 on page 3 leaves the store unchanged and the sync time unmoved', async () => {
    const data = cves(3000);
    let failing = false;
    const { s, db, run, spooled } = await setup(data, (req) => (failing && req.query.get('startIndex') === '4000' ? { status: 503, body: 'busy' } : undefined));
    expect((await run('--nvd-scope', 'all')).code).toBe(0);
    const before = await nvdState(db);
    expect(before.cves).toHaveLength(3000);
    expect(before.sync).toMatchObject({ scope: 'all', mode: 'full' });

    // Every record changes, then the refresh fails on its third page: nothing of pages 1 and 2 may stay.
    now = new Date(now.getTime() + DAY);
    for (const c of data) c.lastModified = nvdStamp(new Date(now.getTime() - 3_600_000));
    data.push(...Array.from({ length: 2000 }, (_, i) => ({ id: `CVE-2026-${String(10000 + i)}`, lastModified: nvdStamp(new Date(now.getTime() - 3_600_000)), kev: false })));
    failing = true;
    s.requests.length = 0;
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toContain('answered HTTP 503 4 time(s) (page 3 of 3, startIndex 4000)');
    expect(r.err).toContain('[HG_ERR_NETWORK]');
    expect(s.requests.map((q) => q.query.get('startIndex'))).toEqual(['0', '2000', '4000', '4000', '4000', '4000']);
    expect(await nvdState(db)).toEqual(before);
    expect(spooled()).toEqual([]);
  });

  it('writes a multi-page update in batches, keeps the newer version of a CVE met twice, and removes its spool', async () => {
    const data = cves(4500);
    const twice = data[10]!;
    // The same CVE again on page 2, changed since: the newer version wins over the one on page 1.
    data.splice(3000, 0, { ...twice, lastModified: nvdStamp(new Date(now.getTime() - 60_000)) });
    // ... and an older copy of another on page 3: the newer one on page 1 stays.
    const kept = data[20]!;
    data.splice(4200, 0, { ...kept, lastModified: '2020-01-01T00:00:00.000' });
    const { s, db, run, spooled } = await setup(data);
    const r = await run('--nvd-scope', 'all', '--json');
    expect(r.code, r.err).toBe(0);
    expect(s.requests.map((q) => q.query.get('startIndex'))).toEqual(['0', '2000', '4000']);
    expect(r.err).toContain('nvd: fetched all 4,500 records of every CVE (3 requests)');
    expect((JSON.parse(r.out) as { imported: { name: string; imported: number; count: number }[] }).imported).toMatchObject([{ name: 'nvd', imported: 4500, count: 4500 }]);
    const state = await nvdState(db);
    expect(state.cves).toHaveLength(4500);
    const modified = new Map(state.cves);
    expect(modified.get(twice.id)).toBe(nvdStamp(new Date(now.getTime() - 60_000)));
    expect(modified.get(kept.id)).toBe(kept.lastModified);
    expect(state.sync).toMatchObject({ scope: 'all', mode: 'full' });
    expect(spooled()).toEqual([]);
  });

  it('--nvd-full, --nvd-since and --nvd-scope choose what is fetched', async () => {
    const data = cves(12);
    const { s, db, run } = await setup(data);
    expect((await run('--nvd-since', '2026-02-20')).code).toBe(0);
    expect(s.requests[0]!.query.get('lastModStartDate')).toBe('2026-02-20T00:00:00.000+00:00');
    expect((await nvdState(db)).cves).toHaveLength(6); // KEV CVEs modified 1..9 days ago
    expect((await nvdState(db)).sync).toMatchObject({ scope: 'kev', mode: 'incremental', since: '2026-02-20T00:00:00.000Z' });

    s.requests.length = 0;
    expect((await run('--nvd-full')).code).toBe(0);
    expect(s.requests.map((r) => r.search)).toEqual(['?hasKev&resultsPerPage=2000&startIndex=0']);

    // Another scope than the remembered one starts with the whole scope.
    s.requests.length = 0;
    expect((await run('--nvd-scope', 'all')).code).toBe(0);
    expect(s.requests.map((r) => r.search)).toEqual(['?resultsPerPage=2000&startIndex=0']);
    expect((await nvdState(db)).cves).toHaveLength(12);
    // ... and is remembered: the next plain run is incremental over every CVE.
    s.requests.length = 0;
    expect((await run()).code).toBe(0);
    expect(s.requests[0]!.search).toMatch(/^\?lastModStartDate=/);

    s.requests.length = 0;
    expect((await run('--nvd-since', '2026-02-20T08:00:00')).code).toBe(0);
    expect(s.requests[0]!.query.get('lastModStartDate')).toBe('2026-02-20T08:00:00.000+00:00');

    for (const bad of [['--nvd-since', 'yesterday'], ['--nvd-since', '2027-01-01'], ['--nvd-since', '2026-01-01', '--nvd-full'], ['--nvd-scope', 'some'], ['--nvd-full', '--only', 'kev']]) {
      const r = await run(...bad);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[HG_ERR_USAGE]');
      if (bad.includes('--only')) expect(r.err).toContain('need nvd among --only');
    }
  });

  it('sends the API key from HUBGUARD_NVD_API_KEY in the apiKey header and never prints it', async () => {
    let busy = 1; // the first request is refused, then as many as `busy` says
    const { s, run } = await setup(cves(6), (_req, n) => (n <= busy ? { status: 429, body: '' } : undefined), { HUBGUARD_NVD_API_KEY: 'sekrit-key-123' });
    const ok = await run('--json');
    expect(ok.code).toBe(0);
    expect(s.requests.map((r) => r.headers.apikey)).toEqual(['sekrit-key-123', 'sekrit-key-123']);
    busy = Infinity;
    const failed = await run();
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('answered HTTP 429 4 time(s)');
    expect(JSON.stringify([ok, failed])).not.toContain('sekrit');
  });

  it('draws page progress on a terminal only', async () => {
    const { ctx, run } = await setup(cves(3));
    ctx.interactive = true;
    const r = await run();
    expect(r.err).toMatch(/\rnvd: page 1\/1, 2 records/);
    ctx.interactive = false;
    expect((await run()).err).not.toContain('\r');
  });

  it('takes the KEV and EPSS locations from the environment, and refuses a bad one', async () => {
    const files: Record<string, string> = { '/kev.json': 'kev-excerpt.json', '/epss.csv.gz': 'epss-excerpt.csv.gz' };
    const s = await startServer((req) => {
      const f = files[req.path];
      return f ? { body: readFileSync(F(f)) } : { status: 404, body: '' };
    });
    server = s;
    const { ctx, out } = await capturedContext();
    ctx.env = { ...ctx.env, HUBGUARD_KEV_URL: `${s.url}/kev.json`, HUBGUARD_EPSS_URL: `${s.url}/epss.csv.gz` };
    const db = join(ctx.cwd, 'hg.db');
    const code = await createFeedsCommand({ fetch: (u, i) => fetch(u, i) }).run(['update', '--only', 'kev,epss', '--db', db, '--json'], ctx);
    expect(code).toBe(0);
    expect(s.requests.map((r) => r.path)).toEqual(['/kev.json', '/epss.csv.gz']);
    expect((JSON.parse(out.stdout) as { imported: { name: string; count: number }[] }).imported.map((x) => [x.name, x.count])).toEqual([
      ['kev', 5],
      ['epss', 18],
    ]);
    ctx.env.HUBGUARD_KEV_URL = 'file:///etc/passwd';
    out.stderr = '';
    const bad = await createFeedsCommand({ fetch: (u, i) => fetch(u, i) })
      .run(['update', '--only', 'kev', '--db', db], ctx)
      .catch((e: unknown) => reportError(e, ctx));
    expect(bad).toBe(1);
    expect(out.stderr).toContain('HUBGUARD_KEV_URL must be an http(s) URL');
    expect(out.stderr).toContain('[HG_ERR_CONFIG]');
  });
});
