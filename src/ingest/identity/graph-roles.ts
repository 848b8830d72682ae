import { builtInRole, customRole, directoryRoleKey, directoryRoleRecord, ROLE_MERGE, type EntraRole } from './entra-roles.js';
import { odataType } from './graph-groups.js';
import { readCollection, type GraphItem } from './graph-json.js';
import { durationDays, entraGroupKey, obj, Once, requireTenant, str, toIso, type ParseContext, type ParsedRecord } from './records.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Actions a custom role allows (unifiedRoleDefinition.rolePermissions[].allowedResourceActions). */
function allowedActions(def: Record<string, unknown>): string[] {
  const perms = Array.isArray(def.rolePermissions) ? def.rolePermissions : [];
  return perms.flatMap((p) => (p && typeof p === 'object' && Array.isArray((p as Record<string, unknown>).allowedResourceActions) ? ((p as Record<string, unknown>).allowedResourceActions as unknown[]).map(String) : []));
}

/** A unifiedRoleDefinition (listed, or expanded with `$expand=roleDefinition`) → the role it is. */
function roleFromDefinition(def: Record<string, unknown>): EntraRole | undefined {
  const builtIn = builtInRole(str(def, 'templateId') ?? '') ?? builtInRole(str(def, 'id') ?? '');
  if (builtIn) return builtIn;
  const id = str(def, 'id') ?? str(def, 'templateId');
  const name = str(def, 'displayName');
  return id && name ? customRole(id, name, allowedActions(def)) : undefined;
}

/**
 * Microsoft Graph `GET /roleManagement/directory/roleDefinitions`
 * (unifiedRoleDefinition) → roles of the `--customer` tenant. Built-in roles
 * take Hubguard's classification by template id; custom roles (isBuiltIn false)
 * are `read` when they only read and `admin` otherwise. This export is optional:
 * the assignment exports emit the roles they use.
 */
export function parseRoleDefinitions(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  const out: ParsedRecord[] = [];
  const once = new Once();
  for (const item of items) {
    const role = roleFromDefinition(item.value);
    if (!role) {
      ctx.problem('HG_ERR_VALIDATION', 'role definition needs an id and a displayName', item.location);
      continue;
    }
    const value = directoryRoleRecord(tenant, role);
    if (!once.first('role', String(value.id))) continue;
    out.push({ kind: 'role', value, location: item.location, merge: ROLE_MERGE });
  }
  return out;
}

/** The grant's principal from an expanded directoryObject (`$expand=principal`). */
interface Principal {
  key: string;
  kind: 'identity' | 'group';
  /** A service principal is an identity no users export carries: emit it. */
  record?: Record<string, unknown>;
}

function principalOf(tenant: string, item: GraphItem, ctx: ParseContext): Principal | undefined {
  const p = obj(item.value, 'principal');
  const at = { ...item.locate(['principal']), field: 'principal' };
  if (!p) {
    ctx.problem('HG_ERR_VALIDATION', 'principal is not expanded: export with $expand=principal', at);
    return undefined;
  }
  const type = odataType(p);
  const id = str(p, 'id') ?? str(item.value, 'principalId');
  if (type === 'user') {
    const upn = str(p, 'userPrincipalName');
    if (upn) return { key: upn.toLowerCase(), kind: 'identity' };
    ctx.problem('HG_ERR_VALIDATION', 'principal user has no userPrincipalName: expand with $expand=principal($select=id,userPrincipalName,displayName)', at);
    return undefined;
  }
  if (type === 'group' && id) return { key: entraGroupKey(tenant, id), kind: 'group' };
  if (type === 'serviceprincipal' && id) {
    const key = `${tenant}/sp/${id.toLowerCase()}`;
    const name = str(p, 'displayName') ?? id;
    const appId = str(p, 'appId');
    return {
      key,
      kind: 'identity',
      record: { id: key, tenant, kind: 'service', displayName: name, ...(appId ? { username: appId } : {}), enabled: p.accountEnabled !== false, tags: ['entra', 'service-principal'] },
    };
  }
  ctx.problem('HG_ERR_VALIDATION', `unsupported principal type ${JSON.stringify(str(p, '@odata.type') ?? null)}`, at);
  return undefined;
}

/** Builds the role, optional service principal and grant records of one assignment or eligibility. */
function assignmentRecords(
  tenant: string,
  item: GraphItem,
  mode: 'standing' | 'jit',
  ctx: ParseContext,
  once: Once,
  extra: { grantedAt?: string; expiresAt?: string },
): ParsedRecord[] {
  const a = item.value;
  const id = str(a, 'id');
  const defId = str(a, 'roleDefinitionId');
  if (!id || !defId) {
    ctx.problem('HG_ERR_MISSING_COLUMN', `assignment needs "id" and "roleDefinitionId"`, item.location);
    return [];
  }
  if (!GUID.test(defId)) {
    ctx.problem('HG_ERR_VALIDATION', `roleDefinitionId ${JSON.stringify(defId)} is not a role id`, { ...item.locate(['roleDefinitionId']), field: 'roleDefinitionId' });
    return [];
  }
  const expanded = obj(a, 'roleDefinition');
  const role = builtInRole(defId) ?? (expanded ? roleFromDefinition(expanded) : undefined);
  const principal = principalOf(tenant, item, ctx);
  if (!principal) return [];
  const out: ParsedRecord[] = [];
  // A custom role that is not expanded is named by id only: its record comes from the role
  // definitions export (this import or an earlier one), or the reference is reported as dangling.
  // Until rated, the grant counts it as `admin`: overstating a role is safer than missing one.
  const roleId = role ? directoryRoleKey(tenant, role) : directoryRoleKey(tenant, { builtIn: false, name: '', templateId: defId });
  if (role) {
    const roleRec = directoryRoleRecord(tenant, role);
    if (once.first('role', roleId)) out.push({ kind: 'role', value: roleRec, location: item.location, merge: ROLE_MERGE });
  }
  if (principal.record && once.first('identity', principal.key)) {
    out.push({ kind: 'identity', value: principal.record, location: item.location, merge: [] });
  }
  const scope = str(a, 'directoryScopeId') ?? '/';
  const tags = [mode === 'jit' ? 'pim-eligible' : 'active'];
  if (!role) tags.push('custom-role-unrated');
  // A role scoped to an administrative unit or an app reaches part of the tenant; the grant keeps the scope.
  if (scope !== '/') tags.push(`scope:${scope}`);
  const memberType = str(a, 'memberType');
  if (memberType && memberType !== 'Direct') tags.push(`member:${memberType.toLowerCase()}`);
  out.push({
    kind: 'grant',
    value: {
      id: `${tenant}/${mode === 'jit' ? 'role-eligibility' : 'role-assignment'}/${id}`,
      tenant,
      principal: principal.key,
      principalKind: principal.kind,
      target: tenant,
      targetKind: 'organization',
      privilege: role?.privilege ?? 'admin',
      role: roleId,
      mode,
      via: 'directory',
      ...(extra.grantedAt ? { grantedAt: extra.grantedAt } : {}),
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
      tags,
    },
    location: item.location,
    locate: (p) => item.locate([p[0] === 'principal' ? 'principal' : p[0] === 'role' || p[0] === 'privilege' ? 'roleDefinitionId' : 'id']),
  });
  return out;
}

/** Reports, once per file, an export whose principals were not expanded, instead of once per assignment. */
function principalsExpanded(items: GraphItem[], ctx: ParseContext): boolean {
  if (items.length === 0 || items.some((i) => obj(i.value, 'principal'))) return true;
  ctx.problem('HG_ERR_MISSING_COLUMN', 'principals are not expanded, so users cannot be named: export with $expand=principal', items[0]!.location);
  return false;
}

/**
 * Microsoft Graph `GET /roleManagement/directory/roleAssignments?$expand=principal`
 * (unifiedRoleAssignment) → active (standing) directory-role grants into the
 * `--customer` tenant: principal → the tenant organization, via `directory`,
 * with the role and its privilege. Users are keyed by UPN (so the principal must
 * be expanded); groups by object id; service principals become service
 * identities. A role id that is not built-in names a custom role: expanded
 * (`$expand=roleDefinition`) it is rated here, otherwise the role definitions
 * export must define it (see docs).
 */
export function parseRoleAssignments(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  if (!principalsExpanded(items, ctx)) return [];
  const once = new Once();
  return items.flatMap((item) => assignmentRecords(tenant, item, 'standing', ctx, once, {}));
}

/** Statuses of a role eligibility schedule that mean it is in force (unifiedRoleEligibilitySchedule.status). */
const IN_FORCE = new Set(['provisioned', 'granted', 'schedulecreated']);

/**
 * The end of a requestSchedule: expiration.endDateTime (`afterDateTime`), or the
 * start plus expiration.duration (`afterDuration`); none for `noExpiration`.
 */
export function scheduleEnd(schedule: Record<string, unknown> | undefined): string | undefined {
  const exp = obj(schedule, 'expiration');
  if (!exp || str(exp, 'type') === 'noExpiration') return undefined;
  const end = toIso(exp.endDateTime);
  if (end) return end;
  const start = toIso(schedule?.startDateTime);
  const days = durationDays(exp.duration);
  return start && days !== undefined ? new Date(Date.parse(start) + days * 86_400_000).toISOString() : undefined;
}

/**
 * Microsoft Graph `GET /roleManagement/directory/roleEligibilitySchedules?$expand=principal`
 * (unifiedRoleEligibilitySchedule) → just-in-time grants (PIM eligible, mode
 * `jit`), with grantedAt from scheduleInfo.startDateTime and expiresAt from
 * scheduleInfo.expiration. Schedules not in force (Revoked, Canceled, Denied,
 * pending ones) are skipped.
 */
export function parseRoleEligibility(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  if (!principalsExpanded(items, ctx)) return [];
  const once = new Once();
  return items.flatMap((item) => {
    const status = str(item.value, 'status');
    if (status && !IN_FORCE.has(status.toLowerCase())) return [];
    const schedule = obj(item.value, 'scheduleInfo');
    const grantedAt = toIso(schedule?.startDateTime);
    const expiresAt = scheduleEnd(schedule);
    return assignmentRecords(tenant, item, 'jit', ctx, once, { ...(grantedAt ? { grantedAt } : {}), ...(expiresAt ? { expiresAt } : {}) });
  });
}
