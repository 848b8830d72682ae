import type { Kysely } from 'kysely';
import { HubguardError, type Scope } from '../core/index.js';
import type { Cve5Info, EpssScore, FeedName, KevEntry, NvdConfiguration, NvdCve, NvdSync, ParsedFeed } from '../ingest/feeds/index.js';
import { nvdSyncOf } from '../ingest/feeds/types.js';
import { atomic, chunks, countAll, guarded, IN_CHUNK, type StoreContext } from './context.js';

/** The feed tables (migration 0002), as kysely sees them. Global: no tenant column. */
export interface FeedTables {
  feeds: {
    name: string;
    version: string;
    feed_date: string;
    source: string;
    format: string;
    imported_at: string;
    count: number;
    meta: string;
  };
  feed_kev: { cve: string; vendor: string; product: string; date_added: string; due_date: string; ransomware: string; data: string };
  feed_epss: { cve: string; epss: number; percentile: number };
  feed_nvd: { cve: string; published: string | null; last_modified: string | null; configurations: string; data: string };
  feed_cve5: { cve: string; automatable: string | null; technical_impact: string | null; exploitation: string | null; data: string };
}

/** One imported feed as `feeds status` shows it. */
export interface FeedStatus {
  name: FeedName;
  version: string;
  /** The date the feed's data is from (KEV dateReleased, EPSS score_date, NVD timestamp). */
  date: string;
  /** The file or URL it was imported from (the last one, for NVD / CVE 5 which accumulate). */
  source: string;
  format: string;
  importedAt: string;
  /** Rows of this feed in the store now. */
  count: number;
  /** Extra facts (EPSS model version, NVD paging). */
  meta: Record<string, unknown>;
}

/** What one import did to one feed. */
export interface FeedImportResult extends FeedStatus {
  /** Rows this file held. */
  imported: number;
  /** `replaced` (KEV, EPSS: the file is the whole feed) or `merged` (NVD, CVE 5: pages add up by CVE id). */
  mode: 'replaced' | 'merged';
}

const TABLE = { kev: 'feed_kev', epss: 'feed_epss', nvd: 'feed_nvd', cve5: 'feed_cve5' } as const satisfies Record<FeedName, keyof FeedTables>;

/** Rows per INSERT: under SQLite's and PostgreSQL's parameter limits for 7 columns. */
const INSERT_CHUNK = 500;

const fdb = (ctx: StoreContext) => ctx.db as unknown as Kysely<FeedTables>;

/** Feed data is global and public: anyone may read it, but only an all-tenants scope (an operator) may change it. */
function needAll(scope: Scope, what: string): void {
  if (scope.kind !== 'all') throw new HubguardError('HG_ERR_TENANT_SCOPE', `${what} changes data shared by every tenant; it needs an all-tenants scope`);
}

/** The rows of a parsed feed, for its table. */
function rowsOf(feed: ParsedFeed): Record<string, unknown>[] {
  switch (feed.name) {
    case 'kev':
      return feed.entries.map((e) => ({
        cve: e.cveID,
        vendor: e.vendorProject,
        product: e.product,
        date_added: e.dateAdded,
        due_date: e.dueDate,
        ransomware: e.knownRansomwareCampaignUse,
        data: JSON.stringify(e),
      }));
    case 'epss':
      return feed.scores.map((s) => ({ cve: s.cve, epss: s.epss, percentile: s.percentile }));
    case 'nvd':
      return feed.cves.map((c) => ({
        cve: c.id,
        published: c.published ?? null,
        last_modified: c.lastModified ?? null,
        configurations: JSON.stringify(c.configurations),
        data: JSON.stringify({ ...c, configurations: undefined }),
      }));
    case 'cve5':
      return feed.records.map((r) => ({
        cve: r.id,
        automatable: r.automatable ?? null,
        technical_impact: r.technicalImpact ?? null,
        exploitation: r.exploitation ?? null,
        data: JSON.stringify(r),
      }));
  }
}

/**
 * The `feeds.meta` of a feed. For NVD, `sync` records what the last
 * `feeds update` covered (see NvdSync); a file without one (an imported page)
 * keeps the one stored, since adding records never makes the store less complete.
 * `page` is the number of records of an imported file; an update has none: it
 * is written in batches, and `totalResults` is the number of CVEs it fetched.
 */
function metaOf(feed: ParsedFeed, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  if (feed.name === 'epss') return { modelVersion: feed.modelVersion };
  if (feed.name === 'nvd') {
    const sync = feed.sync ?? nvdSyncOf(stored);
    const page = feed.sync ? {} : { page: feed.cves.length };
    return { startIndex: feed.startIndex, totalResults: feed.totalResults, ...page, ...(sync ? { sync } : {}) };
  }
  return {};
}

/** The stored meta of one feed, if it has a row. */
async function storedMeta(db: Kysely<FeedTables>, name: FeedName): Promise<Record<string, unknown> | undefined> {
  const row = await db.selectFrom('feeds').select('meta').where('name', '=', name).executeTakeFirst();
  return row ? (JSON.parse(row.meta) as Record<string, unknown>) : undefined;
}

/**
 * See Repository.importFeed. KEV and EPSS files are the whole feed: their
 * table is emptied and refilled. NVD pages and CVE 5 records are partial: they
 * are upserted by CVE id. All of it runs in one transaction (or savepoint).
 * So a large NVD update is written as batches of records (each an NvdFeed with
 * the update's `sync`) in one repository transaction: they add up, the last
 * one leaves the feed's row, and a failure rolls all of them back.
 */
export async function importFeed(ctx: StoreContext, scope: Scope, feed: ParsedFeed, now: string | Date): Promise<FeedImportResult> {
  needAll(scope, 'importing a feed');
  const table = TABLE[feed.name];
  const rows = rowsOf(feed);
  const replace = feed.name === 'kev' || feed.name === 'epss';
  const importedAt = new Date(now).toISOString();
  return atomic(ctx, async (tx) => {
    const db = fdb(tx);
    return guarded(tx, `import the ${feed.name} feed`, async () => {
      if (replace) await db.deleteFrom(table).execute();
      for (const part of chunks(rows, INSERT_CHUNK)) {
        // Duplicate CVEs inside one file were rejected by the parser; upsert handles earlier pages.
        const q = db.insertInto(table).values(part as never);
        const cols = Object.keys(part[0] ?? {}).filter((c) => c !== 'cve');
        await q.onConflict((oc) => oc.column('cve').doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}` as never)])) as never)).execute();
      }
      const count = Number((await db.selectFrom(table).select(countAll().as('n')).executeTakeFirstOrThrow()).n);
      const meta = metaOf(feed, feed.name === 'nvd' && !feed.sync ? await storedMeta(db, 'nvd') : undefined);
      const row = {
        name: feed.name,
        version: feed.version,
        feed_date: feed.date,
        source: feed.source,
        format: feed.format,
        imported_at: importedAt,
        count,
        meta: JSON.stringify(meta),
      };
      await db
        .insertInto('feeds')
        .values(row)
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            version: row.version,
            feed_date: row.feed_date,
            source: row.source,
            format: row.format,
            imported_at: row.imported_at,
            count: row.count,
            meta: row.meta,
          }),
        )
        .execute();
      return {
        name: feed.name,
        version: feed.version,
        date: feed.date,
        source: feed.source,
        format: feed.format,
        importedAt,
        count,
        meta,
        imported: rows.length,
        mode: replace ? 'replaced' : 'merged',
      } satisfies FeedImportResult;
    });
  });
}

/** The remembered NVD sync of a feed list (from `listFeeds`), when there is one. */
export function nvdSyncFrom(feeds: readonly FeedStatus[]): NvdSync | undefined {
  return nvdSyncOf(feeds.find((f) => f.name === 'nvd')?.meta);
}

/** See Repository.listFeeds. */
export async function listFeeds(ctx: StoreContext): Promise<FeedStatus[]> {
  const rows = await guarded(ctx, 'list feeds', () => fdb(ctx).selectFrom('feeds').selectAll().orderBy('name').execute());
  return rows.map((r) => ({
    name: r.name as FeedName,
    version: r.version,
    date: r.feed_date,
    source: r.source,
    format: r.format,
    importedAt: r.imported_at,
    count: Number(r.count),
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  }));
}

/** Looks rows up by CVE id in chunks, or reads the whole table when `cves` is undefined. */
async function byCve<T extends keyof FeedTables>(ctx: StoreContext, table: T, cves: readonly string[] | undefined): Promise<FeedTables[T][]> {
  const db = fdb(ctx) as unknown as Kysely<{ t: { cve: string } }>;
  const t = table as unknown as 't';
  if (cves === undefined) {
    return guarded(ctx, `read ${table}`, async () => (await db.selectFrom(t).selectAll().orderBy('cve').execute()) as unknown as FeedTables[T][]);
  }
  const out: FeedTables[T][] = [];
  for (const part of chunks([...new Set(cves)], IN_CHUNK)) {
    const rows = await guarded(ctx, `read ${table}`, () => db.selectFrom(t).selectAll().where('cve', 'in', part).execute());
    out.push(...(rows as unknown as FeedTables[T][]));
  }
  return out;
}

/** See Repository.kevEntries. */
export async function kevEntries(ctx: StoreContext, cves?: readonly string[]): Promise<Map<string, KevEntry>> {
  const rows = await byCve(ctx, 'feed_kev', cves);
  return new Map(rows.map((r) => [r.cve, JSON.parse(r.data) as KevEntry]));
}

/** See Repository.epssScores. */
export async function epssScores(ctx: StoreContext, cves?: readonly string[]): Promise<Map<string, EpssScore>> {
  const rows = await byCve(ctx, 'feed_epss', cves);
  return new Map(rows.map((r) => [r.cve, { cve: r.cve, epss: Number(r.epss), percentile: Number(r.percentile) }]));
}

const nvdOf = (r: FeedTables['feed_nvd']): NvdCve => ({
  ...(JSON.parse(r.data) as Omit<NvdCve, 'configurations'>),
  configurations: JSON.parse(r.configurations) as NvdConfiguration[],
});

/** See Repository.nvdCves. */
export async function nvdCves(ctx: StoreContext, cves: readonly string[]): Promise<Map<string, NvdCve>> {
  const rows = await byCve(ctx, 'feed_nvd', cves);
  return new Map(rows.map((r) => [r.cve, nvdOf(r)]));
}

/** See Repository.iterateNvdCves: keyset paging by CVE id, so memory stays flat over a full NVD. */
export async function* iterateNvdCves(ctx: StoreContext, pageSize = 1000): AsyncGenerator<NvdCve, void, undefined> {
  let after = '';
  for (;;) {
    const rows = await guarded(ctx, 'read feed_nvd', () =>
      fdb(ctx).selectFrom('feed_nvd').selectAll().where('cve', '>', after).orderBy('cve').limit(pageSize).execute(),
    );
    for (const r of rows) yield nvdOf(r);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.cve;
  }
}

/** See Repository.cve5Info. */
export async function cve5Info(ctx: StoreContext, cves?: readonly string[]): Promise<Map<string, Cve5Info>> {
  const rows = await byCve(ctx, 'feed_cve5', cves);
  return new Map(rows.map((r) => [r.cve, JSON.parse(r.data) as Cve5Info]));
}
