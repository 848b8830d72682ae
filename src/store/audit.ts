import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { HubguardError, type AuditEntry, type Scope } from '../core/index.js';
import { canonicalJson } from './canonical-json.js';
import { atomic, guarded, prepared, rawAtomic, readTenants, type StoreContext } from './context.js';
import type { AuditRow } from './schema.js';

/** What a caller records: who did what, to which tenant and target, with which details. */
export interface AuditInput {
  at: string | Date;
  actor: string;
  action: string;
  tenant?: string;
  target?: string;
  /** Plain JSON details. Never pass secrets: the log is kept forever and shown to auditors. */
  details?: Record<string, unknown>;
}

/** Result of verifyAudit. */
export type AuditVerification =
  | {
      ok: true;
      entries: number;
      /** Hash of the last entry: keep it elsewhere to detect a truncated tail. */
      head: string;
    }
  | { ok: false; brokenAt: number; reason: string };

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** Advisory lock key that serializes appends on PostgreSQL ("HGAU"). */
const PG_AUDIT_LOCK = 0x48474155;
const VERIFY_PAGE = 1_000;
const INSERT_AUDIT =
  'insert into audit_log (seq, at, actor, action, tenant, target, details, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Detail keys whose values are replaced before storing: a safety net, not a
 * licence — callers must not pass secrets at all.
 */
const SECRET_KEY = new RegExp(
  '^(password|passwd|passphrase|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|' +
    'api[-_]?key|private[-_]?key|otp|totp[-_]?secret|authorization|cookie)$',
  'i',
);

function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactSecrets(v)]),
    );
  }
  return value;
}

/** The hash of one entry: sha256 over the canonical JSON of every field but the hash itself. */
export function auditHash(e: Omit<AuditEntry, 'hash' | 'details'> & { details: unknown }): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    tenant: e.tenant ?? null,
    target: e.target ?? null,
    details: e.details,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

type StoredAudit = Omit<AuditRow, 'seq'> & { seq: number | string };

function toEntry(row: StoredAudit): AuditEntry {
  const entry: AuditEntry = {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.tenant !== null) entry.tenant = row.tenant as AuditEntry['tenant'];
  if (row.target !== null) entry.target = row.target;
  return entry;
}

/** See Repository.appendAudit. */
export async function appendAudit(ctx: StoreContext, input: AuditInput): Promise<AuditEntry> {
  // Through JSON first, so the hash is computed over exactly what verify will read back.
  const details = redactSecrets(JSON.parse(JSON.stringify(input.details ?? {}))) as Record<string, unknown>;
  const when = new Date(input.at);
  if (Number.isNaN(when.getTime()) || !input.actor || !input.action) {
    throw new HubguardError('HG_ERR_VALIDATION', 'an audit entry needs a valid time, an actor and an action');
  }
  const at = when.toISOString();
  const { actor, action } = input;
  const tenant = input.tenant as AuditEntry['tenant'];
  const build = (last: { seq: number | string; hash: string } | undefined): StoredAudit & { seq: number } => {
    const seq = last ? Number(last.seq) + 1 : 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = auditHash({ seq, at, actor, action, tenant, target: input.target, details, prevHash });
    return {
      seq,
      at,
      actor,
      action,
      tenant: tenant ?? null,
      target: input.target ?? null,
      details: JSON.stringify(details),
      prev_hash: prevHash,
      hash,
    };
  };

  const row = await guarded(ctx, 'append to the audit log', async () => {
    const raw = ctx.raw;
    if (raw) {
      // Read-last and insert in one synchronous, locked transaction: no other append can interleave.
      return rawAtomic(ctx, raw, () => {
        const last = prepared(raw, 'select seq, hash from audit_log order by seq desc limit 1').get() as
          | { seq: number; hash: string }
          | undefined;
        const r = build(last);
        prepared(raw, INSERT_AUDIT).run(r.seq, r.at, r.actor, r.action, r.tenant, r.target, r.details, r.prev_hash, r.hash);
        return r;
      });
    }
    return atomic(ctx, async (c) => {
      // Appends from every connection and process queue here until the transaction ends.
      if (c.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_AUDIT_LOCK})`.execute(c.db);
      const last = await c.db
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const r = build(last);
      await c.db.insertInto('audit_log').values(r).execute();
      return r;
    });
  });
  return toEntry(row);
}

/** See Repository.verifyAudit. */
export async function verifyAudit(ctx: StoreContext, scope: Scope): Promise<AuditVerification> {
  if (scope.kind !== 'all') {
    throw new HubguardError('HG_ERR_TENANT_SCOPE', 'verifying the audit log needs an all-tenants scope');
  }
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const after = expectedSeq - 1;
    const page = await guarded(ctx, 'read the audit log', () =>
      ctx.db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(VERIFY_PAGE).execute(),
    );
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, brokenAt: seq, reason: `entry ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash) {
        return { ok: false, brokenAt: seq, reason: 'previous hash does not match the entry before' };
      }
      let details: unknown;
      try {
        details = JSON.parse(row.details);
      } catch {
        return { ok: false, brokenAt: seq, reason: 'details are not valid JSON' };
      }
      const hash = auditHash({
        seq,
        at: row.at,
        actor: row.actor,
        action: row.action,
        tenant: (row.tenant ?? undefined) as AuditEntry['tenant'],
        target: row.target ?? undefined,
        details,
        prevHash: row.prev_hash,
      });
      if (hash !== row.hash) return { ok: false, brokenAt: seq, reason: 'contents do not match the stored hash' };
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (page.length < VERIFY_PAGE) return { ok: true, entries: expectedSeq - 1, head: prevHash };
  }
}

/** See Repository.listAudit. */
export async function listAudit(ctx: StoreContext, scope: Scope, limit = 100): Promise<AuditEntry[]> {
  const tenants = readTenants(scope);
  if (tenants?.length === 0) return [];
  const rows = await guarded(ctx, 'read the audit log', () =>
    ctx.db
      .selectFrom('audit_log')
      .selectAll()
      // A tenants scope sees its tenants' entries only: `tenant in (...)` never matches global (null) rows.
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .orderBy('seq', 'desc')
      .limit(Math.max(0, limit))
      .execute(),
  );
  return rows.map(toEntry);
}
