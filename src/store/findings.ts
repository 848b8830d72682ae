import { sql } from 'kysely';
import {
  areaOfControl,
  assertInScope,
  HubguardError,
  type Finding,
  type Scope,
  type Severity,
} from '../core/index.js';
import { atomic, chunks, countAll, guarded, IN_CHUNK, readTenants, type StoreContext } from './context.js';
import { SEVERITY_RANK, type FindingRow } from './schema.js';

/** Lifecycle status of a finding. */
export type FindingStatus = Finding['status'];

/** Filters of listFindings. */
export interface FindingFilter {
  tenant?: string;
  /** Area slug (`mfa`, `backups`, ...). */
  area?: string;
  /** Only findings at least this severe. */
  minSeverity?: Severity;
  /** Default `open`; `any` lists every status. */
  status?: FindingStatus | 'any';
  engine?: string;
  control?: string;
  limit?: number;
  offset?: number;
}

/** One row of findingSummary. */
export interface FindingSummaryRow {
  tenant: string;
  area: string;
  severity: Severity;
  count: number;
}

/** Outcome of replaceFindings. */
export interface ReplaceFindingsResult {
  /** Findings of the new set written. */
  upserted: number;
  /** Open findings of the engine that were not in the new set, now resolved. */
  resolved: number;
}

/** Rows per insert: 15 columns each keeps a statement far under both databases' parameter limits. */
const FINDING_CHUNK = 500;

/** A stored row as a Finding; the lifecycle columns win over the JSON, which keeps the engine's view. */
function toFinding(row: Pick<FindingRow, 'data' | 'status' | 'first_seen' | 'last_seen'>): Finding {
  return { ...(JSON.parse(row.data) as Finding), status: row.status, firstSeen: row.first_seen, lastSeen: row.last_seen };
}

/** See Repository.replaceFindings. */
export async function replaceFindings(
  ctx: StoreContext,
  scope: Scope,
  run: { engine: string; tenant?: string },
  findings: readonly Finding[],
  now: string | Date,
): Promise<ReplaceFindingsResult> {
  if (run.tenant !== undefined) assertInScope(scope, run.tenant);
  const seenAt = new Date(now).toISOString();
  const byKey = new Map<string, FindingRow>();
  for (const f of findings) {
    assertInScope(scope, f.tenant);
    if (run.tenant !== undefined && f.tenant !== run.tenant) {
      throw new HubguardError('HG_ERR_TENANT_SCOPE', `finding ${f.id} belongs to ${f.tenant}, not to ${run.tenant}`);
    }
    if (f.engine !== run.engine) {
      throw new HubguardError('HG_ERR_VALIDATION', `finding ${f.id} comes from engine ${f.engine}, not ${run.engine}`);
    }
    byKey.set(`${f.tenant}\u0000${f.id}`, {
      id: f.id,
      tenant: f.tenant,
      control: f.control,
      area: areaOfControl(f.control),
      engine: f.engine,
      severity: f.severity,
      severity_rank: SEVERITY_RANK[f.severity],
      status: f.status,
      subject_kind: f.subject.kind,
      subject_id: f.subject.id,
      title: f.title,
      data: JSON.stringify(f),
      first_seen: f.firstSeen,
      last_seen: seenAt,
    });
  }
  const rows = [...byKey.values()];
  const scopeTenants = readTenants(scope, run.tenant);

  return guarded(ctx, 'replace findings', () =>
    atomic(ctx, async (c) => {
      for (const part of chunks(rows, FINDING_CHUNK)) {
        await c.db
          .insertInto('findings')
          .values(part)
          .onConflict((oc) =>
            oc.columns(['tenant', 'id']).doUpdateSet((eb) => ({
              control: eb.ref('excluded.control'),
              area: eb.ref('excluded.area'),
              engine: eb.ref('excluded.engine'),
              severity: eb.ref('excluded.severity'),
              severity_rank: eb.ref('excluded.severity_rank'),
              // A suppression set by hand outlives re-runs; one that came from a suppression record
              // (its evidence names it) follows the engine, so it lifts when the record expires.
              // A resolved finding that is back reopens.
              status: sql<FindingStatus>`case when findings.status = 'suppressed' and findings.data not like '%"suppression":{"id":%' then 'suppressed' else excluded.status end`,
              subject_kind: eb.ref('excluded.subject_kind'),
              subject_id: eb.ref('excluded.subject_id'),
              title: eb.ref('excluded.title'),
              data: eb.ref('excluded.data'),
              // first_seen is deliberately not updated: it is when the problem first appeared.
              last_seen: eb.ref('excluded.last_seen'),
            })),
          )
          .execute();
      }

      if (scopeTenants?.length === 0) return { upserted: rows.length, resolved: 0 };
      const open = await c.db
        .selectFrom('findings')
        .select(['tenant', 'id'])
        .where('engine', '=', run.engine)
        .where('status', '=', 'open')
        .$if(scopeTenants !== undefined, (q) => q.where('tenant', 'in', scopeTenants ?? []))
        .execute();
      const gone = new Map<string, string[]>();
      for (const r of open) {
        if (byKey.has(`${r.tenant}\u0000${r.id}`)) continue;
        const list = gone.get(r.tenant) ?? [];
        list.push(r.id);
        gone.set(r.tenant, list);
      }
      let resolved = 0;
      for (const [tenant, ids] of gone) {
        for (const part of chunks(ids, IN_CHUNK)) {
          const result = await c.db
            .updateTable('findings')
            .set({ status: 'resolved' })
            .where('tenant', '=', tenant)
            .where('id', 'in', part)
            .where('status', '=', 'open')
            .executeTakeFirst();
          resolved += Number(result.numUpdatedRows);
        }
      }
      return { upserted: rows.length, resolved };
    }),
  );
}

/** See Repository.listFindings. */
export async function listFindings(ctx: StoreContext, scope: Scope, filter: FindingFilter = {}): Promise<Finding[]> {
  const tenants = readTenants(scope, filter.tenant);
  if (tenants?.length === 0) return [];
  const status = filter.status ?? 'open';
  const { limit, offset } = filter;
  const rows = await guarded(ctx, 'list findings', () =>
    ctx.db
      .selectFrom('findings')
      .select(['data', 'status', 'first_seen', 'last_seen'])
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .$if(status !== 'any', (q) => q.where('status', '=', status as FindingStatus))
      .$if(filter.area !== undefined, (q) => q.where('area', '=', filter.area ?? ''))
      .$if(filter.engine !== undefined, (q) => q.where('engine', '=', filter.engine ?? ''))
      .$if(filter.control !== undefined, (q) => q.where('control', '=', filter.control ?? ''))
      .$if(filter.minSeverity !== undefined, (q) =>
        q.where('severity_rank', '>=', SEVERITY_RANK[filter.minSeverity ?? 'info']),
      )
      .orderBy('severity_rank', 'desc')
      .orderBy('tenant')
      .orderBy('control')
      .orderBy('id')
      .$if(limit !== undefined || offset !== undefined, (q) => q.limit(limit ?? Number.MAX_SAFE_INTEGER))
      .$if(offset !== undefined, (q) => q.offset(offset ?? 0))
      .execute(),
  );
  return rows.map(toFinding);
}

/** See Repository.findingSummary. */
export async function findingSummary(
  ctx: StoreContext,
  scope: Scope,
  options: { status?: FindingStatus | 'any' } = {},
): Promise<FindingSummaryRow[]> {
  const tenants = readTenants(scope);
  if (tenants?.length === 0) return [];
  const status = options.status ?? 'open';
  const rows = await guarded(ctx, 'summarize findings', () =>
    ctx.db
      .selectFrom('findings')
      .select(['tenant', 'area', 'severity', 'severity_rank', countAll().as('n')])
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .$if(status !== 'any', (q) => q.where('status', '=', status as FindingStatus))
      .groupBy(['tenant', 'area', 'severity', 'severity_rank'])
      .orderBy('tenant')
      .orderBy('area')
      .orderBy('severity_rank', 'desc')
      .execute(),
  );
  return rows.map((r) => ({ tenant: r.tenant, area: r.area, severity: r.severity, count: Number(r.n) }));
}

/** See Repository.setFindingStatus. */
export async function setFindingStatus(
  ctx: StoreContext,
  scope: Scope,
  target: { tenant: string; id: string },
  status: FindingStatus,
): Promise<boolean> {
  assertInScope(scope, target.tenant);
  const result = await guarded(ctx, 'update a finding', () =>
    ctx.db
      .updateTable('findings')
      .set({ status })
      .where('tenant', '=', target.tenant)
      .where('id', '=', target.id)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}
