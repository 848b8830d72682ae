import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseToolAccounts, toolFromFileName, toolKindOf, toolMfa, toolPrivilege } from './tools.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });

describe('tool account values', () => {
  it('rates console roles by their words', () => {
    expect(['Administrator', 'Super Admin', 'Owner', 'Full Access', 'sslvpn-admins'].map(toolPrivilege)).toEqual(['admin', 'admin', 'admin', 'admin', 'admin']);
    expect(['Read Only', 'Viewer', 'Auditor', 'Reports'].map(toolPrivilege)).toEqual(['read', 'read', 'read', 'read']);
    expect(['Technician', 'Host', 'Member', 'Tier 1'].map(toolPrivilege)).toEqual(['operator', 'operator', 'operator', 'operator']);
  });

  it('reads MFA cells as yes/no or method names, and refuses unknown words', () => {
    expect(toolMfa('yes')).toEqual(['totp']);
    expect(toolMfa('No')).toEqual([]);
    expect(toolMfa('Not configured')).toEqual([]);
    expect(toolMfa('sms; FIDO2')).toEqual(['sms', 'fido2']);
    expect(toolMfa('Duo Push')).toEqual(['authenticator-push']);
    expect(toolMfa('carrier pigeon')).toBeUndefined();
  });

  it('finds the tool from the file name and its kind from product words', () => {
    expect(toolFromFileName('/x/harbor-rmm-technicians.csv')).toBe('harbor-rmm');
    expect(toolFromFileName('/x/Harbor ScreenConnect Users.csv')).toBe('harbor-screenconnect');
    expect(toolKindOf('harbor-screenconnect')).toBe('remote-access');
    expect(toolKindOf('ninjaone')).toBe('rmm');
    expect(toolKindOf('it-glue')).toBe('password-vault');
    expect(toolKindOf('forti-sslvpn')).toBe('vpn');
    expect(toolKindOf('vpn', 'ignored-rmm')).toBe('vpn');
    expect(toolKindOf('crm')).toBeUndefined();
  });
});

describe('parseToolAccounts', () => {
  it('reads the generic list: identities of the MSP, tool roles and grants to the tool asset', () => {
    const { path, text } = fixture('harbor-rmm-technicians.csv');
    const { ctx, problems } = collecting('harbor-msp');
    const recs = parseToolAccounts(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.filter((r) => r.kind === 'identity').map((r) => [r.value.id, r.value.mfa, r.value.enabled, r.value.lastSignIn ?? null, r.value.privileged])).toEqual([
      ['harbor-rmm/ana.ortiz', ['fido2'], true, '2026-11-28T07:12:00.000Z', true],
      ['harbor-rmm/ben.clarke', ['sms'], true, '2026-11-27T00:00:00.000Z', false],
      ['harbor-rmm/cy.mendes', [], true, '2026-06-30T00:00:00.000Z', false],
      ['harbor-rmm/noc.viewer', ['totp'], false, null, false],
    ]);
    expect(recs.filter((r) => r.kind === 'grant').map((r) => [r.value.principal, r.value.target, r.value.targetKind, r.value.privilege, r.value.via, r.value.tool])).toEqual([
      ['harbor-rmm/ana.ortiz', 'harbor-rmm', 'asset', 'admin', 'rmm', 'harbor-rmm'],
      ['harbor-rmm/ben.clarke', 'harbor-rmm', 'asset', 'operator', 'rmm', 'harbor-rmm'],
      ['harbor-rmm/cy.mendes', 'harbor-rmm', 'asset', 'operator', 'rmm', 'harbor-rmm'],
      ['harbor-rmm/noc.viewer', 'harbor-rmm', 'asset', 'read', 'rmm', 'harbor-rmm'],
    ]);
    expect(recs.filter((r) => r.kind === 'role').map((r) => [r.value.id, r.value.system])).toEqual([
      ['harbor-rmm/role/administrator', 'rmm'],
      ['harbor-rmm/role/technician', 'rmm'],
      ['harbor-rmm/role/read-only', 'rmm'],
    ]);
    expect(recs.find((r) => r.kind === 'identity')!.value.tags).toEqual(['rmm', 'harbor-rmm', 'email:ana@harbor-it.example']);
  });

  it('reads console-style headers (Role Name, 2FA Setup, Status, Last Login Time (UTC))', () => {
    const { path, text } = fixture('harbor-screenconnect-users.csv');
    const { ctx, problems } = collecting('harbor-msp');
    const ids = parseToolAccounts(text, path, ctx).filter((r) => r.kind === 'identity');
    expect(problems).toEqual([]);
    expect(ids.map((r) => [r.value.id, r.value.displayName, r.value.kind, r.value.mfa])).toEqual([
      ['harbor-screenconnect/ana', 'Ana Ortiz', 'human', ['totp']],
      ['harbor-screenconnect/ben', 'Ben Clarke', 'human', ['email']],
      ['harbor-screenconnect/shared-helpdesk', 'Helpdesk (shared)', 'shared', []],
    ]);
  });

  it('reads tool and toolKind columns, several tools in one list', () => {
    const { path, text } = fixture('msp-tool-accounts.csv');
    const { ctx, problems } = collecting('harbor-msp');
    const grants = parseToolAccounts(text, path, ctx).filter((r) => r.kind === 'grant');
    expect(problems).toEqual([]);
    expect(grants.map((r) => [r.value.target, r.value.via, r.value.privilege])).toEqual([
      ['harbor-keeper', 'password-vault', 'admin'],
      ['harbor-keeper', 'password-vault', 'operator'],
      ['harbor-vpn', 'vpn', 'operator'],
      ['harbor-vpn', 'vpn', 'admin'],
    ]);
  });

  it('reports a missing role column at the header, naming the accepted names', () => {
    const { path, text } = fixture('broken/harbor-rmm-missing-role.csv');
    const { ctx, problems } = collecting('harbor-msp');
    expect(parseToolAccounts(text, path, ctx)).toEqual([]);
    expect(problems).toMatchObject([{ code: 'HG_ERR_MISSING_COLUMN', location: { line: 1, field: 'role' } }]);
    expect(problems[0]!.message).toMatch(/securityrole/);
  });

  it('reports bad cells at their columns and unknown tools', () => {
    const { ctx, problems } = collecting('harbor-msp');
    parseToolAccounts('user,role,mfa,enabled,lastLogin\na,Admin,pigeon,true,\nb,Admin,no,maybe,\nc,Admin,no,true,someday\n', '/x/harbor-rmm-users.csv', ctx);
    parseToolAccounts('user,role,mfa\na,Admin,no\n', '/x/crm-users.csv', ctx);
    parseToolAccounts('user,role,mfa,toolKind\na,Admin,no,psa\n', '/x/crm-users.csv', ctx);
    expect(problems.map((p) => [p.location.line, p.location.field, p.message.slice(0, 24)])).toEqual([
      [2, 'mfa', 'unknown MFA value "pigeo'],
      [3, 'enabled', 'expected enabled/disable'],
      [4, 'lastLogin', 'expected a date, got "so'],
      [2, 'toolKind', 'cannot tell what kind of'],
      [2, 'toolKind', 'unknown toolKind "psa": '],
    ]);
  });
});
