import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { BUNDLED_NVD_CVES } from '../ingest/feeds/bundled.js';
import { FEED_URLS, type FetchLike } from '../ingest/feeds/index.js';
import { openDatabase } from '../store/db.js';
import { nvdSyncFrom } from '../store/feeds.js';
import { Repository } from '../store/repository.js';
import { ageDays, createFeedsCommand } from './feeds.js';
import { reportError } from './main.js';
import { capturedContext, FIXTURES, runCli, tempDir } from './test-support.js';

const F = (name: string) => join(FIXTURES, 'feeds', name);

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
    const { ctx, out } = await capturedContext();
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
    const { ctx, out } = await capturedContext();
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
