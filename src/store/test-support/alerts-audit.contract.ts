import { describe, expect, it } from 'vitest';
import { allTenants, tenantsScope, type OrgId } from '../../core/index.js';
import { GENESIS_HASH } from '../audit.js';
import { A, alert, B, withCode, type Harness } from './harness.js';

const all = allTenants('contract');

/** Alerts merge, the hash-chained audit log and import runs. */
export function alertsAuditContract(h: Harness): void {
  describe('alerts', () => {
    it('merge keeps the earliest first_seen and latest last_seen, and takes the new count and data', async () => {
      const repo = h.repo();
      await repo.upsertAlerts(all, [alert(A, 'spray-1')]);
      await repo.upsertAlerts(all, [
        alert(A, 'spray-1', { firstSeen: '2026-01-01T10:02:00Z', lastSeen: '2026-01-01T10:20:00Z', count: 7, title: 'Spray (grown)' }),
      ]);
      expect(await repo.listAlerts(all)).toEqual([
        alert(A, 'spray-1', { firstSeen: '2026-01-01T10:00:00Z', lastSeen: '2026-01-01T10:20:00Z', count: 7, title: 'Spray (grown)' }),
      ]);
      // A late report of an older window widens the start but never pulls the end back.
      await repo.upsertAlerts(all, [alert(A, 'spray-1', { firstSeen: '2026-01-01T09:00:00Z', lastSeen: '2026-01-01T09:30:00Z', count: 1 })]);
      expect(await repo.listAlerts(all)).toMatchObject([
        { firstSeen: '2026-01-01T09:00:00.000Z', lastSeen: '2026-01-01T10:20:00.000Z', count: 1 },
      ]);
    });

    it('lists by detector and minimum severity, most severe first', async () => {
      const repo = h.repo();
      await repo.upsertAlerts(all, [
        alert(A, 'a1', { severity: 'medium' }),
        alert(B, 'b1', { severity: 'critical', detector: 'canary' }),
        alert(A, 'a2', { severity: 'high', lastSeen: '2026-01-01T11:00:00Z' }),
      ]);
      expect((await repo.listAlerts(all)).map((a) => a.id)).toEqual(['b1', 'a2', 'a1']);
      expect((await repo.listAlerts(all, { detector: 'spray', minSeverity: 'high' })).map((a) => a.id)).toEqual(['a2']);
      expect((await repo.listAlerts(all, { limit: 1 })).map((a) => a.id)).toEqual(['b1']);
    });
  });

  describe('audit log', () => {
    it('chains entries from the genesis hash and verifies', async () => {
      const repo = h.repo();
      const e1 = await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'op', action: 'login' });
      const e2 = await repo.appendAudit({
        at: '2026-01-01T00:01:00Z',
        actor: 'op',
        action: 'import',
        tenant: A,
        target: 'identities',
        details: { rows: 3, kinds: ['identity'], nested: { ü: '✓' } },
      });
      const e3 = await repo.appendAudit({ at: '2026-01-01T00:02:00Z', actor: 'op', action: 'export', tenant: B });
      expect([e1.seq, e2.seq, e3.seq]).toEqual([1, 2, 3]);
      expect(e1.prevHash).toBe(GENESIS_HASH);
      expect(e2.prevHash).toBe(e1.hash);
      expect(e3.prevHash).toBe(e2.hash);
      expect(e1.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await repo.verifyAudit(all)).toEqual({ ok: true, entries: 3, head: e3.hash });
      expect(await repo.listAudit(all, 2)).toEqual([e3, e2]);
    });

    it('refuses an entry without a valid time, actor or action', async () => {
      const repo = h.repo();
      await expect(repo.appendAudit({ at: 'not a date', actor: 'op', action: 'x' })).rejects.toMatchObject(withCode('HG_ERR_VALIDATION'));
      await expect(repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: '', action: 'x' })).rejects.toMatchObject(withCode('HG_ERR_VALIDATION'));
      expect(await repo.listAudit(all)).toEqual([]);
    });

    it('verifies an empty log', async () => {
      expect(await h.repo().verifyAudit(all)).toEqual({ ok: true, entries: 0, head: GENESIS_HASH });
    });

    it('detects a row changed by UPDATE, even with its hash recomputed by the attacker', async () => {
      const repo = h.repo();
      for (let i = 0; i < 4; i++) await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'op', action: `step-${i}` });
      const db = h.database().db;
      await db.updateTable('audit_log').set({ actor: 'mallory' }).where('seq', '=', 2).execute();
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: false, brokenAt: 2 });
      await db.updateTable('audit_log').set({ hash: 'f'.repeat(64) }).where('seq', '=', 2).execute();
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: false, brokenAt: 2 });
    });

    it('detects a deleted entry', async () => {
      const repo = h.repo();
      for (let i = 0; i < 3; i++) await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'op', action: `step-${i}` });
      await h.database().db.deleteFrom('audit_log').where('seq', '=', 2).execute();
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: false, brokenAt: 3 });
    });

    it('serializes concurrent appends into one unbroken chain', async () => {
      const repo = h.repo();
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: `op${i % 3}`, action: 'touch' })),
      );
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: true, entries: 25 });
    });

    it('redacts secret-looking detail keys', async () => {
      const e = await h.repo().appendAudit({
        at: '2026-01-01T00:00:00Z',
        actor: 'op',
        action: 'connect',
        details: { user: 'svc', password: 'hunter2', nested: [{ apiKey: 'k' }] },
      });
      expect(e.details).toEqual({ user: 'svc', password: '[redacted]', nested: [{ apiKey: '[redacted]' }] });
      expect(await h.repo().verifyAudit(all)).toMatchObject({ ok: true });
    });

    it('shows a tenants scope only its own entries, never global ones', async () => {
      const repo = h.repo();
      await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'op', action: 'global' });
      await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'alice', action: 'mine', tenant: A });
      await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 'op', action: 'theirs', tenant: B });
      expect((await repo.listAudit(tenantsScope('alice', [A as OrgId]))).map((e) => e.action)).toEqual(['mine']);
      expect((await repo.listAudit(all)).map((e) => e.action)).toEqual(['theirs', 'mine', 'global']);
      await expect(repo.verifyAudit(tenantsScope('alice', [A as OrgId]))).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
    });
  });

  describe('import runs', () => {
    it('records a run and completes it by id', async () => {
      const repo = h.repo();
      const run = await repo.recordImportRun(all, { startedAt: '2026-01-01T00:00:00Z', source: 'demo/', counts: {} });
      await repo.recordImportRun(all, { ...run, finishedAt: '2026-01-01T00:00:05Z', counts: { identity: 12, rejected: 1 } });
      expect(await repo.listImportRuns(all)).toEqual([
        {
          id: run.id,
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: '2026-01-01T00:00:05.000Z',
          source: 'demo/',
          actor: 'contract',
          counts: { identity: 12, rejected: 1 },
        },
      ]);
    });
  });
}
