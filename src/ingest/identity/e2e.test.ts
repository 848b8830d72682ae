import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationFailed, type Problem } from '../../core/index.js';
import { runImport } from '../run.js';
import { FIXTURES, memorySink } from './test-support.js';

const WS = join(FIXTURES, 'workspace');
const fx = (...names: string[]) => names.map((n) => join(FIXTURES, n));

/** Runs one import into a sink and returns the problems (none when it succeeded). */
async function problemsOf(paths: string[], customer: string | undefined, m = memorySink()): Promise<Problem[]> {
  try {
    await runImport(paths, m.sink, customer ? { customer } : {});
  } catch (e) {
    if (e instanceof ValidationFailed) return e.problems;
    throw e;
  }
  return [];
}

describe('hubguard import of identity exports (runImport end to end)', () => {
  it("imports one customer's Graph exports in one run, with no problems", async () => {
    const m = memorySink();
    const r = await runImport(
      [WS, ...fx('graph-users.json', 'graph-groups.json', 'group-3f0c6a2b-8d1e-4f5a-b6c7-d8e9f0a1b2c3-members.json', 'graph-role-assignments.json', 'graph-role-eligibility.json')],
      m.sink,
      { customer: 'st-brigid-clinic' },
    );
    expect(r.counts).toMatchObject({ identity: 8, group: 3, membership: 5, role: 7, grant: 8 });
    expect(r.files.map((f) => f.importer).sort()).toEqual(['graph-group-members', 'graph-groups', 'graph-role-assignments', 'graph-role-eligibility', 'graph-users', 'workspace', 'workspace']);
    expect(m.get('grant', 'st-brigid-clinic/role-eligibility/2b4d6f8a-0c1e-4a3b-9d5f-7e9a1c3b5d7f')).toMatchObject({ mode: 'jit', privilege: 'global-admin' });
  });

  it('merges the MFA registration details into the users of the same run, keeping their sign-ins', async () => {
    const m = memorySink();
    const r = await runImport([WS, ...fx('graph-registration-details.json', 'graph-users.json')], m.sink, { customer: 'st-brigid-clinic' });
    // Each user counts once, though the users export and the MFA registration export both describe it.
    expect(r.counts.identity).toBe(7);
    expect(m.get('identity', 'dr.okafor@stbrigid-clinic.example')).toMatchObject({
      mfa: ['authenticator-push', 'totp', 'sms'],
      lastSignIn: '2026-11-28T06:15:40.123Z',
      tags: ['entra', 'member', 'synced'],
    });
    expect(m.get('identity', 'ana_harbor-it.example#ext#@stbrigidclinic.onmicrosoft.com')).toMatchObject({ privileged: true, mfa: [], enabled: true });
  });

  it('keeps MFA when a later users export refreshes the identities', async () => {
    const m = memorySink();
    expect(await problemsOf([WS, ...fx('graph-registration-details.json')], 'st-brigid-clinic', m)).toEqual([]);
    expect(await problemsOf(fx('graph-users.json'), 'st-brigid-clinic', m)).toEqual([]);
    expect(m.get('identity', 'itadmin@stbrigid-clinic.example')).toMatchObject({ mfa: ['fido2', 'windows-hello'], privileged: true, lastSignIn: '2026-11-20T17:45:00.000Z' });
  });

  it('accepts the roles and groups several exports of one run name', async () => {
    const tenant = [WS, ...fx('graph-users.json', 'graph-groups.json', 'graph-role-definitions.json', 'graph-role-assignments.json', 'graph-role-eligibility.json')];
    expect(await problemsOf(tenant, 'st-brigid-clinic')).toEqual([]);
    expect(await problemsOf([WS, ...fx('ad-users.csv', 'domain-admins-members.csv')], 'st-brigid-clinic')).toEqual([]);
  });

  it('imports the MFA registration details, role definitions and JSON-lines pages as later runs', async () => {
    const m = memorySink();
    expect(await problemsOf([WS, ...fx('graph-users.json')], 'st-brigid-clinic', m)).toEqual([]);
    expect(await problemsOf(fx('graph-registration-details.json'), 'st-brigid-clinic', m)).toEqual([]);
    expect(m.get('identity', 'itadmin@stbrigid-clinic.example')).toMatchObject({ mfa: ['fido2', 'windows-hello'], privileged: true });
    expect(await problemsOf(fx('graph-role-definitions.json'), 'st-brigid-clinic', m)).toEqual([]);
    expect(m.get('role', 'st-brigid-clinic/role/custom-d5eec5e0-6992-4c6b-b430-0f833f1ab18a')).toMatchObject({ name: 'Clinic Device Reader', privilege: 'read' });
    expect(await problemsOf(fx('graph-users-keel.jsonl'), 'keel-law', m)).toEqual([]);
    expect(m.get('identity', 'p.marsh@keel-law.example')).toMatchObject({ tenant: 'keel-law', enabled: false });
  });

  it('imports partner-side GDAP and DAP exports naming their customers', async () => {
    const m = memorySink();
    const r = await runImport([WS, ...fx('gdap-relationships.json', 'partner-center-customers.json')], m.sink, { customer: 'harbor-msp' });
    expect(r.counts).toMatchObject({ group: 3, role: 4, grant: 5 });
    expect(m.get('grant', 'dap/keel-law')).toMatchObject({ via: 'dap', tenant: 'keel-law' });
    // The simple DAP list describes the same grant: in a later run or the same one, it merges.
    expect(await problemsOf(fx('dap-customers.csv'), 'harbor-msp', m)).toEqual([]);
    expect(await problemsOf([WS, ...fx('partner-center-customers.json', 'dap-customers.csv')], 'harbor-msp')).toEqual([]);
  });

  it('imports Active Directory users, then a group member export, into one database', async () => {
    const m = memorySink();
    expect(await problemsOf([WS, ...fx('ad-users.csv')], 'st-brigid-clinic', m)).toEqual([]);
    expect(await problemsOf(fx('domain-admins-members.csv'), 'st-brigid-clinic', m)).toEqual([]);
    expect(m.get('membership', 'st-brigid-clinic/ad/domain-admins>st-brigid-clinic/ad/tier0-operators')).toMatchObject({ memberKind: 'group' });
  });

  it('imports RMM, remote-access, vault and VPN account lists against the MSP tools', async () => {
    const m = memorySink();
    const r = await runImport([WS, ...fx('harbor-rmm-technicians.csv', 'harbor-screenconnect-users.csv', 'msp-tool-accounts.csv')], m.sink, { customer: 'harbor-msp' });
    expect(r.counts).toMatchObject({ identity: 11, grant: 11 });
  });

  it('is idempotent: importing the same export twice leaves the same state', async () => {
    const m = memorySink();
    const paths = [WS, ...fx('graph-users.json', 'graph-groups.json', 'graph-role-assignments.json')];
    await runImport(paths, m.sink, { customer: 'st-brigid-clinic' });
    const first = JSON.stringify([...m.rows.entries()].sort());
    await runImport(paths, m.sink, { customer: 'st-brigid-clinic' });
    expect(JSON.stringify([...m.rows.entries()].sort())).toBe(first);
  });

  it('reads an Active Directory export saved as UTF-16LE by PowerShell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hg-ad-'));
    const text = await readFile(join(FIXTURES, 'ad-users.csv'), 'utf8');
    await writeFile(join(dir, 'ad-users.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const m = memorySink();
    const r = await runImport([WS, join(dir, 'ad-users.csv')], m.sink, { customer: 'st-brigid-clinic' });
    expect(r.files.map((f) => f.importer)).toContain('ad-users');
    expect(r.counts.identity).toBe(6);
  });
});

describe('bad identity exports through the import run', () => {
  it('reports identities of an unknown tenant once, at the first record', async () => {
    const p = await problemsOf([WS, ...fx('graph-users.json')], 'nowhere-clinic');
    expect(p).toEqual([
      { code: 'HG_ERR_DANGLING_REF', message: 'no organization "nowhere-clinic" in this import or in the database', location: { file: join(FIXTURES, 'graph-users.json'), line: 4, field: 'tenant' } },
    ]);
  });

  it('reports a missing --customer at the file', async () => {
    const p = await problemsOf([WS, ...fx('graph-users.json')], undefined);
    expect(p).toMatchObject([{ code: 'HG_ERR_VALIDATION', location: { file: join(FIXTURES, 'graph-users.json') } }]);
  });

  it('reports a GDAP customer with no organization, naming the key it expects', async () => {
    const p = await problemsOf([WS, ...fx('broken/gdap-unknown-customer.json')], 'harbor-msp');
    expect(p.map((x) => [x.code, x.message, x.location.line])).toEqual([
      ['HG_ERR_DANGLING_REF', 'no organization "lakeside-dental" in this import or in the database', 7],
    ]);
  });

  it('reports group members that are not imported, and accepts membership cycles', async () => {
    const members = await problemsOf([WS, ...fx('domain-admins-members.csv')], 'st-brigid-clinic');
    expect(members.map((x) => [x.code, x.location.line, x.location.field])).toEqual([
      ['HG_ERR_DANGLING_REF', 3, 'member'],
      ['HG_ERR_DANGLING_REF', 4, 'member'],
    ]);
    expect(await problemsOf([WS, ...fx('broken/graph-groups-cycle.json')], 'st-brigid-clinic')).toEqual([]);
  });

  it('reports an unknown role id at the assignment, and resolves custom roles the definitions export defines', async () => {
    const p = await problemsOf([WS, ...fx('graph-users.json', 'broken/graph-role-assignments-unknown-role.json')], 'st-brigid-clinic');
    expect(p).toEqual([
      {
        code: 'HG_ERR_DANGLING_REF',
        message: 'no role "st-brigid-clinic/role/custom-00000000-1111-4222-8333-444444444444" in this import or in the database',
        location: { file: join(FIXTURES, 'broken/graph-role-assignments-unknown-role.json'), line: 8, field: 'role' },
      },
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'hg-roles-'));
    const custom = (await readFile(join(FIXTURES, 'broken/graph-role-assignments-unknown-role.json'), 'utf8')).replace('00000000-1111-4222-8333-444444444444', 'd5eec5e0-6992-4c6b-b430-0f833f1ab18a');
    await writeFile(join(dir, 'role-assignments.json'), custom);
    expect(await problemsOf([WS, ...fx('graph-users.json', 'graph-role-definitions.json'), join(dir, 'role-assignments.json')], 'st-brigid-clinic')).toEqual([]);
  });

  it('reports malformed JSON and missing columns with their places, writing nothing', async () => {
    const m = memorySink();
    const p = await problemsOf(
      [WS, ...fx('broken/graph-users-malformed.json', 'broken/graph-role-assignments-not-expanded.json', 'broken/ad-users-missing-columns.csv', 'broken/gdap-access-assignments.json')],
      'st-brigid-clinic',
      m,
    );
    expect(p.map((x) => [x.code, x.location.file.split('/').pop(), x.location.line ?? null]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['HG_ERR_MISSING_COLUMN', 'ad-users-missing-columns.csv', 1],
      ['HG_ERR_VALIDATION', 'gdap-access-assignments.json', null],
      ['HG_ERR_MISSING_COLUMN', 'graph-role-assignments-not-expanded.json', 4],
      ['HG_ERR_JSON', 'graph-users-malformed.json', 7],
    ]);
    expect([...m.rows.keys()].filter((k) => !k.startsWith('organization/') && !k.startsWith('asset/'))).toEqual([]);
  });
});
