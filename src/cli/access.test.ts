import { beforeAll, describe, expect, it } from 'vitest';
import { importedExample, runCli } from './test-support.js';

let db = '';
const run = (...args: string[]) => runCli([...args, '--db', db, '--now', '2026-12-01']);

beforeAll(async () => {
  db = await importedExample();
});

describe('hubguard access', () => {
  it('finds every deliberate access flaw of the example workspace, each with its path', async () => {
    const r = await run('access', '--json');
    expect(r.code, r.err).toBe(0);
    const fs = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const got = fs.map((f) => `${f.control} ${f.subject.id}`);
    for (const want of [
      'hg.ctl.mfa.msp-accounts cy@harbor-it.example',
      'hg.ctl.obsolete.departed-technicians cy@harbor-it.example',
      'hg.ctl.mfa.weak-factors-privileged ben@harbor-it.example',
      'hg.ctl.mfa.weak-factors-privileged admin@keel-law.example',
      'hg.ctl.authn.msp-not-in-customer-admin-groups stbrigid-domain-admins>ben@harbor-it.example',
      'hg.ctl.privilege.legacy-dap dap-keel',
      'hg.ctl.privilege.standing-global-admin gdap-stbrigid-tier2',
      'hg.ctl.privilege.gdap-global-admin gdap-stbrigid-tier2',
      'hg.ctl.privilege.gdap-auto-extend gdap-stbrigid-tier2',
      'hg.ctl.segregation.credential-reuse itadmin@stbrigid-clinic.example',
      'hg.ctl.segregation.credential-reuse admin@keel-law.example',
      'hg.ctl.obsolete.ended-agreements msa-keel',
      'hg.ctl.obsolete.stale-accounts itadmin@stbrigid-clinic.example',
      'hg.ctl.obsolete.unused-grants gdap-stbrigid-helpdesk',
    ]) expect(got).toContain(want);
    for (const f of fs) expect(Array.isArray(f.evidence.path) && f.evidence.path.length > 1, `${f.control} ${f.subject.id}`).toBe(true);
    const cy = fs.find((f) => f.control === 'hg.ctl.mfa.msp-accounts');
    expect([cy.tenant, cy.evidence.customersReached]).toEqual(['harbor-msp', 1]);
  });

  it('filters by customer and severity and prints a table', async () => {
    const r = await run('access', '--customer', 'keel-law', '--severity', 'critical');
    expect(r.code, r.err).toBe(0);
    const rows = r.out.trim().split('\n').slice(2);
    expect(rows.length).toBe(2);
    expect(rows.every((l) => l.startsWith('critical  keel-law'))).toBe(true);
    expect(r.out).toContain('MSP admins → Global Administrator @ Keel & Marsh LLP → Keel & Marsh LLP');
    expect(r.err).toBe('2 access finding(s)\n');
  });

  it('rejects unknown customers and severities', async () => {
    expect((await run('access', '--customer', 'nope')).code).toBe(1);
    expect((await run('access', '--severity', 'dire')).code).toBe(2);
  });
});
