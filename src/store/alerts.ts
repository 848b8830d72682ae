import { sql } from 'kysely';
import { assertInScope, type Alert, type Scope, type Severity } from '../core/index.js';
import { atomic, chunks, guarded, readTenants, type StoreContext } from './context.js';
import { SEVERITY_RANK, type AlertRow } from './schema.js';

/** Filters of listAlerts. */
export interface AlertFilter {
  tenant?: string;
  detector?: string;
  minSeverity?: Severity;
  limit?: number;
  offset?: number;
}

/** Rows per insert (9 columns each). */
const ALERT_CHUNK = 500;

/** A stored row as an Alert; the merged columns win over the JSON of the last report. */
function toAlert(row: Pick<AlertRow, 'data' | 'first_seen' | 'last_seen' | 'count'>): Alert {
  return { ...(JSON.parse(row.data) as Alert), firstSeen: row.first_seen, lastSeen: row.last_seen, count: Number(row.count) };
}

/** Merges two reports of one alert: the earliest start, the latest end, the newer count and data. */
function merge(older: AlertRow, newer: AlertRow): AlertRow {
  return {
    ...newer,
    first_seen: older.first_seen < newer.first_seen ? older.first_seen : newer.first_seen,
    last_seen: older.last_seen > newer.last_seen ? older.last_seen : newer.last_seen,
  };
}

/** See Repository.upsertAlerts. */
export async function upsertAlerts(ctx: StoreContext, scope: Scope, alerts: readonly Alert[]): Promise<number> {
  const byKey = new Map<string, AlertRow>();
  for (const a of alerts) {
    assertInScope(scope, a.tenant);
    const row: AlertRow = {
      id: a.id,
      tenant: a.tenant,
      detector: a.detector,
      severity: a.severity,
      severity_rank: SEVERITY_RANK[a.severity],
      first_seen: a.firstSeen,
      last_seen: a.lastSeen,
      count: a.count,
      data: JSON.stringify(a),
    };
    const key = `${a.tenant}\u0000${a.id}`;
    const before = byKey.get(key);
    byKey.set(key, before ? merge(before, row) : row);
  }
  const rows = [...byKey.values()];
  if (rows.length === 0) return 0;
  return guarded(ctx, 'upsert alerts', () =>
    atomic(ctx, async (c) => {
      for (const part of chunks(rows, ALERT_CHUNK)) {
        await c.db
          .insertInto('alerts')
          .values(part)
          .onConflict((oc) =>
            oc.columns(['tenant', 'id']).doUpdateSet((eb) => ({
              detector: eb.ref('excluded.detector'),
              severity: eb.ref('excluded.severity'),
              severity_rank: eb.ref('excluded.severity_rank'),
              // CASE rather than min()/least(): the one spelling both databases share.
              first_seen: sql<string>`case when excluded.first_seen < alerts.first_seen
                then excluded.first_seen else alerts.first_seen end`,
              last_seen: sql<string>`case when excluded.last_seen > alerts.last_seen
                then excluded.last_seen else alerts.last_seen end`,
              count: eb.ref('excluded.count'),
              data: eb.ref('excluded.data'),
            })),
          )
          .execute();
      }
      return rows.length;
    }),
  );
}

/** See Repository.listAlerts. */
export async function listAlerts(ctx: StoreContext, scope: Scope, filter: AlertFilter = {}): Promise<Alert[]> {
  const tenants = readTenants(scope, filter.tenant);
  if (tenants?.length === 0) return [];
  const { limit, offset } = filter;
  const rows = await guarded(ctx, 'list alerts', () =>
    ctx.db
      .selectFrom('alerts')
      .select(['data', 'first_seen', 'last_seen', 'count'])
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .$if(filter.detector !== undefined, (q) => q.where('detector', '=', filter.detector ?? ''))
      .$if(filter.minSeverity !== undefined, (q) =>
        q.where('severity_rank', '>=', SEVERITY_RANK[filter.minSeverity ?? 'info']),
      )
      .orderBy('severity_rank', 'desc')
      .orderBy('last_seen', 'desc')
      .orderBy('tenant')
      .orderBy('id')
      .$if(limit !== undefined || offset !== undefined, (q) => q.limit(limit ?? Number.MAX_SAFE_INTEGER))
      .$if(offset !== undefined, (q) => q.offset(offset ?? 0))
      .execute(),
  );
  return rows.map(toAlert);
}
