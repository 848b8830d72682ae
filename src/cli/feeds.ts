import { allTenants, HubguardError } from '../core/index.js';
import {
  bundledKevPath,
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  download,
  FEED_URLS,
  feedCount,
  parseFeedBytes,
  parseFeedFile,
  type FeedName,
  type FetchLike,
  type NvdFeed,
  type ParsedFeed,
} from '../ingest/feeds/index.js';
import type { FeedImportResult, FeedStatus } from '../store/feeds.js';
import type { Repository } from '../store/repository.js';
import { DB_OPTION, intOption, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { renderTable } from './table.js';

const USAGE = [
  'hubguard feeds import <file…> [--bundled] [--db <url>] [--json]',
  '       hubguard feeds status [--db <url>] [--json]',
  '       hubguard feeds update [--only kev,epss,nvd] [--timeout <ms>] [--db <url>] [--json]',
].join('\n');

const SUMMARY = 'Vulnerability feeds (KEV, EPSS, NVD, CVE 5): import files offline, show their dates, update from the official sources';

/** Days after which a feed is reported stale. KEV and EPSS change daily; NVD analysis moves slower. */
export const STALE_DAYS: Readonly<Record<FeedName, number>> = { kev: 7, epss: 7, nvd: 30, cve5: 30 };

/** What the feeds command needs from outside: injected so tests never touch the network. */
export interface FeedsDeps {
  fetch: FetchLike;
  /** Current time (feed ages). */
  now?: () => Date;
  /** Pause between NVD API pages (NVD allows 5 requests per 30 s without a key). */
  sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 86_400_000;

/** Whole days between a feed date and now (never negative). */
export function ageDays(date: string, now: Date): number {
  const t = Date.parse(/T[\d:.]+$/.test(date) ? `${date}Z` : date);
  return Number.isNaN(t) ? Number.NaN : Math.max(0, Math.floor((now.getTime() - t) / DAY_MS));
}

/** Parses every file first (nothing is written if one is bad), then stores them all in one transaction. */
export async function importFeeds(repo: Repository, feeds: ParsedFeed[], ctx: CliContext, action = 'feeds.import'): Promise<FeedImportResult[]> {
  const scope = allTenants(cliActor(ctx));
  return repo.transaction(async (tx) => {
    const results: FeedImportResult[] = [];
    for (const f of feeds) results.push(await tx.importFeed(scope, f));
    await tx.appendAudit({
      at: new Date().toISOString(),
      actor: scope.actor,
      action,
      details: { feeds: results.map((r) => ({ name: r.name, version: r.version, date: r.date, source: r.source, rows: r.imported })) },
    });
    return results;
  });
}

/**
 * Loads the bundled KEV snapshot when no KEV feed has been imported yet (a
 * fresh install works offline). Returns what it imported, or undefined.
 * A future `vulns` command calls this before matching.
 */
export async function ensureKev(repo: Repository, ctx: CliContext): Promise<FeedImportResult | undefined> {
  const scope = allTenants(cliActor(ctx));
  if ((await repo.listFeeds(scope)).some((f) => f.name === 'kev')) return undefined;
  const feed = await parseFeedFile(bundledKevPath());
  const [r] = await importFeeds(repo, [feed], ctx, 'feeds.import-bundled');
  return r;
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

/** The status rows, with ages and staleness, for every feed (missing ones included). */
export function feedStatusRows(feeds: FeedStatus[], now: Date) {
  const names: FeedName[] = ['kev', 'epss', 'nvd', 'cve5'];
  return names.map((name) => {
    const f = feeds.find((x) => x.name === name);
    if (!f) return { name, present: false as const };
    const age = ageDays(f.date, now);
    return { ...f, name, present: true as const, ageDays: age, stale: !(age <= STALE_DAYS[name]) };
  });
}

async function fetchNvdKev(deps: FeedsDeps, ctx: CliContext, timeoutMs: number): Promise<NvdFeed> {
  const apiKey = ctx.env.NVD_API_KEY;
  const perPage = 2000;
  let start = 0;
  let merged: NvdFeed | undefined;
  for (let page = 0; page < 50; page++) {
    if (page > 0) await (deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(apiKey ? 700 : 6500);
    const url = `${FEED_URLS.nvd}&resultsPerPage=${perPage}&startIndex=${start}`;
    const fetchWithKey: FetchLike = (u, init) => deps.fetch(u, apiKey ? { ...init, headers: { ...init.headers, apiKey } } : init);
    const feed = parseFeedBytes(await download(url, { fetch: fetchWithKey, timeoutMs }), url);
    if (feed.name !== 'nvd') throw new HubguardError('HG_ERR_UNRECOGNIZED_FILE', `${url} did not answer with an NVD CVE 2.0 response`);
    merged = merged ? { ...merged, cves: [...merged.cves, ...feed.cves] } : { ...feed, source: FEED_URLS.nvd };
    start += feed.cves.length;
    if (!feed.cves.length || start >= feed.totalResults) break;
  }
  return merged!;
}

/** Downloads the chosen feeds; any failure stops before anything is written. */
export async function updateFeeds(repo: Repository, ctx: CliContext, deps: FeedsDeps, opts: { only: FeedName[]; timeoutMs: number }): Promise<FeedImportResult[]> {
  const feeds: ParsedFeed[] = [];
  for (const name of opts.only) {
    if (name === 'nvd') {
      feeds.push(await fetchNvdKev(deps, ctx, opts.timeoutMs));
      continue;
    }
    if (name !== 'kev' && name !== 'epss') throw new HubguardError('HG_ERR_USAGE', `feeds update knows kev, epss and nvd, not "${name}"`);
    const url = FEED_URLS[name];
    const feed = parseFeedBytes(await download(url, { fetch: deps.fetch, timeoutMs: opts.timeoutMs }), url);
    if (feed.name !== name) throw new HubguardError('HG_ERR_UNRECOGNIZED_FILE', `${url} did not answer with the ${name} feed`);
    feeds.push(feed);
  }
  return importFeeds(repo, feeds, ctx, 'feeds.update');
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
        const files = [...(values.bundled ? [bundledKevPath()] : []), ...positionals];
        const parsed: ParsedFeed[] = [];
        for (const f of files) parsed.push(await parseFeedFile(f));
        const results = await withRepository(values.db, ctx, (repo) => importFeeds(repo, parsed, ctx));
        if (values.json) println(ctx.stdout, JSON.stringify({ imported: results }));
        else printImported(results, ctx);
        println(ctx.stderr, `imported ${parsed.reduce((s, f) => s + feedCount(f), 0).toLocaleString('en-US')} rows from ${parsed.length} feed file(s)`);
        return 0;
      }
      if (sub === 'status') {
        const { values } = parseCommandArgs(rest, { ...DB_OPTION, json: { type: 'boolean' } }, USAGE);
        const { loaded, feeds } = await withRepository(values.db, ctx, async (repo) => {
          const loaded = await ensureKev(repo, ctx);
          return { loaded, feeds: await repo.listFeeds(allTenants(cliActor(ctx))) };
        });
        if (loaded) println(ctx.stderr, `no KEV catalog yet: loaded the bundled snapshot of ${loaded.date} (${loaded.count} entries)`);
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
        for (const r of rows) {
          if (r.present && r.stale) {
            println(ctx.stderr, `warning: the ${r.name} feed is from ${r.date}, ${r.ageDays} days old; run \`hubguard feeds update\` or import a newer file`);
          }
        }
        return 0;
      }
      if (sub === 'update') {
        const { values } = parseCommandArgs(rest, { ...DB_OPTION, only: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
        const only = (values.only ?? 'kev,epss,nvd').split(',').map((s) => s.trim()).filter(Boolean) as FeedName[];
        const timeoutMs = intOption(values.timeout, 'timeout', DEFAULT_DOWNLOAD_TIMEOUT_MS, 600_000);
        const results = await withRepository(values.db, ctx, (repo) => updateFeeds(repo, ctx, deps, { only, timeoutMs }));
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
