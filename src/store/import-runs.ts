import { randomUUID } from 'node:crypto';
import { HubguardError, type Scope } from '../core/index.js';
import { guarded, type StoreContext } from './context.js';

/** One import run: what was read, by whom, and the counters it ended with. */
export interface ImportRun {
  id: string;
  startedAt: string;
  finishedAt?: string;
  /** What was imported: a folder, a file, an export name. No credentials. */
  source: string;
  actor: string;
  /** Counters (records per kind, rejected rows, ...). */
  counts: Record<string, number>;
}

/** Input of recordImportRun: the id is generated and the actor taken from the scope when absent. */
export type ImportRunInput = Omit<ImportRun, 'id' | 'actor' | 'startedAt' | 'finishedAt'> & {
  id?: string;
  actor?: string;
  startedAt: string | Date;
  finishedAt?: string | Date;
};

/** See Repository.recordImportRun. */
export async function recordImportRun(ctx: StoreContext, scope: Scope, input: ImportRunInput): Promise<ImportRun> {
  const run: ImportRun = {
    id: input.id ?? randomUUID(),
    startedAt: new Date(input.startedAt).toISOString(),
    source: input.source,
    actor: input.actor ?? scope.actor,
    counts: { ...input.counts },
  };
  if (input.finishedAt !== undefined) run.finishedAt = new Date(input.finishedAt).toISOString();
  await guarded(ctx, 'record an import run', () =>
    ctx.db
      .insertInto('import_runs')
      .values({
        id: run.id,
        started_at: run.startedAt,
        finished_at: run.finishedAt ?? null,
        source: run.source,
        actor: run.actor,
        counts: JSON.stringify(run.counts),
      })
      // Recording the same id again (at start, then at the end) updates the run.
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          finished_at: eb.ref('excluded.finished_at'),
          counts: eb.ref('excluded.counts'),
        })),
      )
      .execute(),
  );
  return run;
}

/**
 * See Repository.listImportRuns. Import runs are not per tenant (one run may
 * load many), so only an all-tenants scope may read them.
 */
export async function listImportRuns(ctx: StoreContext, scope: Scope, limit = 50): Promise<ImportRun[]> {
  if (scope.kind !== 'all') {
    throw new HubguardError('HG_ERR_TENANT_SCOPE', 'import runs span tenants; listing them needs an all-tenants scope');
  }
  const rows = await guarded(ctx, 'list import runs', () =>
    ctx.db.selectFrom('import_runs').selectAll().orderBy('started_at', 'desc').orderBy('id').limit(Math.max(0, limit)).execute(),
  );
  return rows.map((r) => {
    const run: ImportRun = {
      id: r.id,
      startedAt: r.started_at,
      source: r.source,
      actor: r.actor,
      counts: JSON.parse(r.counts) as Record<string, number>,
    };
    if (r.finished_at !== null) run.finishedAt = r.finished_at;
    return run;
  });
}
