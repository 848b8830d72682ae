import { basename } from 'node:path';
import type { Location } from '../../core/index.js';
import { readCollection } from './graph-json.js';
import { entraGroupKey, requireTenant, str, type ParseContext, type ParsedRecord } from './records.js';

/** Group names that mark an admin group, where MSP accounts must not sit (advisory area 12). */
const ADMIN_NAME = /\b(admins?|administrators?|domain admins|global admins?)\b/i;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The type of a directory object from its `@odata.type` (`#microsoft.graph.user` → `user`). */
export const odataType = (o: Record<string, unknown>): string | undefined =>
  str(o, '@odata.type')?.replace(/^#?microsoft\.graph\./, '').toLowerCase();

/**
 * One member (a directoryObject) → a membership of `group`. Users are keyed by
 * their userPrincipalName, nested groups by object id. Service principals,
 * devices and contacts are not identities Hubguard models in a group, so they
 * are skipped (documented); a user without a UPN is a problem.
 */
function membership(tenant: string, group: string, m: Record<string, unknown>, at: Location, ctx: ParseContext): Record<string, unknown> | undefined {
  const type = odataType(m);
  if (type === 'user') {
    const upn = str(m, 'userPrincipalName');
    if (!upn) {
      ctx.problem('HG_ERR_VALIDATION', 'member user has no userPrincipalName: add it to the $select of the members query', { ...at, field: 'userPrincipalName' });
      return undefined;
    }
    return { tenant, group, member: upn.toLowerCase(), memberKind: 'identity' };
  }
  if (type === 'group') {
    const id = str(m, 'id');
    if (!id) {
      ctx.problem('HG_ERR_VALIDATION', 'member group has no id', { ...at, field: 'id' });
      return undefined;
    }
    return { tenant, group, member: entraGroupKey(tenant, id), memberKind: 'group' };
  }
  if (!type) ctx.problem('HG_ERR_VALIDATION', 'member has no "@odata.type": cannot tell a user from a group', { ...at, field: '@odata.type' });
  return undefined;
}

/**
 * Microsoft Graph `GET /groups` (group resource) → groups of the `--customer`
 * tenant, keyed `<tenant>/entra/<object id>`. A group is privileged when it is
 * role-assignable (isAssignableToRole: only such groups can hold Entra roles)
 * or its name says it is an admin group. When the export carries members
 * (`$expand=members`, or a script that nests each group's `/members` response
 * under `members`), memberships are emitted too. Graph expands at most 20
 * members, so large groups need the members export.
 */
export function parseGraphGroups(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  const out: ParsedRecord[] = [];
  for (const item of items) {
    const g = item.value;
    const id = str(g, 'id');
    if (!id) {
      ctx.problem('HG_ERR_VALIDATION', 'group has no id', { ...item.location, field: 'id' });
      continue;
    }
    const name = str(g, 'displayName') ?? id;
    const groupTypes = Array.isArray(g.groupTypes) ? g.groupTypes.map(String) : [];
    const tags = ['entra'];
    if (g.isAssignableToRole === true) tags.push('role-assignable');
    if (g.onPremisesSyncEnabled === true) tags.push('synced');
    if (groupTypes.includes('Unified')) tags.push('m365');
    if (groupTypes.includes('DynamicMembership')) tags.push('dynamic');
    const key = entraGroupKey(tenant, id);
    out.push({
      kind: 'group',
      value: { id: key, tenant, name, privileged: g.isAssignableToRole === true || ADMIN_NAME.test(name), tags },
      location: item.location,
      locate: (p) => item.locate([p[0] === 'name' ? 'displayName' : p[0] === 'privileged' ? 'isAssignableToRole' : 'id']),
    });
    const members = g.members;
    if (members === undefined) continue;
    if (!Array.isArray(members)) {
      ctx.problem('HG_ERR_VALIDATION', 'members must be a list', { ...item.locate(['members']), field: 'members' });
      continue;
    }
    members.forEach((m, i) => {
      const at = item.locate(['members', i]);
      if (!m || typeof m !== 'object') return ctx.problem('HG_ERR_VALIDATION', 'expected a member object', at);
      const v = membership(tenant, key, m as Record<string, unknown>, at, ctx);
      if (v) out.push({ kind: 'membership', value: v, location: at });
    });
  }
  return out;
}

/**
 * The group a `/groups/{id}/members` export belongs to. Graph's response
 * names no group (its context is `$metadata#directoryObjects`), so it is taken
 * from a context that does (`…groups('<id>')/members`) or from an object id in
 * the file name, e.g. `group-<object id>-members.json`.
 */
export function membersGroupId(fileName: string, contexts: readonly string[]): string | undefined {
  for (const c of contexts) {
    const m = /groups(?:\('|\/)([0-9a-f-]{36})/i.exec(c);
    if (m) return m[1]!.toLowerCase();
  }
  return GUID.exec(basename(fileName))?.[0].toLowerCase();
}

/**
 * Microsoft Graph `GET /groups/{id}/members` → memberships of that group in the
 * `--customer` tenant. The group itself comes from the groups export (or an
 * earlier import); memberships are marked insert-if-missing, since the groups
 * export may carry the same ones.
 */
export function parseGraphGroupMembers(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items, contexts } = readCollection(text, file, ctx);
  const gid = membersGroupId(file, contexts);
  if (!gid) {
    ctx.problem('HG_ERR_VALIDATION', 'cannot tell which group these members belong to: name the file group-<group object id>-members.json', { file });
    return [];
  }
  const group = entraGroupKey(tenant, gid);
  const out: ParsedRecord[] = [];
  for (const item of items) {
    const v = membership(tenant, group, item.value, item.location, ctx);
    if (v) out.push({ kind: 'membership', value: v, location: item.location, merge: [] });
  }
  return out;
}
