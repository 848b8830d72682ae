import { describe, expect, it } from 'vitest';
import { allTenants, tenantsScope, type OrgId, type Scope } from '../../core/index.js';
import { A, alert, B, finding, identity, org, snapshot, withCode, type Harness } from './harness.js';

const all = allTenants('contract');
const onlyA = tenantsScope('alice', [A as OrgId]);

/** Seeds the same kinds of rows in tenants A and B, and one global audit entry. */
async function seed(h: Harness): Promise<void> {
  const repo = h.repo();
  await repo.upsertRecords(all, 'organization', [org(A), org(B)]);
  await repo.upsertRecords(all, 'identity', [identity(A, 1), identity(A, 2), identity(B, 1), identity(B, 2), identity(B, 3)]);
  // The same key in both tenants: each scope must see its own.
  await repo.upsertRecords(all, 'identity', [
    identity(A, 'shared', { id: 'svc-backup' }),
    identity(B, 'shared', { id: 'svc-backup', displayName: 'B secret' }),
  ]);
  await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'a1'), finding(B, 'b1'), finding(B, 'b2')], '2026-01-02T00:00:00Z');
  await repo.upsertAlerts(all, [alert(A, 'al-a'), alert(B, 'al-b')]);
  await repo.appendAudit({ at: '2026-01-02T00:00:00Z', actor: 'op', action: 'login' });
  await repo.appendAudit({ at: '2026-01-02T00:00:00Z', actor: 'op', action: 'import', tenant: A });
  await repo.appendAudit({ at: '2026-01-02T00:00:00Z', actor: 'op', action: 'import', tenant: B });
}

/** A tenants scope sees and writes only its tenants. */
export function tenancyContract(h: Harness): void {
  describe('tenant isolation', () => {
    it("a tenants scope of A never sees B's rows", async () => {
      await seed(h);
      const repo = h.repo();
      const tenantsOf = (rows: { tenant: string }[]) => [...new Set(rows.map((r) => r.tenant))];

      expect(tenantsOf(await repo.listRecords(onlyA, 'identity'))).toEqual([A]);
      expect(await repo.listRecords(onlyA, 'organization')).toEqual([org(A)]);
      expect(await repo.getRecord(onlyA, 'identity', `u1@${B}.example`)).toBeUndefined();
      expect(await repo.getRecord(onlyA, 'identity', 'svc-backup')).toMatchObject({ tenant: A });
      expect(await repo.countRecords(onlyA, 'identity')).toBe(3);
      expect(await repo.countsByTenant(onlyA, 'identity')).toEqual([{ tenant: A, count: 3 }]);
      expect(await repo.existingKeys(onlyA, 'identity', [`u1@${B}.example`, `u3@${B}.example`, 'svc-backup'])).toEqual(
        new Map([['svc-backup', A]]),
      );
      const iterated: string[] = [];
      for await (const r of repo.iterateRecords(onlyA, 'identity', { pageSize: 1 })) iterated.push(r.tenant);
      expect(new Set(iterated)).toEqual(new Set([A]));

      expect(tenantsOf(await repo.listFindings(onlyA, { status: 'any' }))).toEqual([A]);
      expect(tenantsOf(await repo.findingSummary(onlyA))).toEqual([A]);
      expect(tenantsOf(await repo.listAlerts(onlyA))).toEqual([A]);
      const audit = await repo.listAudit(onlyA, 100);
      expect(audit.map((e) => e.tenant)).toEqual([A]);
      expect((await repo.listAudit(all, 100)).length).toBe(3);
    });

    it('refuses to read an explicit tenant outside the scope', async () => {
      await seed(h);
      const repo = h.repo();
      await expect(repo.listRecords(onlyA, 'identity', { tenant: B })).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await expect(repo.countRecords(onlyA, 'identity', B)).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await expect(repo.getRecord(onlyA, 'identity', `u1@${B}.example`, B)).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await expect(repo.listFindings(onlyA, { tenant: B })).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await expect(repo.listAlerts(onlyA, { tenant: B })).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
    });

    it("writing B's rows with A's scope throws HG_ERR_TENANT_SCOPE and writes nothing", async () => {
      await seed(h);
      const repo = h.repo();
      const before = await snapshot(h.database());
      const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await refused(repo.upsertRecords(onlyA, 'identity', [identity(A, 9), identity(B, 9)]));
      await refused(repo.upsertRecords(onlyA, 'organization', [org(B, { name: 'taken over' })]));
      await refused(repo.mergeRecords(onlyA, 'identity', [identity(A, 1), identity(B, 1, { mfa: [] })], ['mfa']));
      const b9 = identity(B, 9);
      await refused(repo.upsertSerialized(onlyA, 'identity', [[B, b9.id, JSON.stringify(b9)]]));
      await refused(repo.replaceFindings(onlyA, { engine: 'access' }, [finding(A, 'a9'), finding(B, 'b9')], '2026-01-03T00:00:00Z'));
      await refused(repo.replaceFindings(onlyA, { engine: 'access', tenant: B }, [], '2026-01-03T00:00:00Z'));
      await refused(repo.setFindingStatus(onlyA, { tenant: B, id: 'access:b1' }, 'suppressed'));
      await refused(repo.upsertAlerts(onlyA, [alert(B, 'al-b', { count: 99 })]));
      await refused(repo.verifyAudit(onlyA));
      await refused(repo.listImportRuns(onlyA));
      expect(await repo.deleteRecords(onlyA, 'identity', [`u1@${B}.example`, `u2@${B}.example`])).toBe(0);
      expect(await snapshot(h.database())).toEqual(before);
    });

    it("replacing A's findings with A's scope leaves B's open", async () => {
      await seed(h);
      const repo = h.repo();
      const res = await repo.replaceFindings(onlyA, { engine: 'access' }, [], '2026-01-03T00:00:00Z');
      expect(res).toEqual({ upserted: 0, resolved: 1 });
      expect((await repo.listFindings(all)).map((f) => f.tenant)).toEqual([B, B]);
    });

    it('an empty tenants scope sees nothing, and a missing scope is refused', async () => {
      await seed(h);
      const repo = h.repo();
      const none = tenantsScope('nobody', []);
      expect(await repo.listRecords(none, 'identity')).toEqual([]);
      expect(await repo.countRecords(none, 'identity')).toBe(0);
      expect(await repo.listFindings(none)).toEqual([]);
      expect(await repo.listAudit(none)).toEqual([]);
      await expect(repo.listRecords(undefined as unknown as Scope, 'identity')).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      await expect(repo.countRecords({ kind: 'tenants', actor: 'x' } as unknown as Scope, 'identity')).rejects.toMatchObject(
        withCode('HG_ERR_TENANT_SCOPE'),
      );
    });
  });
}
