import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubguardError } from '../../core/index.js';
import { mfaFromMethods, parseGraphUsers, parseRegistrationDetails } from './graph-users.js';
import { identityKind } from './records.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });

describe('parseGraphUsers', () => {
  const { path, text } = fixture('graph-users.json');

  it('turns /users with signInActivity into identities of the --customer tenant', () => {
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseGraphUsers(text, path, ctx);
    expect(problems).toEqual([]);
    const byId = new Map(recs.map((r) => [r.value.id, r]));
    expect(recs.every((r) => r.kind === 'identity' && r.value.tenant === 'st-brigid-clinic')).toBe(true);
    // Merges only what it knows, so the MFA registration export can come before or after it.
    expect(recs[0]!.merge).toEqual(['displayName', 'username', 'enabled', 'lastSignIn', 'lastInteractiveSignIn', 'departedAt', 'tags']);
    // Lower-case UPN key; the latest of interactive, non-interactive and successful sign-ins.
    expect(byId.get('dr.okafor@stbrigid-clinic.example')).toMatchObject({
      value: { username: 'Dr.Okafor@stbrigid-clinic.example', enabled: true, kind: 'human', lastSignIn: '2026-11-28T06:15:40.123Z', tags: ['entra', 'member', 'synced'] },
      location: { file: path, line: 4 },
    });
    const cy = byId.get('cy_harbor-it.example#ext#@stbrigidclinic.onmicrosoft.com')!;
    expect(cy.value).toMatchObject({ tags: ['entra', 'guest', 'external'], departedAt: '2026-07-01T00:00:00.000Z', lastSignIn: '2026-03-02T10:05:00.000Z' });
    expect(byId.get('reception@stbrigid-clinic.example')!.value.kind).toBe('shared');
    expect(byId.get('svc-backup@stbrigid-clinic.example')!.value).toMatchObject({ kind: 'service', lastInteractiveSignIn: '2026-11-28T02:00:00.000Z' });
    // Exchange's shared mailbox: disabled, never signed in, has a mailbox.
    expect(byId.get('billing.archive@stbrigid-clinic.example')!.value).toMatchObject({ kind: 'shared', enabled: false });
    expect(byId.get('billing.archive@stbrigid-clinic.example')!.value).not.toHaveProperty('lastSignIn');
  });

  it('locates record fields at their source properties', () => {
    const { ctx } = collecting('st-brigid-clinic');
    const ana = parseGraphUsers(text, path, ctx)[2]!;
    const lines = text.split('\n');
    expect(lines[ana.locate!(['enabled']).line! - 1]).toContain('"accountEnabled"');
    expect(lines[ana.locate!(['id']).line! - 1]).toContain('"userPrincipalName"');
  });

  it('asks for --customer once when it is missing', () => {
    const { ctx, problems } = collecting();
    expect(parseGraphUsers(text, path, ctx)).toEqual([]);
    expect(problems).toEqual([{ code: 'HG_ERR_VALIDATION', message: 'this export does not name its tenant: pass --customer <org id>', location: { file: path } }]);
  });

  it('reports an export without accountEnabled once, saying which $select to use', () => {
    const f = fixture('broken/graph-users-no-select.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    expect(parseGraphUsers(f.text, f.path, ctx)).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'HG_ERR_MISSING_COLUMN', location: { line: 4 } });
    expect(problems[0]!.message).toMatch(/\$select=.*accountEnabled/);
  });

  it('reports wrong shapes at their lines and keeps the good users', () => {
    const f = fixture('broken/graph-users-wrong-shape.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    expect(parseGraphUsers(f.text, f.path, ctx).map((r) => r.value.id)).toEqual(['ok@stbrigid-clinic.example']);
    expect(problems.map((p) => [p.location.line, p.location.field ?? null, p.message])).toEqual([
      [5, null, 'expected an object'],
      [6, 'userPrincipalName', 'user has no userPrincipalName'],
      [7, 'accountEnabled', 'accountEnabled must be true or false, got "yes"'],
    ]);
  });

  it('throws a located JSON error for malformed files', () => {
    const f = fixture('broken/graph-users-malformed.json');
    try {
      parseGraphUsers(f.text, f.path, collecting('st-brigid-clinic').ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HubguardError);
      expect(e).toMatchObject({ code: 'HG_ERR_JSON', location: { file: f.path, line: 7 } });
    }
  });
});

describe('parseRegistrationDetails', () => {
  const { path, text } = fixture('graph-registration-details.json');

  it('emits complete identities marked to merge only mfa and privileged', () => {
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseRegistrationDetails(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.map((r) => [r.value.id, r.value.mfa, r.value.privileged])).toEqual([
      ['dr.okafor@stbrigid-clinic.example', ['authenticator-push', 'totp', 'sms'], false],
      ['itadmin@stbrigid-clinic.example', ['fido2', 'windows-hello'], true],
      ['ana_harbor-it.example#ext#@stbrigidclinic.onmicrosoft.com', [], true],
      ['reception@stbrigid-clinic.example', ['sms', 'voice', 'email'], false],
    ]);
    expect(recs.every((r) => JSON.stringify(r.merge) === '["mfa","privileged"]')).toBe(true);
    expect(recs[0]!.value).toMatchObject({ displayName: 'Dr Amaka Okafor', tenant: 'st-brigid-clinic' });
  });

  it('reports a methodsRegistered that is not a list at its line', () => {
    const { ctx, problems } = collecting('t');
    const recs = parseRegistrationDetails('{"value": [\n{"userPrincipalName": "a@x.example", "methodsRegistered": "sms"}\n]}', 'f', ctx);
    expect(recs).toEqual([]);
    expect(problems).toMatchObject([{ code: 'HG_ERR_VALIDATION', location: { line: 2, field: 'methodsRegistered' } }]);
  });
});

describe('mfaFromMethods', () => {
  it('maps Graph method names to rated methods, strongest first, ignoring TAP and unknown values', () => {
    expect(mfaFromMethods(['email', 'passKeySynced', 'hardwareOneTimePasscode', 'temporaryAccessPass', 'alternateMobilePhone', 'x', 3])).toEqual([
      'fido2', 'hardware-otp', 'voice', 'email',
    ]);
    expect(mfaFromMethods(['macOsSecureEnclaveKey', 'microsoftAuthenticatorPasswordless'])).toEqual(['windows-hello', 'authenticator-push']);
  });
});

describe('identityKind', () => {
  it('reads service and shared accounts from their names', () => {
    expect(identityKind('svc_sql')).toBe('service');
    expect(identityKind('sa-backup@x.example')).toBe('service');
    expect(identityKind('CORP\\svc-scan')).toBe('service');
    expect(identityKind('info@x.example')).toBe('shared');
    expect(identityKind('shared.mailbox@x.example')).toBe('shared');
    expect(identityKind('jane@x.example', 'Shared mailbox for HR')).toBe('shared');
    expect(identityKind('sam@x.example')).toBe('human');
  });
});
