import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { membersGroupId, parseGraphGroupMembers, parseGraphGroups } from './graph-groups.js';
import { FIXTURES, collecting } from './test-support.js';

const fixture = (name: string) => ({ path: join(FIXTURES, name), text: readFileSync(join(FIXTURES, name), 'utf8') });
const ADMINS = 'st-brigid-clinic/entra/5b1c8f0e-2d4a-4c6b-9e3f-7a8b9c0d1e2f';

describe('parseGraphGroups', () => {
  it('emits groups keyed by object id, role-assignable ones privileged, and expanded memberships', () => {
    const { path, text } = fixture('graph-groups.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseGraphGroups(text, path, ctx);
    expect(problems).toEqual([]);
    const groups = recs.filter((r) => r.kind === 'group').map((r) => r.value);
    expect(groups.map((g) => [g.name, g.privileged, g.tags])).toEqual([
      ['Clinic IT Admins', true, ['entra', 'role-assignable']],
      ['All Staff', false, ['entra', 'm365']],
      ['Front Desk', false, ['entra']],
    ]);
    expect(groups[0]!.id).toBe(ADMINS);
    // The service principal member is skipped: only users and groups are members in the model.
    expect(recs.filter((r) => r.kind === 'membership').map((r) => [r.value.group, r.value.member, r.value.memberKind, r.location.line])).toEqual([
      [ADMINS, 'itadmin@stbrigid-clinic.example', 'identity', 12],
      [ADMINS, 'ana_harbor-it.example#ext#@stbrigidclinic.onmicrosoft.com', 'identity', 18],
      ['st-brigid-clinic/entra/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'reception@stbrigid-clinic.example', 'identity', 47],
    ]);
  });

  it('marks groups named like admin groups privileged', () => {
    const { ctx } = collecting('t');
    const recs = parseGraphGroups('{"value": [{"id": "a1a1a1a1-0000-4000-8000-00000000000a", "displayName": "Domain Admins (sync)"}]}', 'f', ctx);
    expect(recs[0]!.value.privileged).toBe(true);
  });

  it('accepts membership cycles: they are data, the engines deal with them', () => {
    const { path, text } = fixture('broken/graph-groups-cycle.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseGraphGroups(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.filter((r) => r.kind === 'membership').map((r) => r.value.memberKind)).toEqual(['group', 'group']);
  });

  it('reports members without a type or a UPN at their lines', () => {
    const { ctx, problems } = collecting('t');
    const text = '{"value": [{"id": "g1",\n"members": [\n{"id": "u1"},\n{"@odata.type": "#microsoft.graph.user", "id": "u2"},\n"x"]}]}';
    const recs = parseGraphGroups(text, 'f', ctx);
    expect(recs.map((r) => r.kind)).toEqual(['group']);
    expect(problems.map((p) => [p.location.line, p.message.slice(0, 30)])).toEqual([
      [3, 'member has no "@odata.type": c'],
      [4, 'member user has no userPrincip'],
      [5, 'expected a member object'],
    ]);
  });
});

describe('parseGraphGroupMembers', () => {
  it('names the group from the file name and emits insert-if-missing memberships', () => {
    const { path, text } = fixture('group-3f0c6a2b-8d1e-4f5a-b6c7-d8e9f0a1b2c3-members.json');
    const { ctx, problems } = collecting('st-brigid-clinic');
    const recs = parseGraphGroupMembers(text, path, ctx);
    expect(problems).toEqual([]);
    expect(recs.map((r) => [r.value.member, r.value.memberKind, r.merge])).toEqual([
      ['dr.okafor@stbrigid-clinic.example', 'identity', []],
      ['st-brigid-clinic/entra/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'group', []],
    ]);
    expect(recs.every((r) => r.value.group === 'st-brigid-clinic/entra/3f0c6a2b-8d1e-4f5a-b6c7-d8e9f0a1b2c3')).toBe(true);
  });

  it('takes the group from an @odata.context that names it, and reports when nothing does', () => {
    expect(membersGroupId('members.json', ["https://graph.microsoft.com/v1.0/$metadata#groups('3F0C6A2B-8D1E-4F5A-B6C7-D8E9F0A1B2C3')/members"])).toBe('3f0c6a2b-8d1e-4f5a-b6c7-d8e9f0a1b2c3');
    const { ctx, problems } = collecting('t');
    expect(parseGraphGroupMembers('{"@odata.context": "x#directoryObjects", "value": []}', '/tmp/members.json', ctx)).toEqual([]);
    expect(problems[0]!.message).toMatch(/name the file group-<group object id>-members\.json/);
  });
});
