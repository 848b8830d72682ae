import { allTenants, formatLocation, RECORD_KINDS } from '../core/index.js';
import { planImport, type ImportResult } from '../ingest/run.js';
import { planBytes, runImportInWorker } from '../ingest/worker-host.js';
import type { Repository } from '../store/repository.js';
import { DB_OPTION, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, withRepository } from './db.js';
import { ProgressBar } from './progress.js';
import { createLogger } from './log.js';
import { renderTable } from './table.js';

/**
 * Imports of at least this many bytes run as a bulk transaction (on a SQLite
 * file: a rollback journal instead of WAL, when nobody else has the file open).
 */
const BULK_IMPORT_BYTES = 16 << 20;

const USAGE = 'hubguard import <path…> [--customer <org id>] [--db <url>] [--json]';

/**
 * Imports files and folders into the database in one transaction: every record
 * is validated first-to-last, and any problem leaves the database untouched.
 */
export async function importPaths(
  repo: Repository,
  paths: string[],
  ctx: CliContext,
  opts: { customer?: string; quiet?: boolean } = {},
): Promise<ImportResult & { seconds: number }> {
  const scope = allTenants(cliActor(ctx));
  const bar = new ProgressBar(ctx.stderr, ctx.interactive && !opts.quiet, 'importing');
  const t0 = performance.now();
  try {
    const plan = await planImport(paths);
    const result = await repo.transaction(async (tx) => {
      // Files are read and validated in a worker thread while this thread writes.
      const r = await runImportInWorker(
        plan,
        {
          rows: (kind, batch, merge, newerBy) => {
            if ('records' in batch) {
              return merge ? tx.mergeRecords(scope, kind, batch.records, merge, newerBy) : tx.upsertRecords(scope, kind, batch.records, batch.keys);
            }
            if (merge) return tx.mergeRecords(scope, kind, batch.json.map((j) => JSON.parse(j) as object), merge, newerBy);
            return tx.upsertSerialized(scope, kind, batch.json.map((j, i) => [batch.tenants[i]!, batch.keys[i]!, j] as const));
          },
          existing: (kind, keys) => tx.existingKeys(scope, kind, keys),
        },
        {
          customer: opts.customer,
          onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, p.records, 'records'),
        },
      );
      await tx.appendAudit({
        at: new Date().toISOString(),
        actor: scope.actor,
        action: 'import',
        details: { paths, counts: r.counts, files: r.files.length, skipped: r.skipped.length },
      });
      return r;
    }, { bulk: planBytes(plan) >= BULK_IMPORT_BYTES });
    const seconds = (performance.now() - t0) / 1000;
    createLogger(ctx.env).info({ paths, counts: result.counts, files: result.files.length, seconds }, 'import committed');
    return { ...result, seconds };
  } finally {
    bar.done();
  }
}

/** Prints what an import wrote, kind by kind. */
export function printImportSummary(r: ImportResult & { seconds: number }, ctx: CliContext): void {
  const rows = RECORD_KINDS.filter((k) => r.counts[k.name]).map((k) => [k.file, r.counts[k.name]!]);
  const total = rows.reduce((s, [, n]) => s + Number(n), 0);
  println(ctx.stdout, renderTable(['records', 'count'], [...rows, ['total', total]]));
  for (const s of r.skipped) println(ctx.stderr, `skipped ${s.path}: ${s.reason}`);
  for (const w of r.warnings) println(ctx.stderr, `${formatLocation(w.location)}: warning: ${w.message}`);
  if (r.warningCount > r.warnings.length) println(ctx.stderr, `(${r.warningCount - r.warnings.length} more warnings)`);
  // A rate says something only for an import that took a while.
  const rate = r.seconds >= 1 ? ` (${Math.round(total / r.seconds).toLocaleString('en-US')} records/s)` : '';
  println(ctx.stderr, `imported ${total.toLocaleString('en-US')} records from ${r.files.length} file(s) in ${r.seconds.toFixed(1)} s${rate}`);
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a workspace folder or files (all or nothing, idempotent)',
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { ...DB_OPTION, customer: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (!positionals.length) {
      println(ctx.stderr, `usage: ${USAGE}`);
      return 2;
    }
    const r = await withRepository(values.db, ctx, (repo) => importPaths(repo, positionals, ctx, { customer: values.customer, quiet: values.json }));
    if (values.json) println(ctx.stdout, JSON.stringify({ counts: r.counts, files: r.files, skipped: r.skipped, warnings: r.warnings, seconds: r.seconds }));
    else printImportSummary(r, ctx);
    return 0;
  },
};
