import { describe, expect, it } from 'vitest';
import { allTenants, Membership } from '../../core/index.js';
import { migrationNames } from '../migrations/index.js';
import { Repository } from '../repository.js';
import { A, agreement, B, identity, MSP, org, snapshot, type Harness } from './harness.js';

const all = allTenants('contract');

/** Migrations, upserts and reads of workspace records. */
export function recordsContract(h: Harness): void {
  describe('migrations', () => {
    it('are idempotent: opening the database again applies nothing and keeps the data', async () => {
      await h.repo().upsertRecords(all, 'organization', [org(A)]);
      const again = await h.open();
      try {
        const applied = await again.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
        expect(applied.map((r) => (r as { name: string }).name)).toEqual(migrationNames());
        expect(await new Repository(again).getRecord(all, 'organization', A)).toEqual(org(A));
      } finally {
        await again.close();
      }
    });
  });

  describe('records', () => {
    it('upsert is idempotent: the same input twice gives the same counts and data', async () => {
      const repo = h.repo();
      const input = [org(MSP), org(A), org(B)];
      await repo.upsertRecords(all, 'organization', input);
      const before = await snapshot(h.database());
      h.clock.set('2026-05-01T00:00:00Z');
      await repo.upsertRecords(all, 'organization', input);
      // Byte for byte the same rows, updated_at included: nothing changed, so nothing moved.
      expect(await snapshot(h.database())).toEqual(before);
      expect(await repo.countRecords(all, 'organization')).toBe(3);
      expect(await repo.listRecords(all, 'organization')).toEqual([org(A), org(B), org(MSP)]);
    });

    it('an update replaces the data and moves updated_at; an identical one does not', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(A, 1)]);
      h.clock.set('2026-02-01T00:00:00Z');
      await repo.upsertRecords(all, 'identity', [identity(A, 1, { displayName: 'Renamed', enabled: false })]);
      expect(await repo.getRecord(all, 'identity', `u1@${A}.example`)).toMatchObject({ displayName: 'Renamed', enabled: false });
      const stamp = async () =>
        (await h.database().db.selectFrom('identities').select('updated_at').executeTakeFirstOrThrow()).updated_at;
      expect(await stamp()).toBe('2026-02-01T00:00:00.000Z');
      h.clock.set('2026-03-01T00:00:00Z');
      await repo.upsertRecords(all, 'identity', [identity(A, 1, { displayName: 'Renamed', enabled: false })]);
      expect(await stamp()).toBe('2026-02-01T00:00:00.000Z');
      expect(await repo.countRecords(all, 'identity')).toBe(1);
    });

    it('keeps the last record when a key is given twice in one batch', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(A, 1, { displayName: 'First' }), identity(A, 1, { displayName: 'Last' })]);
      expect(await repo.listRecords(all, 'identity')).toEqual([identity(A, 1, { displayName: 'Last' })]);
    });

    it('stores an organization under its own id and other kinds under their tenant, keyed by RecordKind.key', async () => {
      const repo = h.repo();
      const m = Membership.parse({ tenant: A, group: 'admins', member: `u1@${A}.example` });
      await repo.upsertRecords(all, 'organization', [org(A)]);
      await repo.upsertRecords(all, 'membership', [m]);
      expect(await repo.countsByTenant(all, 'organization')).toEqual([{ tenant: A, count: 1 }]);
      expect(await repo.getRecord(all, 'membership', `admins>u1@${A}.example`)).toEqual(m);
    });

    it('lists in tenant and key order, with limit, offset and a tenant filter', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(B, 2), identity(A, 2), identity(B, 1), identity(A, 1)]);
      const ids = (rs: { id: string }[]) => rs.map((r) => r.id);
      expect(ids(await repo.listRecords(all, 'identity'))).toEqual([
        `u1@${A}.example`, `u2@${A}.example`, `u1@${B}.example`, `u2@${B}.example`,
      ]);
      expect(ids(await repo.listRecords(all, 'identity', { limit: 2, offset: 1 }))).toEqual([`u2@${A}.example`, `u1@${B}.example`]);
      expect(ids(await repo.listRecords(all, 'identity', { offset: 3 }))).toEqual([`u2@${B}.example`]);
      expect(ids(await repo.listRecords(all, 'identity', { tenant: B }))).toEqual([`u1@${B}.example`, `u2@${B}.example`]);
      expect(await repo.countRecords(all, 'identity', A)).toBe(2);
      expect(await repo.countsByTenant(all, 'identity')).toEqual([{ tenant: A, count: 2 }, { tenant: B, count: 2 }]);
      expect(await repo.getRecord(all, 'identity', 'nobody')).toBeUndefined();
    });

    it('iterates every record across pages, without repeats', async () => {
      const repo = h.repo();
      const input = Array.from({ length: 53 }, (_, i) => identity(i % 2 ? A : B, i));
      await repo.upsertRecords(all, 'identity', input);
      const seen: string[] = [];
      for await (const r of repo.iterateRecords(all, 'identity', { pageSize: 10 })) seen.push(r.id);
      expect(seen).toHaveLength(53);
      expect(new Set(seen).size).toBe(53);
      const onlyA: string[] = [];
      for await (const r of repo.iterateRecords(all, 'identity', { tenant: A, pageSize: 7 })) onlyA.push(r.tenant);
      expect(onlyA).toEqual(Array(26).fill(A));
    });

    it('existingKeys maps the keys that exist to their tenant', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(A, 1), identity(B, 2)]);
      const found = await repo.existingKeys(all, 'identity', [`u1@${A}.example`, `u2@${B}.example`, 'missing@x', `u1@${A}.example`]);
      expect(found).toEqual(new Map([[`u1@${A}.example`, A], [`u2@${B}.example`, B]]));
      expect(await repo.existingKeys(all, 'identity', [])).toEqual(new Map());
    });

    it('deletes by key', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(A, 1), identity(A, 2), identity(B, 1)]);
      expect(await repo.deleteRecords(all, 'identity', [`u1@${A}.example`, 'missing@x'])).toBe(1);
      expect(await repo.deleteRecords(all, 'identity', [`u1@${B}.example`], A)).toBe(0);
      expect(await repo.countRecords(all, 'identity')).toBe(2);
    });

    it('writes, counts, finds and deletes a 20,000-row batch across chunk boundaries', async () => {
      const repo = h.repo();
      const input = Array.from({ length: 20_000 }, (_, i) => identity(i % 3 === 0 ? A : B, i));
      await repo.upsertRecords(all, 'identity', input);
      expect(await repo.countRecords(all, 'identity')).toBe(20_000);
      expect(await repo.countRecords(all, 'identity', A)).toBe(6_667);
      const keys = [...input.map((r) => r.id), ...Array.from({ length: 1_000 }, (_, i) => `absent${i}@x`)];
      const found = await repo.existingKeys(all, 'identity', keys);
      expect(found.size).toBe(20_000);
      expect(found.get(`u19999@${B}.example`)).toBe(B);
      expect(await repo.getRecord(all, 'identity', `u12345@${A}.example`)).toEqual(input[12_345]);
      expect(await repo.deleteRecords(all, 'identity', input.slice(0, 15_000).map((r) => r.id))).toBe(15_000);
      expect(await repo.countRecords(all, 'identity')).toBe(5_000);
    });

    it('round-trips nested data: arrays, records and unicode', async () => {
      const repo = h.repo();
      const name = 'Clínica Ñandú — 東京 🏥 "quoted" \\ back\u2028slash';
      const a = agreement(A, {
        title: name,
        servicesInScope: ['rmm', 'backup', 'édr'],
        responsibilities: { 'hg.ctl.mfa.msp-accounts': 'msp', 'hg.ctl.backups.offline': 'shared' },
        tags: ['ünïcödé', '🔒'],
        start: '2025-07-01',
      });
      const o = org(A, { name, domains: ['acme-clinic.example', 'xn--clnica-dva.example'] });
      await repo.upsertRecords(all, 'organization', [o]);
      await repo.upsertRecords(all, 'agreement', [a]);
      expect(await repo.getRecord(all, 'agreement', a.id)).toEqual(a);
      expect(await repo.listRecords(all, 'organization')).toEqual([o]);
    });

    it('merge inserts missing records whole and updates only the named fields of existing ones', async () => {
      const repo = h.repo();
      await repo.upsertRecords(all, 'identity', [identity(A, 1, { displayName: 'Ana', mfa: [], privileged: true })]);
      await repo.mergeRecords(
        all,
        'identity',
        [identity(A, 1, { displayName: 'ignored', mfa: ['fido2'] }), identity(A, 2, { mfa: ['sms'] }), identity(A, 1, { mfa: ['fido2', 'totp'] })],
        ['mfa'],
      );
      expect(await repo.getRecord(all, 'identity', `u1@${A}.example`)).toEqual(
        identity(A, 1, { displayName: 'Ana', mfa: ['fido2', 'totp'], privileged: true }),
      );
      expect(await repo.getRecord(all, 'identity', `u2@${A}.example`)).toEqual(identity(A, 2, { mfa: ['sms'] }));
      // [] inserts what is missing and leaves what exists alone.
      await repo.mergeRecords(all, 'identity', [identity(A, 1, { displayName: 'x' }), identity(B, 3)], []);
      expect(await repo.getRecord(all, 'identity', `u1@${A}.example`)).toMatchObject({ displayName: 'Ana' });
      expect(await repo.countRecords(all, 'identity')).toBe(3);
    });

    it('merge by time: an older record only fills in what the newer stored one lacks', async () => {
      const repo = h.repo();
      const seen = (at: string, extra: Record<string, unknown> = {}) => identity(A, 7, { lastSignIn: at, ...extra });
      await repo.upsertRecords(all, 'identity', [seen('2026-11-20T00:00:00.000Z', { displayName: 'Newer' })]);
      await repo.mergeRecords(all, 'identity', [seen('2026-11-01T00:00:00.000Z', { displayName: 'Older', username: 'u7' })], ['lastSignIn', 'displayName', 'username'], 'lastSignIn');
      expect(await repo.getRecord(all, 'identity', `u7@${A}.example`)).toMatchObject({ lastSignIn: '2026-11-20T00:00:00.000Z', displayName: 'Newer', username: 'u7' });
      // A newer one updates the named fields, in batch order too.
      await repo.mergeRecords(
        all,
        'identity',
        [seen('2026-11-25T00:00:00.000Z', { displayName: 'Newest' }), seen('2026-11-22T00:00:00.000Z', { displayName: 'Between' })],
        ['lastSignIn', 'displayName'],
        'lastSignIn',
      );
      expect(await repo.getRecord(all, 'identity', `u7@${A}.example`)).toMatchObject({ lastSignIn: '2026-11-25T00:00:00.000Z', displayName: 'Newest' });
    });

    it('stores pre-serialized rows as given', async () => {
      const repo = h.repo();
      const a = identity(A, 1);
      const b = identity(B, 2);
      await repo.upsertSerialized(all, 'identity', [
        [A, a.id, JSON.stringify(a)],
        [B, b.id, JSON.stringify(b)],
      ]);
      expect(await repo.listRecords(all, 'identity')).toEqual([a, b]);
    });

    it('refuses a record without a tenant', async () => {
      const bad = { ...identity(A, 1), tenant: undefined };
      await expect(h.repo().upsertRecords(all, 'identity', [bad])).rejects.toMatchObject({ code: 'HG_ERR_VALIDATION' });
    });
  });
}
