import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adIdentityKey, dnDomain, dnName, fromFileTime, groupFromFileName, parseAdGroupMembers, parseAdUsers, splitDn } from './ad.js';
import { parseLooseDate } from './csv-table.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });
const D = 'corp.stbrigid-clinic.example';

describe('AD value formats', () => {
  it('converts Windows FILETIME ticks, with 0 and the Int64 maximum meaning never', () => {
    expect(fromFileTime('134399826000000000')).toBe('2026-11-24T08:30:00.000Z');
    expect(fromFileTime('0')).toBeUndefined();
    expect(fromFileTime('9223372036854775807')).toBeUndefined();
    expect(fromFileTime('12x')).toBeUndefined();
  });

  it('splits distinguished names honouring escaped commas', () => {
    expect(splitDn('CN=Okafor\\, Amaka,OU=Staff,DC=corp,DC=example')).toEqual([
      { type: 'CN', value: 'Okafor, Amaka' },
      { type: 'OU', value: 'Staff' },
      { type: 'DC', value: 'corp' },
      { type: 'DC', value: 'example' },
    ]);
    expect(dnDomain('CN=x,DC=Corp,DC=Example')).toBe('corp.example');
    expect(dnName('OU=Staff,DC=x')).toBeUndefined();
    expect(adIdentityKey('corp.example', 'JDoe')).toBe('corp.example\\jdoe');
  });

  it('reads ISO and en-US dates as UTC, and refuses impossible ones', () => {
    expect(parseLooseDate('11/27/2026 6:40:00 PM')).toBe('2026-11-27T18:40:00.000Z');
    expect(parseLooseDate('1/2/2026 12:05:00 AM')).toBe('2026-01-02T00:05:00.000Z');
    expect(parseLooseDate('2026-11-27 18:40')).toBe('2026-11-27T18:40:00.000Z');
    expect(parseLooseDate('2026-11-27T18:40:00+02:00')).toBe('2026-11-27T16:40:00.000Z');
    expect(parseLooseDate('13/27/2026')).toBeUndefined();
    expect(parseLooseDate('2/30/2026')).toBeUndefined();
    expect(parseLooseDate('yesterday')).toBeUndefined();
  });

  it('names a Get-ADGroupMember export after its file', () => {
    expect(groupFromFileName('/x/Domain Admins.csv')).toBe('Domain Admins');
    expect(groupFromFileName('/x/domain-admins-members.csv')).toBe('Domain Admins');
    expect(groupFromFileName('/x/group_backup_operators.csv')).toBe('Backup Operators');
  });
});

describe('parseAdUsers', () => {
  it('reads Get-ADUser exports: #TYPE line, FILETIME and date logons, AdminCount, MemberOf and SPNs', () => {
    const { path, text } = fixture('ad-users.csv');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseAdUsers(text, path, ctx);
    expect(problems).toEqual([]);
    const ids = recs.filter((r) => r.kind === 'identity');
    expect(ids.map((r) => [r.value.id, r.value.enabled, r.value.lastSignIn ?? null, r.value.privileged, r.value.kind, r.location.line])).toEqual([
      [`${D}\\administrator`, true, '2026-11-24T08:30:00.000Z', true, 'shared', 3],
      [`${D}\\aokafor`, true, '2026-11-27T19:02:13.000Z', false, 'human', 4],
      [`${D}\\harbor.tech`, true, '2026-11-27T18:40:00.000Z', true, 'human', 5],
      [`${D}\\svc_sql`, true, '2026-11-28T01:00:00.000Z', false, 'service', 6],
      [`${D}\\olocum`, true, '2025-01-05T12:00:00.000Z', false, 'human', 7],
      [`${D}\\guest`, false, null, false, 'human', 8],
    ]);
    expect(ids[1]!.value).toMatchObject({ displayName: 'Dr Amaka Okafor', username: 'Dr.Okafor@stbrigid-clinic.example', tags: ['ad'] });
    const groups = recs.filter((r) => r.kind === 'group').map((r) => [r.value.name, r.value.privileged]);
    expect(groups).toEqual([['Domain Admins', true], ['Enterprise Admins', true], ['Administrators', true], ['Clinic Staff', false], ['Guests', false]]);
    expect(recs.filter((r) => r.kind === 'membership' && r.value.group === 'st-brigid-clinic/ad/domain-admins').map((r) => r.value.member)).toEqual([
      `${D}\\administrator`,
      `${D}\\harbor.tech`,
    ]);
    expect(recs.filter((r) => r.kind !== 'identity').every((r) => JSON.stringify(r.merge) === '[]')).toBe(true);
  });

  it('reports missing columns at the header', () => {
    const { path, text } = fixture('broken/ad-users-missing-columns.csv');
    const { ctx, problems } = collecting('st-brigid-clinic');
    expect(parseAdUsers(text, path, ctx)).toEqual([]);
    expect(problems).toEqual([{ code: 'HG_ERR_MISSING_COLUMN', message: 'required column "Enabled" is missing', location: { file: path, line: 1, field: 'Enabled' } }]);
  });

  it('explains a MemberOf exported as its collection type name, and a bad logon date, at their cells', () => {
    const { path, text } = fixture('broken/ad-users-memberof-collection.csv');
    const { ctx, problems } = collecting('st-brigid-clinic');
    expect(parseAdUsers(text, path, ctx)).toEqual([]);
    expect(problems.map((p) => [p.location.line, p.location.column, p.location.field])).toEqual([[3, 6, 'LastLogonTimestamp']]);
    const fixed = text.replace('yesterday', '0');
    const again = collecting('st-brigid-clinic');
    expect(parseAdUsers(fixed, path, again.ctx)).toEqual([]);
    expect(again.problems[0]).toMatchObject({ location: { line: 3, column: 5, field: 'MemberOf' } });
    expect(again.problems[0]!.message).toMatch(/-join ';'/);
  });

  it('reports a bad Enabled value at its cell', () => {
    const { ctx, problems } = collecting('t');
    parseAdUsers('SamAccountName,Enabled,DistinguishedName\na,maybe,"CN=a,DC=x,DC=example"\n', 'f', ctx);
    expect(problems).toMatchObject([{ location: { line: 2, column: 2, field: 'Enabled' } }]);
  });
});

describe('parseAdGroupMembers', () => {
  it('emits memberships of the group the file names: users, nested groups; computers skipped', () => {
    const { path, text } = fixture('domain-admins-members.csv');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseAdGroupMembers(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.filter((r) => r.kind === 'group').map((r) => [r.value.id, r.value.name, r.value.privileged])).toEqual([
      ['st-brigid-clinic/ad/domain-admins', 'Domain Admins', true],
      ['st-brigid-clinic/ad/tier0-operators', 'Tier0 Operators', false],
    ]);
    expect(recs.filter((r) => r.kind === 'membership').map((r) => [r.value.member, r.value.memberKind])).toEqual([
      [`${D}\\administrator`, 'identity'],
      [`${D}\\harbor.tech`, 'identity'],
      ['st-brigid-clinic/ad/tier0-operators', 'group'],
    ]);
  });

  it('prefers a Group column over the file name', () => {
    const { ctx } = collecting('t');
    const recs = parseAdGroupMembers('Group,distinguishedName,objectClass,SamAccountName\nBackup Operators,"CN=b,DC=x,DC=example",user,b\n', '/x/export.csv', ctx);
    expect(recs[0]!.value).toMatchObject({ id: 't/ad/backup-operators', privileged: true });
  });
});
