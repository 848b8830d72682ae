import { describe, expect, it } from 'vitest';
import { allTenants, tenantsScope, type OrgId } from '../../core/index.js';
import type { SerializedRecord } from '../upsert.js';
import { A, B, identity, snapshot, withCode, type Harness } from './harness.js';

const all = allTenants('contract');
const onlyA = tenantsScope('alice', [A as OrgId]);

/** Rows in a batch that PostgreSQL writes in more than one statement (2,000 rows each). */
const LARGE = 2_500;

/** Text that a careless COPY, CSV or array encoding would split, end or unescape. */
const HOSTILE = [
  'tab\there',
  'new\nline',
  'carriage\rreturn',
  'crlf\r\nend',
  'back\\slash',
  'trailing backslash\\',
  '\\.',
  'end of data\n\\.\nmarker',
  '\\N',
  '\\t not a tab',
  '"double" and \'single\' quotes, commas; semicolons',
  'Clínica Ñandú — 東京 🏥',
  'line\u2028separator',
  '',
];

/** Serialized identities of tenant A whose keys, names and JSON layout carry the hostile text. */
function hostileRows(count: number): SerializedRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const text = HOSTILE[i % HOSTILE.length] ?? '';
    const id = `${text}#${i}`;
    const r = { ...identity(A, i, { displayName: text || 'empty' }), id, note: text, escaped: `\\u0000 as JSON escape ${i}` };
    // Every other row pretty-printed with tabs: the JSON text itself holds raw tabs and newlines.
    return [A, id, JSON.stringify(r, null, i % 2 ? '\t' : undefined)] as const;
  });
}

/** The stored [tenant, id, data] of every identity, keyed by tenant and id. */
async function storedIdentities(h: Harness): Promise<Map<string, SerializedRecord>> {
  const rows = await h.database().db.selectFrom('identities').select(['tenant', 'id', 'data']).execute();
  return new Map(rows.map((r) => [`${r.tenant}\u0000${r.id}`, [r.tenant, r.id, r.data] as const]));
}

/** Batches of every size behave alike: exact text, last row wins, unchanged rows kept, all-or-nothing. */
export function bulkWritesContract(h: Harness): void {
  describe('large record batches', () => {
    it('store hostile text exactly, in small and large batches', async () => {
      const repo = h.repo();
      const hostileTenant = 'tenant\twith\\odd\ntext';
      const small = hostileRows(HOSTILE.length);
      const large = hostileRows(LARGE).slice(HOSTILE.length);
      const foreign = identity(B, 'odd', { displayName: 'in an odd tenant' });
      const odd: SerializedRecord = [hostileTenant, foreign.id, JSON.stringify(foreign)];
      await repo.upsertSerialized(all, 'identity', [...small, odd]);
      await repo.upsertSerialized(all, 'identity', [...large, odd]);
      const expected = new Map([...small, ...large, odd].map((r) => [`${r[0]}\u0000${r[1]}`, r]));
      expect(await storedIdentities(h)).toEqual(expected);
      expect(await repo.getRecord(all, 'identity', 'end of data\n\\.\nmarker#7')).toMatchObject({ displayName: 'end of data\n\\.\nmarker' });
      const last = Math.floor((LARGE - 1) / HOSTILE.length) * HOSTILE.length;
      expect(await repo.getRecord(all, 'identity', `${HOSTILE[0]}#${last}`)).toMatchObject({
        note: HOSTILE[0],
        escaped: `\\u0000 as JSON escape ${last}`,
      });
      expect(await repo.countRecords(all, 'identity', hostileTenant)).toBe(1);
    });

    it('keep the last row of a repeated key', async () => {
      const repo = h.repo();
      const rows = Array.from({ length: LARGE }, (_, i): SerializedRecord => {
        const r = identity(i % 2 ? A : B, i);
        return [r.tenant, r.id, JSON.stringify(r)];
      });
      const named = (tenant: string, displayName: string): SerializedRecord =>
        [tenant, `u1@${A}.example`, JSON.stringify(identity(tenant, 1, { id: `u1@${A}.example`, displayName }))];
      rows[10] = named(A, 'Second');
      rows[20] = named(B, 'Other tenant, same key');
      rows.push(named(A, 'Last'));
      await repo.upsertSerialized(all, 'identity', rows);
      expect(await repo.getRecord(all, 'identity', `u1@${A}.example`, A)).toMatchObject({ displayName: 'Last' });
      expect(await repo.getRecord(all, 'identity', `u1@${A}.example`, B)).toMatchObject({ displayName: 'Other tenant, same key' });
      expect(await repo.countRecords(all, 'identity')).toBe(LARGE - 1);
    });

    it('rewrite only the rows whose data changed', async () => {
      const repo = h.repo();
      const batch = Array.from({ length: LARGE }, (_, i) => identity(i % 2 ? A : B, i));
      await repo.upsertRecords(all, 'identity', batch);
      const before = await snapshot(h.database());
      h.clock.set('2026-05-01T00:00:00Z');
      await repo.upsertRecords(all, 'identity', batch);
      expect(await snapshot(h.database())).toEqual(before);

      h.clock.set('2026-06-01T00:00:00Z');
      const changed = new Set([`u3@${A}.example`, `u4@${B}.example`]);
      await repo.upsertRecords(all, 'identity', batch.map((r) => (changed.has(r.id) ? { ...r, displayName: 'Changed' } : r)));
      const moved = await h.database().db.selectFrom('identities').select('id').where('updated_at', '=', '2026-06-01T00:00:00.000Z').execute();
      expect(moved.map((r) => r.id).sort()).toEqual([...changed].sort());
      expect(await repo.getRecord(all, 'identity', `u3@${A}.example`)).toMatchObject({ displayName: 'Changed' });
      expect(await repo.countRecords(all, 'identity')).toBe(LARGE);
    });

    it('check every tenant against the scope before writing any row', async () => {
      const repo = h.repo();
      const rows = hostileRows(LARGE);
      rows.push([B, 'b-row', JSON.stringify(identity(B, 'b'))]);
      await expect(repo.upsertSerialized(onlyA, 'identity', rows)).rejects.toMatchObject(withCode('HG_ERR_TENANT_SCOPE'));
      expect(await repo.countRecords(all, 'identity')).toBe(0);
    });

    it('inside a transaction: a failed batch or savepoint is undone alone, and later batches still write', async () => {
      const repo = h.repo();
      const big = (from: number, extra: Record<string, unknown> = {}) =>
        Array.from({ length: LARGE }, (_, i) => identity(A, from + i, extra));
      const circular: Record<string, unknown> = { ...identity(A, 'loop') };
      circular.self = circular;
      await repo.transaction(async (tx) => {
        // The first large batch runs inside a savepoint that is rolled back, and its staging with it.
        await expect(
          tx.transaction(async (inner) => {
            await inner.upsertRecords(all, 'identity', big(100_000));
            throw new Error('inner step failed');
          }),
        ).rejects.toThrow('inner step failed');
        await tx.upsertRecords(all, 'identity', big(0));
        await expect(tx.upsertRecords(all, 'identity', [...big(200_000), circular])).rejects.toBeInstanceOf(Error);
        await Promise.all([
          tx.upsertRecords(all, 'identity', big(300_000)),
          tx.upsertRecords(all, 'identity', big(0, { displayName: 'Updated' })),
        ]);
        expect(await tx.countRecords(all, 'identity')).toBe(2 * LARGE);
      });
      expect(await repo.countRecords(all, 'identity')).toBe(2 * LARGE);
      expect(await repo.getRecord(all, 'identity', `u0@${A}.example`)).toMatchObject({ displayName: 'Updated' });
      expect(await repo.getRecord(all, 'identity', `u100000@${A}.example`)).toBeUndefined();

      const before = await snapshot(h.database());
      await expect(
        repo.transaction(async (tx) => {
          await tx.upsertRecords(all, 'identity', big(400_000));
          throw new Error('import failed');
        }),
      ).rejects.toThrow('import failed');
      expect(await snapshot(h.database())).toEqual(before);
    });

    it('a NUL in a key is stored exactly by SQLite and refused whole by PostgreSQL', async () => {
      const repo = h.repo();
      for (const count of [3, LARGE]) {
        const rows = hostileRows(count);
        rows[count - 1] = [A, 'nul\u0000key', JSON.stringify(identity(A, 'nul'))];
        const write = repo.upsertSerialized(all, 'identity', rows);
        if (h.database().dialect === 'postgres') {
          // PostgreSQL text cannot hold NUL, whichever way it is sent.
          await expect(write).rejects.toMatchObject(withCode('HG_ERR_DB'));
          expect(await repo.countRecords(all, 'identity')).toBe(0);
        } else {
          await write;
          expect((await storedIdentities(h)).get(`${A}\u0000nul\u0000key`)?.[1]).toBe('nul\u0000key');
        }
      }
    });
  });
}
