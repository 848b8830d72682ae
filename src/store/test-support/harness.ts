import { afterEach, beforeEach, expect } from 'vitest';
import {
  Agreement,
  Alert,
  Finding,
  Identity,
  Organization,
  type Clock,
} from '../../core/index.js';
import type { Database } from '../db.js';
import { Repository } from '../repository.js';
import { KIND_TABLES } from '../schema.js';

/** Every table the repository writes, for wiping and snapshots. */
const TABLES = [...Object.values(KIND_TABLES), 'findings', 'alerts', 'audit_log', 'import_runs'] as const;

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(at: string): void;
}

export const testClock = (start: string): TestClock => {
  let current = new Date(start);
  return { now: () => new Date(current), set: (at) => (current = new Date(at)) };
};

/** Per-test access to a freshly wiped database and a repository over it. */
export interface Harness {
  /** Opens the contract's database again (a second connection or pool on the same data). */
  open: () => Promise<Database>;
  database: () => Database;
  repo: () => Repository;
  clock: TestClock;
}

/**
 * Registers beforeEach/afterEach hooks: every test gets the same database,
 * emptied, so that suites run on a server database created once per run.
 */
export function useHarness(open: () => Promise<Database>): Harness {
  let database: Database | undefined;
  let repo: Repository | undefined;
  const clock = testClock('2026-01-01T00:00:00Z');
  beforeEach(async () => {
    clock.set('2026-01-01T00:00:00Z');
    database = await open();
    await wipe(database);
    repo = new Repository(database, { clock });
  });
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('harness used outside a test');
    return v;
  };
  return { open, database: () => need(database), repo: () => need(repo), clock };
}

/** Deletes every row the repository wrote, keeping the schema and its migration records. */
export async function wipe(database: Database): Promise<void> {
  for (const t of TABLES) await database.db.deleteFrom(t).execute();
}

/** Every row of every table, in key order: equal snapshots mean an unchanged database. */
export async function snapshot(database: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const rows = await database.db.selectFrom(t).selectAll().execute();
    out[t] = rows
      .map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, String(v)])))
      .sort();
  }
  return out;
}

// ---- fixtures: built through the zod schemas, as importers would hand them over ----

export const A = 'acme-clinic';
export const B = 'blue-law';
export const MSP = 'msp-one';

export const org = (id: string, extra: Record<string, unknown> = {}) =>
  Organization.parse({ id, name: `Org ${id}`, kind: id === MSP ? 'msp' : 'customer', ...(id === MSP ? {} : { msp: MSP }), ...extra });

export const identity = (tenant: string, n: number | string, extra: Record<string, unknown> = {}) =>
  Identity.parse({ id: `u${n}@${tenant}.example`, tenant, displayName: `User ${n}`, mfa: ['totp'], ...extra });

export const agreement = (tenant: string, extra: Record<string, unknown> = {}) =>
  Agreement.parse({ id: `agr-${tenant}`, tenant, msp: MSP, title: 'Managed services', ...extra });

export const finding = (tenant: string, name: string, extra: Record<string, unknown> = {}) =>
  Finding.parse({
    id: `access:${name}`,
    tenant,
    control: 'hg.ctl.mfa.msp-accounts',
    engine: 'access',
    severity: 'high',
    duty: 'msp',
    title: `MFA missing for ${name}`,
    subject: { kind: 'identity', id: name },
    firstSeen: '2026-01-01T00:00:00Z',
    lastSeen: '2026-01-01T00:00:00Z',
    ...extra,
  });

export const alert = (tenant: string, id: string, extra: Record<string, unknown> = {}) =>
  Alert.parse({
    id,
    tenant,
    detector: 'spray',
    severity: 'high',
    controls: ['hg.ctl.authn.failed-logons'],
    title: 'Password spray',
    firstSeen: '2026-01-01T10:00:00Z',
    lastSeen: '2026-01-01T10:05:00Z',
    count: 3,
    ...extra,
  });

/** Asserts a promise rejects with a HubguardError of the given code. */
export const withCode = (code: string) => expect.objectContaining({ code });
