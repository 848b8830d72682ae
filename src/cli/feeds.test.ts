import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { BUNDLED_NVD_CVES } from '../ingest/feeds/bundled.js';
import { FEED_URLS, nvdDate, type FetchLike, type NvdSync } from '../ingest/feeds/index.js';
import { fakeNvd, nvdStamp, startServer, type Answer, type FakeCve, type SeenRequest, type TestServer } from '../ingest/feeds/test-support.js';
import { openDatabase } from '../store/db.js';
import { nvdSyncFrom } from '../store/feeds.js';
import { Repository } from '../store/repository.js';
import type { CliContext } from './context.js';
import { ageDays, createFeedsCommand, type FeedsDeps } from './feeds.js';
import { reportError } from './main.js';
import { FIXTURES, runCli, tempDir } from './test-support.js';

const F = (name: string) => join(FIXTURES, 'feeds', name);

/** A captured context for running the command object directly (to inject fetch). */
async function captured() {
  const out = { stdout: '', stderr: '' };
  const sink = (k: 'stdout' | 'stderr') => new Writable({ write(c, _e, cb) { out[k] += String(c); cb(); } });
  const ctx: CliContext = { stdout: sink('stdout'), stderr: sink('stderr'), env: { PATH: process.env.PATH }, cwd: await tempDir(), interactive: false };
  return { ctx, out };
}

describe('hubguard feeds', () => {
  it('imports feed files recognized by content, then shows their dates and staleness', async () => {
    const db = join(await tempDir(), 'hg.db');
    const imp = await runCli(['feeds', 'import', F('kev-excerpt.json'), F('epss-excerpt.csv.gz'), F('nvd-page.json'), F('cve5-CVE-2024-3400.json'), '--db', db]);
    expect(imp.err).toContain('imported');
    expect(imp.code).toBe(0);
    expect(imp.out).toMatch(/kev\s+2025\.08\.25\s+2025-08-25T17:04:19\.9796Z\s+5/);
    expect(imp.out).toMatch(/epss\s+v2025\.03\.14\s+2025-11-28T12:55:00Z\s+18/);
    expect(imp.out).toMatch(/nvd\s+2\.0\s+2025-10-24T13:00:00\.000Z\s+3/);

    const st = await runCli(['feeds', 'status', '--db', db]);
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/kev\s+2025\.08\.25\s+2025-08-25T17:04:19\.9796Z\s+\d+\s+5\s+.*STALE \(> 7 days\)/);
    expect(st.out).toMatch(/cve5\s+5\.1/);
    expect(st.err).toMatch(/warning: the kev feed is from 2025-08-25/);

    const json = await runCli(['feeds', 'status', '--db', db, '--json']);
    const rows = (JSON.parse(json.out) as { feeds: { name: string; present: boolean; count?: number; stale?: boolean }[] }).feeds;
    expect(rows.map((r) => [r.name, r.count, r.stale])).toEqual([
      ['kev', 5, true],
      ['epss', 18, true],
      ['nvd', 3, true],
      ['cve5', 1, true],
    ]);
  });

  it('loads the bundled KEV snapshot on demand and on first status', async () => {
    const db = join(await tempDir(), 'hg.db');
    const st = await runCli(['feeds', 'status', '--db', db]);
    expect(st.code).toBe(0);
    expect(st.err).toMatch(/loaded the bundled snapshot of 2025-11-14/);
    expect(st.out).toMatch(/kev\s+csv-2025-11-14\s+2025-11-14/);
    expect(st.out).toMatch(/epss\s+-.*not imported/);
    const again = await runCli(['feeds', 'import', '--bundled', '--db', db, '--json']);
    expect(again.code).toBe(0);
    const r = JSON.parse(again.out) as { imported: { name: string; count: number; date: string }[] };
    expect(r.imported[0]).toMatchObject({ name: 'kev', date: '2025-11-14' });
    expect(r.imported[0]!.count).toBeGreaterThan(1400);
  });

  it('status on a fresh database loads the bundled KEV snapshot and NVD excerpt and reports them', async () => {
    const db = join(await tempDir(), 'hg.db');
    const st = await runCli(['feeds', 'status', '--db', db]);
    expect(st.code, st.err).toBe(0);
    expect(st.err).toMatch(/no KEV catalog yet: loaded the bundled snapshot of 2025-11-14/);
    expect(st.err).toContain('no NVD records yet: loaded the bundled excerpt of 2025-10-24T13:00:00.000Z (8 records); `hubguard feeds update` fetches the full NVD data');
    // Dated like any NVD page, so its age shows.
    expect(st.out).toMatch(/nvd\s+2\.0\s+2025-10-24T13:00:00\.000Z\s+\d+\s+8\s+.*STALE \(> 30 days\)/);
    expect(st.out).toContain(`NVD: the bundled excerpt of 8 records (${BUNDLED_NVD_CVES.join(', ')})`);
    expect(st.err).toMatch(/warning: the nvd feed is from 2025-10-24/);
    const json = await runCli(['feeds', 'status', '--db', db, '--json']);
    expect(json.err).toBe('');
    const rows = (JSON.parse(json.out) as { feeds: { name: string; present: boolean; bundled?: boolean; count?: number }[] }).feeds;
    expect(rows.map((r) => [r.name, r.present, r.bundled, r.count])).toEqual([
      ['kev', true, true, expect.any(Number)],
      ['epss', false, undefined, undefined],
      ['nvd', true, true, 8],
      ['cve5', false, undefined, undefined],
    ]);
    // The excerpt is no sync point: the next `feeds update` reads every record of its scope.
    const d = await openDatabase(`sqlite:${db}`);
    try {
      expect(nvdSyncFrom(await new Repository(d).listFeeds(allTenants('test')))).toBeUndefined();
    } finally {
      await d.close();
    }
  });

  it('an NVD file imported after the bundled excerpt adds and replaces records, and its date is shown', async () => {
    const dir = await tempDir();
    const db = join(dir, 'hg.db');
    expect((await runCli(['feeds', 'import', '--bundled', '--db', db])).code).toBe(0);
    // A newer page: one record changed since the excerpt, one CVE it does not hold.
    const page = JSON.parse(readFileSync(F('nvd-page.json'), 'utf8')) as { timestamp: string; vulnerabilities: { cve: { id: string; lastModified: string } }[] };
    page.timestamp = '2026-11-20T08:00:00.000';
    const [forti, panos] = page.vulnerabilities.map((v) => v.cve);
    forti!.lastModified = '2026-11-19T10:00:00.000';
    panos!.id = 'CVE-2026-0001';
    const file = join(dir, 'nvd-newer.json');
    writeFileSync(file, JSON.stringify(page));

    const imp = await runCli(['feeds', 'import', file, '--db', db, '--json']);
    expect(imp.code, imp.err).toBe(0);
    expect((JSON.parse(imp.out) as { imported: unknown[] }).imported).toEqual([
      expect.objectContaining({ name: 'nvd', date: '2026-11-20T08:00:00.000Z', imported: 3, count: 9, mode: 'merged' }),
    ]);
    const st = await runCli(['feeds', 'status', '--db', db]);
    expect(st.err).not.toContain('loaded the bundled');
    expect(st.out).toMatch(/nvd\s+2\.0\s+2026-11-20T08:00:00\.000Z\s+\d+\s+9\s/);
    expect(st.out).not.toContain('bundled excerpt');

    const d = await openDatabase(`sqlite:${db}`);
    try {
      const repo = new Repository(d);
      const scope = allTenants('test');
      const stored = await repo.nvdCves(scope, ['CVE-2024-21762', 'CVE-2026-0001', 'CVE-2023-4966']);
      expect(stored.get('CVE-2024-21762')?.lastModified).toBe('2026-11-19T10:00:00.000');
      expect(stored.has('CVE-2026-0001')).toBe(true);
      expect(stored.has('CVE-2023-4966')).toBe(true);
    } finally {
      await d.close();
    }
    // --bundled again reloads KEV but never puts the older excerpt over imported NVD records.
    const again = await runCli(['feeds', 'import', '--bundled', '--db', db, '--json']);
    expect((JSON.parse(again.out) as { imported: { name: string }[] }).imported.map((r) => r.name)).toEqual(['kev']);
  });

  it('writes nothing when one file of several is broken', async () => {
    const db = join(await tempDir(), 'hg.db');
    const r = await runCli(['feeds', 'import', F('kev-excerpt.json'), F('broken/kev-truncated.json'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/kev-truncated\.json:\d+:\d+: malformed JSON.*\[HG_ERR_JSON\]/);
    const st = await runCli(['feeds', 'status', '--db', db, '--json']);
    // Only the bundled snapshot (loaded by status) is there: the good file of the failed import was not kept.
    const kev = (JSON.parse(st.out) as { feeds: { name: string; version?: string }[] }).feeds.find((f) => f.name === 'kev');
    expect(kev?.version).toBe('csv-2025-11-14');
  });

  it('rejects unknown files and usage errors', async () => {
    const db = join(await tempDir(), 'hg.db');
    const r = await runCli(['feeds', 'import', join(FIXTURES, 'workspace', 'example', 'assets.json'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[HG_ERR_UNRECOGNIZED_FILE]');
    expect((await runCli(['feeds'])).code).toBe(2);
    expect((await runCli(['feeds', 'import'])).code).toBe(2);
    expect((await runCli(['feeds', 'status', '--bogus'])).err).toContain('HG_ERR_USAGE');
  });

  it('update fails fast and cleanly without network, naming the URL', async () => {
    const { ctx, out } = await captured();
    const urls: string[] = [];
    const offline: FetchLike = (url) => {
      urls.push(url);
      return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND www.cisa.gov'), { code: 'ENOTFOUND' }) }));
    };
    const db = join(ctx.cwd, 'hg.db');
    const cmd = createFeedsCommand({ fetch: offline });
    const code = await cmd.run(['update', '--db', db], ctx).catch((e: unknown) => reportError(e, ctx));
    expect(code).toBe(1);
    expect(urls).toEqual([FEED_URLS.kev]);
    expect(out.stderr).toContain(`cannot reach ${FEED_URLS.kev}`);
    expect(out.stderr).toContain('hubguard feeds import <file>');
    expect(out.stderr).toContain('[HG_ERR_NETWORK]');
  });

  it('update downloads, parses and stores KEV, EPSS and NVD (fake fetch)', async () => {
    const { ctx, out } = await captured();
    const files: Record<string, string> = { [FEED_URLS.kev]: 'kev-excerpt.json', [FEED_URLS.epss]: 'epss-excerpt.csv.gz' };
    const seen: string[] = [];
    const fake: FetchLike = async (url) => {
      seen.push(url);
      const name = url.startsWith(FEED_URLS.nvd) ? 'nvd-page.json' : files[url];
      if (!name) return { ok: false, status: 404, headers: { get: () => null }, arrayBuffer: async () => new ArrayBuffer(0) };
      const body = readFileSync(F(name));
      return { ok: true, status: 200, headers: { get: () => null }, arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer };
    };
    const db = join(ctx.cwd, 'hg.db');
    const code = await createFeedsCommand({ fetch: fake, sleep: async () => undefined }).run(['update', '--db', db, '--json'], ctx);
    expect(code).toBe(0);
    expect(seen).toEqual([FEED_URLS.kev, FEED_URLS.epss, `${FEED_URLS.nvd}?hasKev&resultsPerPage=2000&startIndex=0`]);
    const r = JSON.parse(out.stdout) as { imported: { name: string; count: number }[] };
    expect(r.imported.map((x) => [x.name, x.count])).toEqual([
      ['kev', 5],
      ['epss', 18],
      ['nvd', 3],
    ]);
  });

  it('computes ages in whole days, NVD zone-less stamps as UTC', () => {
    const now = new Date('2025-11-30T12:00:00Z');
    expect(ageDays('2025-11-28', now)).toBe(2);
    expect(ageDays('2025-11-29T13:00:00.000', now)).toBe(0);
    expect(ageDays('2026-01-01', now)).toBe(0);
  });
});

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
    const { ctx, out } = await captured();
    ctx.env = { ...ctx.env, HUBGUARD_NVD_API_URL: `${s.url}/rest/json/cves/2.0`, ...env };
    let t = 0;
    const deps: FeedsDeps = {
      fetch: (u, i) => fetch(u, i),
      now: () => now,
      clock: () => t,
      sleep: async (ms) => void (t += ms),
      backoffMs: 1,
    };
    const db = join(ctx.cwd, 'hg.db');
    const run = async (...args: string[]) => {
      out.stdout = '';
      out.stderr = '';
      const code = await createFeedsCommand(deps)
        .run(['update', '--only', 'nvd', '--db', db, ...args], ctx)
        .catch((e: unknown) => reportError(e, ctx));
      return { code, out: out.stdout, err: out.stderr };
    };
    return { s, ctx, out, db, run };
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
    const { s, ctx, out, db, run } = await setup(data);
    const first = await run('--json');
    expect(first.code).toBe(0);
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
    const { s, db, run } = await setup(data, (req) => (failing && req.query.get('startIndex') === '4000' ? { status: 503, body: 'busy' } : undefined));
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
    const { ctx, out } = await captured();
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
