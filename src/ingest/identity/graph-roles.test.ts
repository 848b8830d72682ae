import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, builtInRole, customRole } from './entra-roles.js';
import { parseRoleAssignments, parseRoleDefinitions, parseRoleEligibility, scheduleEnd } from './graph-roles.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });
const privilegeOf = (id: string) => builtInRole(id)?.privilege;

describe('built-in Entra roles', () => {
  it('ranks roles by what their holders can reach', () => {
    expect(privilegeOf('62e90394-69f5-4237-9190-012177145e10')).toBe('global-admin'); // Global Administrator
    expect(privilegeOf('E8611AB8-C189-46E8-94E1-60213AB1F814')).toBe('global-admin'); // Privileged Role Administrator
    expect(privilegeOf('fe930be7-5e62-47db-91af-98c3a49a38b1')).toBe('admin'); // User Administrator
    expect(privilegeOf('29232cdf-9323-42fd-ade2-1d097af3e4de')).toBe('admin'); // Exchange Administrator
    expect(privilegeOf('f28a1f50-f6e7-4571-818b-6a12f2af6b6c')).toBe('admin'); // SharePoint Administrator
    expect(privilegeOf('194ae4cb-b126-40b2-bd5b-6091b380977d')).toBe('admin'); // Security Administrator
    expect(privilegeOf('729827e3-9c14-49f7-bb1b-9608f156bbb8')).toBe('operator'); // Helpdesk Administrator
    expect(privilegeOf('4d6ac14f-3453-41d0-bef9-a3e0c569773a')).toBe('operator'); // License Administrator
    expect(privilegeOf('f2ef992c-3afb-46b9-b7cf-a126ee74c451')).toBe('read'); // Global Reader
    expect(privilegeOf('5d6b6bb7-de71-4623-b4af-96380a352509')).toBe('read'); // Security Reader
    expect(privilegeOf('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('knows every role of the Microsoft table once, with well-formed template ids', () => {
    expect(BUILT_IN_ROLES.length).toBeGreaterThan(120);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.templateId)).size).toBe(BUILT_IN_ROLES.length);
    for (const r of BUILT_IN_ROLES) expect(r.templateId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('rates custom roles read when every action reads', () => {
    expect(customRole('x', 'Device Reader', ['microsoft.directory/devices/standard/read']).privilege).toBe('read');
    expect(customRole('x', 'Resetter', ['microsoft.directory/users/password/update']).privilege).toBe('admin');
    expect(customRole('x', 'Empty', []).privilege).toBe('admin');
  });
});

describe('parseRoleAssignments', () => {
  it('emits standing directory grants, the roles they use and service principals', () => {
    const { path, text } = fixture('graph-role-assignments.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseRoleAssignments(text, path, ctx);
    expect(problems).toEqual([]);
    const grants = recs.filter((r) => r.kind === 'grant').map((r) => r.value);
    expect(grants.map((g) => [g.principal, g.principalKind, g.privilege, g.mode, g.via, g.target])).toEqual([
      ['itadmin@stbrigid-clinic.example', 'identity', 'global-admin', 'standing', 'directory', 'st-brigid-clinic'],
      ['ana_harbor-it.example#ext#@stbrigidclinic.onmicrosoft.com', 'identity', 'global-admin', 'standing', 'directory', 'st-brigid-clinic'],
      ['st-brigid-clinic/entra/5b1c8f0e-2d4a-4c6b-9e3f-7a8b9c0d1e2f', 'group', 'admin', 'standing', 'directory', 'st-brigid-clinic'],
      ['st-brigid-clinic/sp/7f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b', 'identity', 'read', 'standing', 'directory', 'st-brigid-clinic'],
      ['reception@stbrigid-clinic.example', 'identity', 'read', 'standing', 'directory', 'st-brigid-clinic'],
    ]);
    expect(grants[4]!.tags).toContain('scope:/administrativeUnits/2d5a9b8c-7e6f-4a1b-8c3d-4e5f6a7b8c9d');
    // One role record per role, even when two assignments use it.
    expect(recs.filter((r) => r.kind === 'role').map((r) => r.value.name)).toEqual(['Global Administrator', 'User Administrator', 'Directory Readers', 'Clinic Device Reader']);
    const sp = recs.find((r) => r.kind === 'identity')!;
    expect(sp.value).toMatchObject({ kind: 'service', displayName: 'Backup App', tags: ['entra', 'service-principal'] });
    expect(sp.merge).toEqual([]);
  });

  it('names an unexpanded custom role by id, for the role definitions export to define, and counts it admin', () => {
    const { path, text } = fixture('broken/graph-role-assignments-unknown-role.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseRoleAssignments(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.map((r) => r.kind)).toEqual(['grant']);
    expect(recs[0]!.value).toMatchObject({ role: 'st-brigid-clinic/role/custom-00000000-1111-4222-8333-444444444444', privilege: 'admin', tags: ['active', 'custom-role-unrated'] });
    // A dangling role is reported where the export names it.
    expect(recs[0]!.locate!(['role'])).toEqual({ file: path, line: 8 });
  });

  it('reports a roleDefinitionId that is no role id at its line', () => {
    const { ctx, problems } = collecting('t');
    const text = '{"value": [{"id": "a", "principal": {"@odata.type": "#microsoft.graph.user", "userPrincipalName": "a@x.example"},\n"roleDefinitionId": "Global Admin"}]}';
    expect(parseRoleAssignments(text, 'f', ctx)).toEqual([]);
    expect(problems).toMatchObject([{ code: 'HG_ERR_VALIDATION', location: { line: 2, field: 'roleDefinitionId' } }]);
  });

  it('reports an export without expanded principals once', () => {
    const { path, text } = fixture('broken/graph-role-assignments-not-expanded.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    expect(parseRoleAssignments(text, path, ctx)).toEqual([]);
    expect(problems).toMatchObject([{ code: 'HG_ERR_MISSING_COLUMN', location: { line: 4 } }]);
    expect(problems[0]!.message).toMatch(/\$expand=principal/);
  });
});

describe('parseRoleEligibility', () => {
  it('emits just-in-time grants with their schedule, skipping revoked ones', () => {
    const { path, text } = fixture('graph-role-eligibility.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseRoleEligibility(text, path, ctx);
    expect(problems).toEqual([]);
    const grants = recs.filter((r) => r.kind === 'grant').map((r) => r.value);
    expect(grants.map((g) => [g.privilege, g.mode, g.grantedAt, g.expiresAt ?? null])).toEqual([
      ['operator', 'jit', '2026-01-10T09:00:00.000Z', '2026-12-31T00:00:00.000Z'],
      ['global-admin', 'jit', '2025-06-01T00:00:00.000Z', null],
      ['admin', 'jit', '2026-09-01T00:00:00.000Z', '2027-02-28T00:00:00.000Z'],
    ]);
    expect(grants.every((g) => (g.tags as string[]).includes('pim-eligible'))).toBe(true);
    expect(grants[0]!.id).toBe('st-brigid-clinic/role-eligibility/7a1e3c5d-9b2f-4e6a-8c0d-1f3e5a7b9c2d');
  });

  it('computes the end of a schedule from a date or a duration', () => {
    expect(scheduleEnd({ startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'afterDuration', duration: 'PT8H' } })).toBe('2026-01-01T08:00:00.000Z');
    expect(scheduleEnd({ expiration: { type: 'noExpiration', endDateTime: '2026-01-01T00:00:00Z' } })).toBeUndefined();
    expect(scheduleEnd(undefined)).toBeUndefined();
  });
});

describe('parseRoleDefinitions', () => {
  it('emits built-in and custom roles of the tenant, marked to merge', () => {
    const { path, text } = fixture('graph-role-definitions.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseRoleDefinitions(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.map((r) => [r.value.id, r.value.privilege, r.value.tags])).toEqual([
      ['st-brigid-clinic/role/global-administrator', 'global-admin', []],
      ['st-brigid-clinic/role/helpdesk-administrator', 'operator', []],
      ['st-brigid-clinic/role/custom-d5eec5e0-6992-4c6b-b430-0f833f1ab18a', 'read', ['custom']],
    ]);
    expect(recs[0]!.merge).toEqual(['name', 'privilege', 'system', 'templateId']);
  });
});
