import { allTenants } from '../core/index.js';
import { toCoreAlert, type AlertSink } from '../detect/alerts.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import type { CliContext } from './context.js';
import { cliActor, databaseUrl } from './db.js';

/** Alerts stored per database round trip. */
const BATCH = 500;

/**
 * An alert sink that stores each alert in its final state (merged with the
 * stored one when an attack spans runs) and, for `--follow`, as it opens, so a
 * live attack is visible before it ends. The database is opened at once, so a
 * bad URL fails before any log is read.
 */
export async function databaseAlertSink(option: string | undefined, ctx: CliContext): Promise<AlertSink & { stored(): number }> {
  const db = await openDatabase(databaseUrl(option, ctx));
  const repo = new Repository(db);
  const scope = allTenants(cliActor(ctx));
  let pending: ReturnType<typeof toCoreAlert>[] = [];
  let stored = 0;
  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    await repo.upsertAlerts(scope, batch);
    stored += batch.length;
  };
  return {
    async write(e) {
      if (e.type === 'updated') return;
      pending.push(toCoreAlert(e.alert));
      if (e.type === 'opened' || pending.length >= BATCH) await flush();
    },
    async close() {
      try {
        await flush();
      } finally {
        await db.close();
      }
    },
    stored: () => stored,
  };
}
