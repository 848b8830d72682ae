import { basename } from 'node:path';
import { allTenants, HubguardError, type Scope } from '../core/index.js';
import { BUNDLED_KEV_FILE, BUNDLED_NVD_CVES, BUNDLED_NVD_FILE, bundledKevPath, bundledNvdPath } from '../ingest/feeds/bundled.js';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  download,
  feedCount,
  feedUrls,
  fetchNvdUpdate,
  parseFeedBytes,
  parseFeedFile,
  type FeedName,
  type FetchLike,
  type NvdProgress,
  type NvdScope,
  type NvdUpdate,
  type ParsedFeed,
} from '../ingest/feeds/index.js';
import { SPOOL_BATCH } from '../ingest/feeds/nvd-spool.js';
import { nvdSyncFrom, type FeedImportResult, type FeedStatus } from '../store/feeds.js';
import type { Repository } from '../store/repository.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE = [
  'hubguard feeds import <file…> [--bundled] [--db <url>] [--json]',
  '       hubguard feeds status [--db <url>] [--json]',
  '       hubguard feeds update [--only kev,epss,nvd] [--nvd-scope kev|all] [--nvd-since <date> | --nvd-full] [--timeout <ms>] [--db <url>] [--json]',
].join('\n');

const SUMMARY = 'Vulnerability feeds (KEV, EPSS, NVD, CVE 5): import files offline, show their dates, update from the official sources';

/** Days after which a feed is reported stale. KEV and EPSS change daily; NVD analysis moves slower. */
export const STALE_DAYS: Readonly<Record<FeedName, number>> = { kev: 7, epss: 7, nvd: 30, cve5: 30 };

/** What the feeds command needs from outside: injected so tests never touch the network. */
export interface FeedsDeps {
  fetch: FetchLike;
  /** Current time (feed ages). */
  now?: () => Date;
  /** Pauses of the NVD update (rate limit: 5 requests per 30 s without a key, 50 with one; backoff). */
  sleep?: (ms: number) => Promise<void>;
  /** Millisecond clock of the NVD rate limiter. */
  clock?: () => number;
  /** First pause between two tries of an NVD request, in ms (doubled each time). */
  backoffMs?: number;
  /** Where an NVD update spools its records until they are stored (the system's temporary directory by default). */
  spoolDir?: string;
}

/** The environment variable holding the NVD API key (`NVD_API_KEY` is read too). */
export const NVD_API_KEY_ENV = 'HUBGUARD_NVD_API_KEY';

/** How `feeds update` brings the NVD records up to date (see docs/feeds.md). */
export interface NvdUpdateChoice {
  /** The CVEs to cover; by default the remembered scope, else `kev`. */
  scope?: NvdScope;
  /** Fetch records modified since this instant instead of since the remembered sync. */
  since?: Date;
  /** Fetch every record of the scope, ignoring the remembered sync. */
  full?: boolean;
}

const DAY_MS = 86_400_000;

/** Whole days between a feed date and now (never negative). */
export function ageDays(date: string, now: Date): number {
  const t = Date.parse(/T[\d:.]+$/.test(date) ? `${date}Z` : date);
  return Number.isNaN(t) ? Number.NaN : Math.max(0, Math.floor((now.getTime() - t) / DAY_MS));
}

/**
 * Stores the records of an NVD update, read back from its spool SPOOL_BATCH at
 * a time, inside the caller's transaction: each batch is upserted by CVE id,
 * and the last one leaves the feed's date, count and sync. Memory holds one
 * batch, whatever the size of the update.
 */
async function importNvdUpdate(tx: Repository, scope: Scope, u: NvdUpdate): Promise<FeedImportResult> {
  let result: FeedImportResult | undefined;
  let imported = 0;
  for await (const cves of u.spool.batches(SPOOL_BATCH)) {
    result = await tx.importFeed(scope, { ...u.info, cves });
    imported += cves.length;
  }
  // No record fetched: the feed's row still takes the new sync point.
  result ??= await tx.importFeed(scope, { ...u.info, cves: [] });
  return { ...result, imported };
}

/**
 * Stores parsed files and NVD updates, all in one transaction (nothing is
 * written if one fails). Files are parsed before: one bad file and none is stored.
 */
export async function importFeeds(repo: Repository, feeds: readonly (ParsedFeed | NvdUpdate)[], ctx: CliContext, action = 'feeds.import'): Promise<FeedImportResult[]> {
  const scope = allTenants(cliActor(ctx));
  return repo.transaction(async (tx) => {
    const results: FeedImportResult[] = [];
    for (const f of feeds) results.push('spool' in f ? await importNvdUpdate(tx, scope, f) : await tx.importFeed(scope, f));
    await tx.appendAudit({
      at: new Date().toISOString(),
      actor: scope.actor,
      action,
      details: { feeds: results.map((r) => ({ name: r.name, version: r.version, date: r.date, source: r.source, rows: r.imported })) },
    });
    return results;
  });
}

/** The feeds shipped with Hubguard: the CISA KEV snapshot and a small NVD excerpt. */
export type BundledFeedName = 'kev' | 'nvd';

const BUNDLED: Readonly<Record<BundledFeedName, { file: string; path: () => string }>> = {
  kev: { file: BUNDLED_KEV_FILE, path: bundledKevPath },
  nvd: { file: BUNDLED_NVD_FILE, path: bundledNvdPath },
};

/** Whether a stored feed was last loaded from the file bundled with Hubguard (by the source's file name). */
export function isBundled(feed: Pick<FeedStatus, 'name' | 'source'>): boolean {
  const b = feed.name === 'kev' || feed.name === 'nvd' ? BUNDLED[feed.name] : undefined;
  return b !== undefined && basename(feed.source) === b.file;
}

/** Those of `names` the store holds no feed of yet. */
async function missingFeeds(repo: Repository, ctx: CliContext, names: readonly BundledFeedName[]): Promise<BundledFeedName[]> {
  const stored = new Set((await repo.listFeeds(allTenants(cliActor(ctx)))).map((f) => f.name));
  return names.filter((n) => !stored.has(n));
}

/** Parses the bundled files of these feeds. */
async function parseBundled(names: readonly BundledFeedName[]): Promise<ParsedFeed[]> {
  const parsed: ParsedFeed[] = [];
  for (const n of names) parsed.push(await parseFeedFile(BUNDLED[n].path()));
  return parsed;
}

/**
 * Loads the bundled file of each feed in `names` the store has no feed of yet
 * (a fresh install works offline), in one transaction: the KEV snapshot when
 * no KEV catalog was imported, the NVD excerpt when no NVD records were. A
 * store that has a feed keeps it: the bundled files never overwrite newer data.
 * Returns what it imported (nothing when every feed was there).
 */
export async function ensureBundled(repo: Repository, ctx: CliContext, names: readonly BundledFeedName[] = ['kev', 'nvd']): Promise<FeedImportResult[]> {
  const missing = await missingFeeds(repo, ctx, names);
  return missing.length ? importFeeds(repo, await parseBundled(missing), ctx, 'feeds.import-bundled') : [];
}

/** Loads the bundled KEV snapshot when no KEV feed has been imported yet. Returns what it imported, or undefined. */
export async function ensureKev(repo: Repository, ctx: CliContext): Promise<FeedImportResult | undefined> {
  const [r] = await ensureBundled(repo, ctx, ['kev']);
  return r;
}

/** One line on what a bundled feed loaded on first use holds. */
export function describeBundled(r: FeedImportResult): string {
  return r.name === 'kev'
    ? `no KEV catalog yet: loaded the bundled snapshot of ${r.date} (${r.count} entries)`
    : `no NVD records yet: loaded the bundled excerpt of ${r.date} (${r.imported} records); \`hubguard feeds update\` fetches the full NVD data`;
}

function printImported(results: FeedImportResult[], ctx: CliContext): void {
  println(
    ctx.stdout,
    renderTable(
      ['feed', 'version', 'feed date', 'rows', 'in store', 'mode', 'source'],
      results.map((r) => [r.name, r.version, r.date, r.imported, r.count, r.mode, r.source]),
    ),
  );
}

/** The status rows, with ages, staleness and whether the bundled file is loaded, for every feed (missing ones included). */
export function feedStatusRows(feeds: FeedStatus[], now: Date) {
  const names: FeedName[] = ['kev', 'epss', 'nvd', 'cve5'];
  return names.map((name) => {
    const f = feeds.find((x) => x.name === name);
    if (!f) return { name, present: false as const };
    const age = ageDays(f.date, now);
    return { ...f, name, present: true as const, ageDays: age, stale: !(age <= STALE_DAYS[name]), bundled: isBundled(f) };
  });
}

/** A one-line NVD progress report on a terminal (pages read of the current range, records so far). */
function nvdProgressLine(ctx: CliContext): { update: (p: NvdProgress) => void; done: () => void } {
  let drawn = false;
  return {
    update(p) {
      if (!ctx.interactive) return;
      const range = p.ranges > 1 ? `range ${p.range}/${p.ranges}, ` : '';
      ctx.stderr.write(`\rnvd: ${range}page ${p.page}/${p.pages}, ${p.cves.toLocaleString('en-US')} records\u001b[K`);
      drawn = true;
    },
    done() {
      if (drawn) ctx.stderr.write('\r\u001b[K');
    },
  };
}

/**
 * Brings the NVD records up to date. Without a choice: records modified since
 * the remembered sync when it covered the same scope, else every record of the
 * scope (the CVEs in KEV on a first run). Returns the update, its records in
 * a spool the caller stores and removes.
 */
export async function fetchNvd(stored: FeedStatus[], ctx: CliContext, deps: FeedsDeps, choice: NvdUpdateChoice, timeoutMs: number, now: Date): Promise<NvdUpdate> {
  const previous = nvdSyncFrom(stored);
  const scope = choice.scope ?? previous?.scope ?? 'kev';
  const since = choice.since ?? (!choice.full && previous?.scope === scope ? new Date(previous.through) : undefined);
  const apiKey = ctx.env[NVD_API_KEY_ENV]?.trim() || ctx.env.NVD_API_KEY?.trim() || undefined;
  const progress = nvdProgressLine(ctx);
  try {
    return await fetchNvdUpdate({
      fetch: deps.fetch,
      baseUrl: feedUrls(ctx.env).nvd,
      apiKey,
      scope,
      since,
      until: now,
      timeoutMs,
      sleep: deps.sleep,
      clock: deps.clock,
      backoffMs: deps.backoffMs,
      spoolDir: deps.spoolDir,
      onProgress: progress.update,
    });
  } finally {
    progress.done();
  }
}

/** What `feeds update` did to NVD, in one line. */
function describeNvd(u: NvdUpdate): string {
  const { sync } = u.info;
  const n = u.spool.size.toLocaleString('en-US');
  const what = sync.scope === 'kev' ? 'of the CVEs in KEV' : 'of every CVE';
  const how = sync.mode === 'full' ? `all ${n} records ${what}` : `${n} records ${what} modified since ${sync.since}`;
  const key = u.requests === 1 ? 'request' : 'requests';
  return `nvd: fetched ${how} (${u.requests} ${key}); the next update starts from ${sync.through}`;
}

/**
 * Downloads the chosen feeds; any failure stops before anything is written
 * (one transaction at the end). The NVD spool is removed whatever happens.
 */
export async function updateFeeds(
  repo: Repository,
  ctx: CliContext,
  deps: FeedsDeps,
  opts: { only: FeedName[]; timeoutMs: number; nvd?: NvdUpdateChoice },
): Promise<FeedImportResult[]> {
  const urls = feedUrls(ctx.env);
  const feeds: (ParsedFeed | NvdUpdate)[] = [];
  try {
    for (const name of opts.only) {
      if (name === 'nvd') {
        const stored = await repo.listFeeds(allTenants(cliActor(ctx)));
        const u = await fetchNvd(stored, ctx, deps, opts.nvd ?? {}, opts.timeoutMs, deps.now ? deps.now() : new Date());
        feeds.push(u);
        println(ctx.stderr, describeNvd(u));
        continue;
      }
      if (name !== 'kev' && name !== 'epss') throw new HubguardError('HG_ERR_USAGE', `feeds update knows kev, epss and nvd, not "${name}"`);
      const url = urls[name];
      const feed = parseFeedBytes(await download(url, { fetch: deps.fetch, timeoutMs: opts.timeoutMs }), url);
      if (feed.name !== name) throw new HubguardError('HG_ERR_UNRECOGNIZED_FILE', `${url} did not answer with the ${name} feed`);
      feeds.push(feed);
    }
    return await importFeeds(repo, feeds, ctx, 'feeds.update');
  } finally {
    for (const f of feeds) if ('spool' in f) await f.spool.remove();
  }
}

/** Reads the NVD options of `feeds update`; a bad value is HG_ERR_USAGE. */
export function nvdChoice(scope: string | undefined, since: string | undefined, full: boolean, now: Date): NvdUpdateChoice {
  const choice: NvdUpdateChoice = {};
  if (scope !== undefined) {
    if (scope !== 'kev' && scope !== 'all') throw new HubguardError('HG_ERR_USAGE', `--nvd-scope is kev or all, not "${scope}"`);
    choice.scope = scope;
  }
  if (since !== undefined && full) throw new HubguardError('HG_ERR_USAGE', '--nvd-since and --nvd-full exclude each other');
  if (full) choice.full = true;
  if (since !== undefined) {
    // A date is midnight UTC; a date-time without a zone is UTC too (as NVD writes them).
    const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(since);
    const t = m ? Date.parse(m[1] && !m[2] ? `${since}Z` : since) : Number.NaN;
    if (Number.isNaN(t)) throw new HubguardError('HG_ERR_USAGE', `--nvd-since takes a date (2025-01-31) or a date-time (2025-01-31T08:00:00Z), got "${since}"`);
    if (t > now.getTime()) throw new HubguardError('HG_ERR_USAGE', `--nvd-since ${since} is in the future`);
    choice.since = new Date(t);
  }
  return choice;
}

/** The `feeds` command with its outside world injected. */
export function createFeedsCommand(deps: FeedsDeps): Command {
  const now = () => (deps.now ? deps.now() : new Date());
  return {
    name: 'feeds',
    summary: SUMMARY,
    usage: USAGE,
    async run(args, ctx) {
      const [sub, ...rest] = args;
      if (sub === 'import') {
        const { values, positionals } = parseCommandArgs(rest, { ...DB_OPTION, bundled: { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
        if (!positionals.length && !values.bundled) {
          println(ctx.stderr, `usage: ${USAGE}`);
          return 2;
        }
        const files: ParsedFeed[] = [];
        for (const f of positionals) files.push(await parseFeedFile(f));
        const { parsed, results } = await withRepository(values.db, ctx, async (repo) => {
          // --bundled reloads the KEV snapshot; the NVD excerpt only where no NVD records are, never over newer ones.
          const bundled = values.bundled ? await parseBundled(['kev', ...(await missingFeeds(repo, ctx, ['nvd']))]) : [];
          const parsed = [...bundled, ...files];
          return { parsed, results: await importFeeds(repo, parsed, ctx) };
        });
        if (values.json) println(ctx.stdout, JSON.stringify({ imported: results }));
        else printImported(results, ctx);
        println(ctx.stderr, `imported ${parsed.reduce((s, f) => s + feedCount(f), 0).toLocaleString('en-US')} rows from ${parsed.length} feed file(s)`);
        return 0;
      }
      if (sub === 'status') {
        const { values } = parseCommandArgs(rest, { ...DB_OPTION, json: { type: 'boolean' } }, USAGE);
        const { loaded, feeds } = await withRepository(values.db, ctx, async (repo) => {
          const loaded = await ensureBundled(repo, ctx);
          return { loaded, feeds: await repo.listFeeds(allTenants(cliActor(ctx))) };
        });
        for (const r of loaded) println(ctx.stderr, describeBundled(r));
        const rows = feedStatusRows(feeds, now());
        if (values.json) {
          println(ctx.stdout, JSON.stringify({ feeds: rows }));
          return 0;
        }
        println(
          ctx.stdout,
          renderTable(
            ['feed', 'version', 'feed date', 'age (days)', 'rows', 'imported at', 'state'],
            rows.map((r) =>
              r.present
                ? [r.name, r.version, r.date, Number.isNaN(r.ageDays) ? '?' : r.ageDays, r.count, r.importedAt, r.stale ? `STALE (> ${STALE_DAYS[r.name]} days)` : 'ok']
                : [r.name, '-', '-', '-', 0, '-', 'not imported'],
            ),
          ),
        );
        const excerpt = rows.find((r) => r.name === 'nvd' && r.present && r.bundled);
        if (excerpt?.present) {
          const n = typeof excerpt.meta.page === 'number' ? excerpt.meta.page : excerpt.count;
          println(ctx.stdout, `NVD: the bundled excerpt of ${n} records (${BUNDLED_NVD_CVES.join(', ')}); \`hubguard feeds update\` fetches the records of every CVE in KEV`);
        }
        const sync = nvdSyncFrom(feeds);
        if (sync) {
          const what = sync.scope === 'kev' ? 'the CVEs in KEV' : 'every CVE';
          println(ctx.stdout, `NVD: ${what}, complete through ${sync.through} (last update ${sync.at}, ${sync.mode}); \`feeds update\` fetches what changed since`);
        }
        for (const r of rows) {
          if (r.present && r.stale) {
            println(ctx.stderr, `warning: the ${r.name} feed is from ${r.date}, ${r.ageDays} days old; run \`hubguard feeds update\` or import a newer file`);
          }
        }
        return 0;
      }
      if (sub === 'update') {
        const { values } = parseCommandArgs(
          rest,
          {
            ...DB_OPTION,
            only: { type: 'string' },
            timeout: { type: 'string' },
            json: { type: 'boolean' },
            'nvd-scope': { type: 'string' },
            'nvd-since': { type: 'string' },
            'nvd-full': { type: 'boolean' },
          },
          USAGE,
        );
        const only = (values.only ?? 'kev,epss,nvd').split(',').map((s) => s.trim()).filter(Boolean) as FeedName[];
        const timeoutMs = intOption(values.timeout, 'timeout', DEFAULT_DOWNLOAD_TIMEOUT_MS, 600_000);
        const nvd = nvdChoice(values['nvd-scope'], values['nvd-since'], values['nvd-full'] === true, now());
        if (Object.keys(nvd).length && !only.includes('nvd')) throw new HubguardError('HG_ERR_USAGE', 'the --nvd-… options need nvd among --only');
        const results = await withRepository(values.db, ctx, (repo) => updateFeeds(repo, ctx, deps, { only, timeoutMs, nvd }));
        if (values.json) println(ctx.stdout, JSON.stringify({ imported: results }));
        else printImported(results, ctx);
        return 0;
      }
      println(ctx.stderr, `usage: ${USAGE}`);
      return 2;
    },
  };
}

export const feedsCommand: Command = createFeedsCommand({ fetch: (url, init) => fetch(url, init) });
