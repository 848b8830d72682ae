import { describe, expect, it } from 'vitest';
import { allTenants } from '../../core/index.js';
import { A, B, finding, withCode, type Harness } from './harness.js';

const all = allTenants('contract');
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-09T00:00:00.000Z';
const T3 = '2026-01-16T00:00:00.000Z';

/** Findings: replace/resolve runs, status, filters and summary. */
export function findingsContract(h: Harness): void {
  describe('findings', () => {
    it('replace upserts the new set, keeps first_seen and resolves what is gone', async () => {
      const repo = h.repo();
      const first = await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'f1'), finding(A, 'f2'), finding(B, 'f3')], T1);
      expect(first).toEqual({ upserted: 3, resolved: 0 });
      const second = await repo.replaceFindings(
        all,
        { engine: 'access' },
        [finding(A, 'f1', { title: 'still missing', firstSeen: T2, lastSeen: T2 }), finding(A, 'f4', { firstSeen: T2, lastSeen: T2 })],
        T2,
      );
      expect(second).toEqual({ upserted: 2, resolved: 2 });

      const open = await repo.listFindings(all);
      expect(open.map((f) => f.id)).toEqual(['access:f1', 'access:f4']);
      expect(open[0]).toMatchObject({ title: 'still missing', status: 'open', firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: T2 });
      expect(open[1]).toMatchObject({ firstSeen: T2, lastSeen: T2 });
      const resolved = await repo.listFindings(all, { status: 'resolved' });
      expect(resolved.map((f) => [f.tenant, f.id, f.lastSeen])).toEqual([[A, 'access:f2', T1], [B, 'access:f3', T1]]);

      // A resolved finding that comes back reopens, with its original first_seen.
      await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'f1'), finding(A, 'f2'), finding(A, 'f4')], T3);
      const f2 = (await repo.listFindings(all, { control: 'hg.ctl.mfa.msp-accounts' })).find((f) => f.id === 'access:f2');
      expect(f2).toMatchObject({ status: 'open', firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: T3 });
    });

    it('resolves only the run engine and tenant', async () => {
      const repo = h.repo();
      await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'a'), finding(B, 'b')], T1);
      await repo.replaceFindings(all, { engine: 'backups' }, [finding(A, 'bk', { engine: 'backups', control: 'hg.ctl.backups.offline' })], T1);
      expect(await repo.replaceFindings(all, { engine: 'access', tenant: A }, [], T2)).toEqual({ upserted: 0, resolved: 1 });
      expect((await repo.listFindings(all)).map((f) => `${f.engine}/${f.tenant}`).sort()).toEqual([`access/${B}`, `backups/${A}`]);
    });

    it('a suppressed finding stays suppressed across runs until reopened', async () => {
      const repo = h.repo();
      await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'f1')], T1);
      expect(await repo.setFindingStatus(all, { tenant: A, id: 'access:f1' }, 'suppressed')).toBe(true);
      await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'f1')], T2);
      expect(await repo.listFindings(all)).toEqual([]);
      expect(await repo.listFindings(all, { status: 'suppressed' })).toHaveLength(1);
      await repo.replaceFindings(all, { engine: 'access' }, [], T3);
      expect(await repo.listFindings(all, { status: 'suppressed' })).toHaveLength(1);
      expect(await repo.setFindingStatus(all, { tenant: A, id: 'nope' }, 'open')).toBe(false);
    });

    it('filters by area, minimum severity, engine and control, most severe first', async () => {
      const repo = h.repo();
      await repo.replaceFindings(
        all,
        { engine: 'access' },
        [
          finding(B, 'low', { severity: 'low' }),
          finding(A, 'crit', { severity: 'critical', control: 'hg.ctl.privilege.no-standing-ga' }),
          finding(A, 'med', { severity: 'medium', control: 'hg.ctl.privilege.jit' }),
          finding(B, 'high', { severity: 'high' }),
          finding(A, 'info', { severity: 'info' }),
        ],
        T1,
      );
      const ids = (fs: { id: string }[]) => fs.map((f) => f.id);
      expect(ids(await repo.listFindings(all))).toEqual(['access:crit', 'access:high', 'access:med', 'access:low', 'access:info']);
      expect(ids(await repo.listFindings(all, { area: 'privilege' }))).toEqual(['access:crit', 'access:med']);
      expect(ids(await repo.listFindings(all, { minSeverity: 'high' }))).toEqual(['access:crit', 'access:high']);
      expect(ids(await repo.listFindings(all, { area: 'mfa', minSeverity: 'low' }))).toEqual(['access:high', 'access:low']);
      expect(ids(await repo.listFindings(all, { control: 'hg.ctl.privilege.jit' }))).toEqual(['access:med']);
      expect(ids(await repo.listFindings(all, { engine: 'other' }))).toEqual([]);
      expect(ids(await repo.listFindings(all, { tenant: A, limit: 2 }))).toEqual(['access:crit', 'access:med']);
    });

    it('summarizes open findings per tenant, area and severity', async () => {
      const repo = h.repo();
      await repo.replaceFindings(
        all,
        { engine: 'access' },
        [finding(A, 'x'), finding(A, 'y'), finding(A, 'z', { severity: 'critical', control: 'hg.ctl.privilege.jit' }), finding(B, 'w')],
        T1,
      );
      expect(await repo.findingSummary(all)).toEqual([
        { tenant: A, area: 'mfa', severity: 'high', count: 2 },
        { tenant: A, area: 'privilege', severity: 'critical', count: 1 },
        { tenant: B, area: 'mfa', severity: 'high', count: 1 },
      ]);
    });

    it('refuses findings of another engine or tenant than the run', async () => {
      const repo = h.repo();
      await expect(repo.replaceFindings(all, { engine: 'backups' }, [finding(A, 'f')], T1)).rejects.toMatchObject(
        withCode('HG_ERR_VALIDATION'),
      );
      await expect(repo.replaceFindings(all, { engine: 'access', tenant: A }, [finding(B, 'f')], T1)).rejects.toMatchObject(
        withCode('HG_ERR_TENANT_SCOPE'),
      );
      expect(await repo.listFindings(all, { status: 'any' })).toEqual([]);
    });
  });
}
