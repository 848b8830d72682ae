import { describe, expect, it } from 'vitest';
import { allTenants } from '../../core/index.js';
import { A, alert, B, finding, identity, org, snapshot, type Harness } from './harness.js';

const all = allTenants('contract');

/** transaction(): all-or-nothing, including the fast raw insert path. */
export function transactionContract(h: Harness): void {
  describe('transactions', () => {
    it('commit makes every write visible', async () => {
      const repo = h.repo();
      const out = await repo.transaction(async (tx) => {
        await tx.upsertRecords(all, 'organization', [org(A)]);
        await tx.upsertRecords(all, 'identity', [identity(A, 1)]);
        expect(await tx.countRecords(all, 'identity')).toBe(1);
        return 'done';
      });
      expect(out).toBe('done');
      expect(await repo.countRecords(all, 'identity')).toBe(1);
    });

    it('a throw rolls back everything and leaves the database exactly as before', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'organization', [org(A), org(B)]);
      await repo.upsertRecords(all, 'identity', [identity(A, 1), identity(B, 1)]);
      await repo.replaceFindings(all, { engine: 'access' }, [finding(A, 'a1')], '2026-01-02T00:00:00Z');
      await repo.appendAudit({ at: '2026-01-02T00:00:00Z', actor: 'op', action: 'seed' });
      const before = await snapshot(h.database());

      const boom = new Error('importer failed half-way');
      await expect(
        repo.transaction(async (tx) => {
          await tx.upsertRecords(all, 'identity', Array.from({ length: 2_500 }, (_, i) => identity(A, i + 10)));
          await tx.upsertRecords(all, 'identity', [identity(A, 1, { displayName: 'changed' })]);
          await tx.deleteRecords(all, 'identity', [`u1@${B}.example`]);
          await tx.replaceFindings(all, { engine: 'access' }, [finding(B, 'b1')], '2026-01-03T00:00:00Z');
          await tx.upsertAlerts(all, [alert(A, 'al-1')]);
          await tx.appendAudit({ at: '2026-01-03T00:00:00Z', actor: 'op', action: 'import', tenant: A });
          await tx.recordImportRun(all, { startedAt: '2026-01-03T00:00:00Z', source: 'folder', counts: { identity: 2_500 } });
          expect(await tx.countRecords(all, 'identity')).toBe(2_501);
          throw boom;
        }),
      ).rejects.toBe(boom);

      expect(await snapshot(h.database())).toEqual(before);
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: true, entries: 1 });
    });

    it('a failure inside one upsert writes none of its rows', async () => {
      const repo = h.repo();
      const circular: Record<string, unknown> = { ...identity(A, 99) };
      circular.self = circular;
      const batch = [...Array.from({ length: 50 }, (_, i) => identity(A, i)), circular];
      await expect(repo.upsertRecords(all, 'identity', batch)).rejects.toBeInstanceOf(Error);
      expect(await repo.countRecords(all, 'identity')).toBe(0);
    });

    it('a nested transaction that fails is undone alone when the caller handles the error', async () => {
      const repo = h.repo();
      await repo.transaction(async (tx) => {
        await tx.upsertRecords(all, 'identity', [identity(A, 1)]);
        await expect(
          tx.transaction(async (inner) => {
            await inner.upsertRecords(all, 'identity', [identity(A, 2)]);
            throw new Error('inner step failed');
          }),
        ).rejects.toThrow('inner step failed');
        await tx.upsertRecords(all, 'identity', [identity(A, 3)]);
      });
      expect((await repo.listRecords(all, 'identity')).map((r) => r.id)).toEqual([`u1@${A}.example`, `u3@${A}.example`]);
    });

    it('concurrent calls inside one transaction do not tangle their savepoints', async () => {
      const repo = h.repo();
      const at = '2026-01-02T00:00:00Z';
      await repo.transaction(async (tx) => {
        await Promise.all([
          tx.upsertAlerts(all, [alert(A, 'kept-1')]),
          tx
            .transaction(async (inner) => {
              await inner.upsertAlerts(all, [alert(A, 'undone')]);
              await inner.upsertRecords(all, 'identity', [identity(A, 'undone')]);
              throw new Error('inner step failed');
            })
            .catch(() => undefined),
          tx.replaceFindings(all, { engine: 'access' }, [finding(A, 'f1')], at),
          tx.upsertRecords(all, 'identity', [identity(A, 1)]),
          tx.upsertAlerts(all, [alert(B, 'kept-2')]),
          tx.appendAudit({ at, actor: 'op', action: 'parallel' }),
          tx.deleteRecords(all, 'identity', ['nobody']),
        ]);
      });
      expect((await repo.listAlerts(all)).map((a) => a.id).sort()).toEqual(['kept-1', 'kept-2']);
      expect((await repo.listRecords(all, 'identity')).map((r) => r.id)).toEqual([`u1@${A}.example`]);
      expect(await repo.listFindings(all)).toHaveLength(1);
      expect(await repo.verifyAudit(all)).toMatchObject({ ok: true, entries: 1 });
    });

    it('a write outside the transaction is not swept into it while it is open', async () => {
      const repo = h.repo();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const tx = repo.transaction(async (t) => {
        await t.upsertRecords(all, 'identity', [identity(A, 1)]);
        entered();
        await gate;
        throw new Error('rolled back');
      });
      await inside;
      const outside = repo.upsertRecords(all, 'identity', [identity(B, 1)]);
      release();
      await expect(tx).rejects.toThrow('rolled back');
      await outside;
      expect((await repo.listRecords(all, 'identity')).map((r) => r.id)).toEqual([`u1@${B}.example`]);
    });

    it('refuses the outer repository inside a transaction instead of deadlocking', async () => {
      const repo = h.repo();
      await expect(
        repo.transaction(async (tx) => {
          await tx.upsertRecords(all, 'organization', [org(A)]);
          await repo.countRecords(all, 'organization');
        }),
      ).rejects.toMatchObject({ code: 'HG_ERR_INTERNAL' });
      expect(await repo.countRecords(all, 'organization')).toBe(0);
    });

    it('refuses use of a transaction repository after the transaction ended', async () => {
      const repo = h.repo();
      let leaked: typeof repo | undefined;
      await repo.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.upsertRecords(all, 'organization', [org(A)])).rejects.toMatchObject({ code: 'HG_ERR_INTERNAL' });
      expect(await repo.countRecords(all, 'organization')).toBe(0);
    });
  });
}
