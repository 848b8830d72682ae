import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPostgres } from './test-support/postgres.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allTenants, tenantsScope, type OrgId } from '../core/index.js';
import { parseFeedBytes, type ParsedFeed } from '../ingest/feeds/index.js';
import { openDatabase, type Database } from './db.js';
import { nvdSyncFrom } from './feeds.js';
import { Repository } from './repository.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'feeds');
const feed = (name: string): ParsedFeed => parseFeedBytes(readFileSync(join(FIX, name)), name);
const ALL = allTenants('test');
const NOW = '2026-01-01T00:00:00.000Z';

/** The feed store's behaviour, on any database. `open` opens the same database each time. */
function feedStoreContract(label: string, open: () => Promise<Database>): void {
  describe(`feed store on ${label}`, () => {
    let database: Database;
    let repo: Repository;
    beforeEach(async () => {
      database = await open();
      for (const t of ['feeds', 'feed_kev', 'feed_epss', 'feed_nvd', 'feed_cve5']) await database.db.deleteFrom(t as never).execute();
      repo = new Repository(database);
    });
    afterEach(async () => database.close());

    it('round-trips every feed with its date', async () => {
      const kev = await repo.importFeed(ALL, feed('kev-excerpt.json'), NOW);
      expect(kev).toMatchObject({ name: 'kev', version: '2025.08.25', date: '2025-08-25T17:04:19.9796Z', count: 5, imported: 5, mode: 'replaced', importedAt: NOW });
      await repo.importFeed(ALL, feed('epss-excerpt.csv.gz'), NOW);
      await repo.importFeed(ALL, feed('nvd-page.json'), NOW);
      await repo.importFeed(ALL, feed('cve5-CVE-2024-3400.json'), NOW);

      const feeds = await repo.listFeeds(ALL);
      expect(feeds.map((f) => [f.name, f.date, f.count])).toEqual([
        ['cve5', '2025-10-21T23:05:17.125Z', 1],
        ['epss', '2025-11-28T12:55:00Z', 18],
        ['kev', '2025-08-25T17:04:19.9796Z', 5],
        ['nvd', '2025-10-24T13:00:00.000Z', 3],
      ]);
      expect(feeds.find((f) => f.name === 'epss')!.meta).toEqual({ modelVersion: 'v2025.03.14' });

      const k = await repo.kevEntries(ALL, ['CVE-2024-3400', 'CVE-1999-0001']);
      expect([...k.keys()]).toEqual(['CVE-2024-3400']);
      expect(k.get('CVE-2024-3400')).toMatchObject({ vendorProject: 'Palo Alto Networks', product: 'PAN-OS', dueDate: '2024-04-19' });
      expect((await repo.epssScores(ALL, ['CVE-2024-3400'])).get('CVE-2024-3400')).toEqual({ cve: 'CVE-2024-3400', epss: 0.94306, percentile: 0.99941 });
      const n = await repo.nvdCves(ALL, ['CVE-2024-21762', 'CVE-2024-3400']);
      expect(n.get('CVE-2024-3400')!.configurations).toEqual([]);
      const original = feed('nvd-page.json');
      if (original.name === 'nvd') expect(n.get('CVE-2024-21762')).toEqual(original.cves[0]);
      const all = [];
      for await (const c of repo.iterateNvdCves(ALL, 2)) all.push(c.id);
      expect(all).toEqual(['CVE-2024-1709', 'CVE-2024-21762', 'CVE-2024-3400']);
      expect((await repo.cve5Info(ALL)).get('CVE-2024-3400')).toMatchObject({ automatable: 'yes', technicalImpact: 'total' });
    });

    it('re-import replaces KEV idempotently; NVD pages add up', async () => {
      await repo.importFeed(ALL, feed('kev-excerpt.json'), NOW);
      const csv = await repo.importFeed(ALL, feed('kev-excerpt.csv'), NOW);
      expect(csv).toMatchObject({ count: 6, date: '2025-11-14' });
      await repo.importFeed(ALL, feed('kev-excerpt.csv'), NOW);
      expect((await repo.kevEntries(ALL)).size).toBe(6);
      const page = feed('nvd-page.json');
      if (page.name !== 'nvd') throw new Error('fixture');
      await repo.importFeed(ALL, { ...page, cves: page.cves.slice(0, 1) }, NOW);
      const second = await repo.importFeed(ALL, { ...page, cves: page.cves.slice(1) }, NOW);
      expect(second).toMatchObject({ imported: 2, count: 3, mode: 'merged' });
      await repo.importFeed(ALL, page, NOW);
      expect((await repo.listFeeds(ALL)).find((f) => f.name === 'nvd')!.count).toBe(3);
    });

    it('remembers the NVD sync of an update; an imported page keeps it, the next update replaces it', async () => {
      const page = feed('nvd-page.json');
      if (page.name !== 'nvd') throw new Error('fixture');
      const sync = { scope: 'kev', mode: 'full', through: '2025-12-31T23:00:00.000Z', at: '2026-01-01T00:00:00.000Z' } as const;
      const r = await repo.importFeed(ALL, { ...page, sync }, NOW);
      expect(r.meta.sync).toEqual(sync);
      expect(nvdSyncFrom(await repo.listFeeds(ALL))).toEqual(sync);
      await repo.importFeed(ALL, page, NOW);
      expect(nvdSyncFrom(await repo.listFeeds(ALL))).toEqual(sync);
      const next = { scope: 'kev', mode: 'incremental', since: sync.through, through: '2026-01-02T00:00:00.000Z', at: '2026-01-02T00:00:00.000Z' } as const;
      await repo.importFeed(ALL, { ...page, cves: [], sync: next }, NOW);
      expect(nvdSyncFrom(await repo.listFeeds(ALL))).toEqual(next);
      expect((await repo.listFeeds(ALL)).find((f) => f.name === 'nvd')!.count).toBe(3);
    });

    it('writes an NVD update as batches in one transaction: they add up, and a failure undoes them all', async () => {
      const page = feed('nvd-page.json');
      if (page.name !== 'nvd') throw new Error('fixture');
      const sync = { scope: 'all', mode: 'full', through: '2025-12-31T23:00:00.000Z', at: '2026-01-01T00:00:00.000Z' } as const;
      const update = { ...page, totalResults: page.cves.length, sync };
      const batches = [page.cves.slice(0, 2), page.cves.slice(2)];
      await expect(
        repo.transaction(async (tx) => {
          for (const cves of batches) await tx.importFeed(ALL, { ...update, cves }, NOW);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await repo.listFeeds(ALL)).toEqual([]);
      expect((await repo.nvdCves(ALL, page.cves.map((c) => c.id))).size).toBe(0);

      const last = await repo.transaction(async (tx) => {
        let r;
        for (const cves of batches) r = await tx.importFeed(ALL, { ...update, cves }, NOW);
        return r!;
      });
      expect(last).toMatchObject({ count: 3, imported: 1, meta: { startIndex: 0, totalResults: 3, sync } });
      expect(last.meta).not.toHaveProperty('page');
      expect(nvdSyncFrom(await repo.listFeeds(ALL))).toEqual(sync);
    });

    it('is all or nothing inside a transaction', async () => {
      await repo.importFeed(ALL, feed('kev-excerpt.json'), NOW);
      await expect(
        repo.transaction(async (tx) => {
          await tx.importFeed(ALL, feed('kev-excerpt.csv'), NOW);
          await tx.importFeed(ALL, feed('epss-excerpt.csv'), NOW);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await repo.listFeeds(ALL)).map((f) => [f.name, f.count])).toEqual([['kev', 5]]);
      expect((await repo.epssScores(ALL)).size).toBe(0);
    });

    it('lets any scope read but only an all-tenants scope write', async () => {
      const one = tenantsScope('t', ['acme-clinic' as OrgId]);
      await expect(repo.importFeed(one, feed('kev-excerpt.json'), NOW)).rejects.toMatchObject({ code: 'HG_ERR_TENANT_SCOPE' });
      await repo.importFeed(ALL, feed('kev-excerpt.json'), NOW);
      expect((await repo.kevEntries(one)).size).toBe(5);
    });

    it('handles lookups larger than one IN list', async () => {
      const many = Array.from({ length: 1200 }, (_, i) => `CVE-2020-${String(10000 + i)}`);
      const scores = many.map((cve, i) => ({ cve, epss: i / 2000, percentile: i / 1200 }));
      await repo.importFeed(ALL, { name: 'epss', version: 'v1', modelVersion: 'v1', date: '2025-11-28', source: 'gen', format: 'csv', scores }, NOW);
      expect((await repo.epssScores(ALL, many)).size).toBe(1200);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hubguard-feeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
feedStoreContract('SQLite', () => openDatabase(`sqlite:${join(dir, 'feeds.db')}`));

// PostgreSQL when HUBGUARD_TEST_DATABASE_URL is set: a fresh database per run.
onPostgres('hubguard_feeds', (open) => feedStoreContract('PostgreSQL', open));
