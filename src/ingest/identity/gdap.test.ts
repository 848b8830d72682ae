import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { customerKey, parseDapCsv, parseGdapAccessAssignments, parseGdapRelationships, parsePartnerCustomers } from './gdap.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });
const TIER2 = 'harbor-msp/entra/7c1e5a90-3b2d-4e6f-9a81-2c4d6e8f0a13';
const HELPDESK = 'harbor-msp/entra/4e2d9b71-6a5c-4f38-b1e0-9d7c5a3e2f64';

describe('parseGdapRelationships', () => {
  const { path, text } = fixture('gdap-relationships.json');

  it('emits one gdap grant per relationship, MSP group and role', () => {
    const { ctx, problems } = collecting('harbor-msp');
    const recs = parseGdapRelationships(text, path, ctx);
    expect(problems).toEqual([]);
    const grants = recs.filter((r) => r.kind === 'grant').map((r) => r.value);
    expect(grants.map((g) => [g.tenant, g.principal, g.privilege, g.autoExtend, g.expiresAt])).toEqual([
      ['st-brigid-clinic', TIER2, 'global-admin', true, '2027-01-15T09:00:00.000Z'],
      ['st-brigid-clinic', TIER2, 'operator', true, '2027-01-15T09:00:00.000Z'],
      ['st-brigid-clinic', HELPDESK, 'operator', true, '2027-01-15T09:00:00.000Z'],
      // Expired relationships are kept, with their past end, so findings can name them.
      ['keel-law', TIER2, 'admin', false, '2026-05-01T00:00:00.000Z'],
    ]);
    expect(grants.every((g) => g.via === 'gdap' && g.principalKind === 'group' && g.target === g.tenant && g.mode === 'standing')).toBe(true);
    expect(grants[0]!.id).toBe(`gdap/8b4a6c2e-1d3f-4a5b-9c7d-0e2f4a6b8c1d-4f6a8c0e-2b4d-4f6a-8c0e-2b4d6f8a0c2e/${TIER2.split('/').pop()}/global-administrator`);
    expect(grants[0]!.tags).toEqual(['gdap:harbor-it-st-brigid', 'status:active']);
    expect(grants[3]!.tags).toContain('status:expired');
  });

  it('emits the MSP groups (insert if missing) and the customer roles once each', () => {
    const { ctx } = collecting('harbor-msp');
    const recs = parseGdapRelationships(text, path, ctx);
    expect(recs.filter((r) => r.kind === 'group').map((r) => [r.value.id, r.value.tenant, r.merge])).toEqual([
      [TIER2, 'harbor-msp', []],
      [HELPDESK, 'harbor-msp', []],
    ]);
    expect(recs.filter((r) => r.kind === 'role').map((r) => r.value.id)).toEqual([
      'st-brigid-clinic/role/global-administrator',
      'st-brigid-clinic/role/helpdesk-administrator',
      'keel-law/role/user-administrator',
    ]);
  });

  it('locates grants at the role entry of the access assignment', () => {
    const { ctx } = collecting('harbor-msp');
    const lines = text.split('\n');
    const grant = parseGdapRelationships(text, path, ctx).find((r) => r.kind === 'grant')!;
    expect(lines[grant.location.line! - 1]).toContain('62e90394-69f5-4237-9190-012177145e10');
    expect(lines[grant.locate!(['tenant']).line! - 1]).toContain('"customer"');
  });

  it('reports an unknown role template id at its line and keeps the known roles', () => {
    const f = fixture('broken/gdap-unknown-role.json');
    const { ctx, problems } = collecting('harbor-msp');
    const grants = parseGdapRelationships(f.text, f.path, ctx).filter((r) => r.kind === 'grant');
    expect(grants.map((g) => g.value.privilege)).toEqual(['operator']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'HG_ERR_VALIDATION', location: { line: 20, field: 'roleDefinitionId' } });
    expect(problems[0]!.message).toMatch(/deadbeef-0000-4000-8000-000000000000.*built-in roles/);
  });

  it('reports a granting relationship without access assignments, saying how to nest them', () => {
    const f = fixture('broken/gdap-no-assignments.json');
    const { ctx, problems } = collecting('harbor-msp');
    expect(parseGdapRelationships(f.text, f.path, ctx)).toEqual([]);
    expect(problems).toMatchObject([{ code: 'HG_ERR_MISSING_COLUMN', location: { line: 4, field: 'accessAssignments' } }]);
  });

  it('needs --customer naming the MSP', () => {
    const { ctx, problems } = collecting();
    expect(parseGdapRelationships(text, path, ctx)).toEqual([]);
    expect(problems[0]!.message).toBe('this export does not name its tenant: pass --customer <MSP org id>');
  });

  it('refuses a bare accessAssignments export with the fix', () => {
    const f = fixture('broken/gdap-access-assignments.json');
    const { ctx, problems } = collecting('harbor-msp');
    expect(parseGdapAccessAssignments(f.text, f.path, ctx)).toEqual([]);
    expect(problems[0]!.message).toMatch(/nest it under its relationship/);
  });

  it('keys customers by the slug of their display name', () => {
    expect(customerKey('St Brigid Clinic')).toBe('st-brigid-clinic');
    expect(customerKey('Keel & Marsh, LLP')).toBe('keel-marsh-llp');
    expect(customerKey('Clínica Señora')).toBe('clinica-senora');
  });
});

describe('legacy DAP', () => {
  it('turns Partner Center customers with allowDelegatedAccess into dap grants to the Admin agents group', () => {
    const { path, text } = fixture('partner-center-customers.json');
    const { ctx, problems } = collecting('harbor-msp');
    const recs = parsePartnerCustomers(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.map((r) => [r.kind, r.value.id])).toEqual([
      ['group', 'harbor-msp/partner/admin-agents'],
      ['role', 'keel-law/role/global-administrator'],
      ['grant', 'dap/keel-law'],
    ]);
    expect(recs[2]!.value).toMatchObject({ via: 'dap', privilege: 'global-admin', tenant: 'keel-law', principalKind: 'group' });
  });

  it('reports a customer list that carries no allowDelegatedAccess', () => {
    const { ctx, problems } = collecting('harbor-msp');
    expect(parsePartnerCustomers('{"items": [{"companyProfile": {"companyName": "A"}, "relationshipToPartner": "reseller"}]}', 'f', ctx)).toEqual([]);
    expect(problems[0]).toMatchObject({ code: 'HG_ERR_MISSING_COLUMN' });
  });

  it('reads the simple customer,dapEnabled list', () => {
    const { path, text } = fixture('dap-customers.csv');
    const { ctx, problems } = collecting('harbor-msp');
    const recs = parseDapCsv(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.filter((r) => r.kind === 'grant').map((r) => [r.value.id, r.location.line])).toEqual([['dap/keel-law', 2]]);
  });

  it('reports missing columns and bad booleans in the DAP list', () => {
    const { ctx, problems } = collecting('harbor-msp');
    parseDapCsv('customer\nkeel-law\n', 'f', ctx);
    parseDapCsv('customer,dapEnabled\nkeel-law,perhaps\n', 'g', ctx);
    expect(problems.map((p) => [p.code, p.location.file, p.location.line, p.location.column ?? null])).toEqual([
      ['HG_ERR_MISSING_COLUMN', 'f', 1, null],
      ['HG_ERR_VALIDATION', 'g', 2, 2],
    ]);
  });
});
