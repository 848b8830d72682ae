import { builtInRole, directoryRoleRecord, ROLE_MERGE } from './entra-roles.js';
import { parseBool, readTable } from './csv-table.js';
import { readCollection, type GraphItem } from './graph-json.js';
import { durationDays, entraGroupKey, obj, Once, requireTenant, slug, str, toIso, type ParseContext, type ParsedRecord } from './records.js';

/**
 * The organization key of a customer named by a partner-side export: the slug
 * of its display name ("St Brigid Clinic" → `st-brigid-clinic`). Name the
 * customer's organization that way in the workspace, or the grants report a
 * dangling tenant naming the key expected. (Mapping by tenant id needs the
 * organizations already stored: see docs/identity-imports.md.)
 */
export const customerKey = (displayName: string): string => slug(displayName);

/** Relationship statuses under which the partner holds (or held, until deprovisioned) the roles (delegatedAdminRelationshipStatus). */
const GRANTING = new Set(['active', 'activating', 'approved', 'expiring', 'expired']);

/** The MSP group a GDAP access assignment names (accessContainer.accessContainerId), in case no groups export defines it. */
function accessGroup(msp: string, groupId: string): Record<string, unknown> {
  return { id: entraGroupKey(msp, groupId), tenant: msp, name: `GDAP access group ${groupId.toLowerCase()}`, privileged: true, tags: ['entra', 'gdap-access-group'] };
}

/** One relationship with its nested access assignments → groups, roles and grants. */
function relationshipRecords(msp: string, item: GraphItem, ctx: ParseContext, once: Once): ParsedRecord[] {
  const r = item.value;
  const relId = str(r, 'id');
  const status = (str(r, 'status') ?? '').toLowerCase();
  const customer = obj(r, 'customer');
  const custName = str(customer, 'displayName');
  if (!relId || !custName) {
    ctx.problem('HG_ERR_MISSING_COLUMN', 'relationship needs "id" and "customer.displayName"', item.location);
    return [];
  }
  if (!GRANTING.has(status)) return []; // created, approvalPending, terminated…: no access is held
  const assignments = r.accessAssignments;
  if (!Array.isArray(assignments)) {
    ctx.problem(
      'HG_ERR_MISSING_COLUMN',
      `relationship "${str(r, 'displayName') ?? relId}" has no accessAssignments: nest each relationship's /accessAssignments "value" under it (docs/identity-imports.md)`,
      { ...item.location, field: 'accessAssignments' },
    );
    return [];
  }
  const tenant = customerKey(custName);
  const autoExtend = (durationDays(r.autoExtendDuration) ?? 0) > 0;
  const grantedAt = toIso(r.activatedDateTime);
  const expiresAt = toIso(r.endDateTime);
  const relName = str(r, 'displayName') ?? relId;
  const tags = [`gdap:${slug(relName) || 'relationship'}`, `status:${status}`];
  // Microsoft-led transition relationships (MLT_…) were created from DAP with default roles.
  if (/^MLT_/i.test(relName)) tags.push('mlt');
  const out: ParsedRecord[] = [];
  assignments.forEach((a, ai) => {
    const at = item.locate(['accessAssignments', ai]);
    if (!a || typeof a !== 'object') return ctx.problem('HG_ERR_VALIDATION', 'expected an access assignment object', at);
    const aStatus = (str(a, 'status') ?? 'active').toLowerCase();
    if (aStatus !== 'active') return; // pending, deleting, deleted, error: no members hold the roles
    const groupId = str(obj(a, 'accessContainer'), 'accessContainerId');
    if (!groupId) return ctx.problem('HG_ERR_MISSING_COLUMN', 'access assignment has no accessContainer.accessContainerId', { ...at, field: 'accessContainer' });
    const group = accessGroup(msp, groupId);
    if (once.first('group', String(group.id))) out.push({ kind: 'group', value: group, location: at, merge: [] });
    const roles = obj(a, 'accessDetails')?.unifiedRoles ?? obj(r, 'accessDetails')?.unifiedRoles;
    if (!Array.isArray(roles)) return ctx.problem('HG_ERR_MISSING_COLUMN', 'access assignment has no accessDetails.unifiedRoles', { ...at, field: 'accessDetails' });
    roles.forEach((u, ri) => {
      const roleAt = item.locate(['accessAssignments', ai, 'accessDetails', 'unifiedRoles', ri]);
      const defId = str(u, 'roleDefinitionId');
      const role = defId ? builtInRole(defId) : undefined;
      if (!role) {
        // GDAP grants only Microsoft Entra built-in roles, so an unknown id is an error in the export, not a custom role.
        ctx.problem('HG_ERR_VALIDATION', `unknown role template id ${JSON.stringify(defId ?? null)}: GDAP grants only Microsoft Entra built-in roles`, { ...roleAt, field: 'roleDefinitionId' });
        return;
      }
      const roleRec = directoryRoleRecord(tenant, role);
      const atCustomer = (p: readonly (string | number)[]) => (p[0] === 'tenant' || p[0] === 'target' ? item.locate(['customer']) : roleAt);
      if (once.first('role', String(roleRec.id))) out.push({ kind: 'role', value: roleRec, location: roleAt, locate: atCustomer, merge: ROLE_MERGE });
      out.push({
        kind: 'grant',
        value: {
          id: `gdap/${relId}/${groupId.toLowerCase()}/${slug(role.name)}`,
          tenant,
          principal: group.id,
          principalKind: 'group',
          target: tenant,
          targetKind: 'organization',
          privilege: role.privilege,
          role: roleRec.id,
          mode: 'standing',
          via: 'gdap',
          ...(grantedAt ? { grantedAt } : {}),
          ...(expiresAt ? { expiresAt } : {}),
          autoExtend,
          tags,
        },
        location: roleAt,
        locate: atCustomer,
      });
    });
  });
  return out;
}

/**
 * Microsoft Graph `GET /tenantRelationships/delegatedAdminRelationships`
 * (delegatedAdminRelationship), partner side, with each relationship's
 * `/accessAssignments` (delegatedAdminAccessAssignment) nested under
 * `accessAssignments` → one `gdap` grant per (relationship, MSP security group,
 * role): tenant and target = the customer (customerKey of
 * customer.displayName), principal = the MSP group
 * (accessContainer.accessContainerId, emitted in the `--customer` MSP tenant
 * when no groups export defines it), expiresAt = endDateTime, autoExtend =
 * autoExtendDuration longer than zero (`P180D`; `PT0S`/`P0D` = none). Active,
 * activating, approved, expiring and expired relationships grant (expired ones
 * keep their past expiresAt so findings can name them); created, pending and
 * terminated ones grant nothing.
 */
export function parseGdapRelationships(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const msp = requireTenant(ctx, file, 'MSP org id');
  if (!msp) return [];
  const { items } = readCollection(text, file, ctx);
  const once = new Once();
  return items.flatMap((item) => relationshipRecords(msp, item, ctx, once));
}

/**
 * A bare `/accessAssignments` response names neither its relationship nor its
 * customer, so it cannot become grants alone: the file is recognized and
 * refused with the way to fix it.
 */
export function parseGdapAccessAssignments(_text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  ctx.problem(
    'HG_ERR_VALIDATION',
    'an accessAssignments export names neither its relationship nor its customer: nest it under its relationship in the delegatedAdminRelationships export (docs/identity-imports.md)',
    { file },
  );
  return [];
}

/** The partner group DAP gives Global Administrator in every DAP customer (Partner Center "Admin agents"). */
export const adminAgentsKey = (msp: string): string => `${msp}/partner/admin-agents`;

/**
 * Grant fields a DAP record updates when another DAP source of the same import
 * (Partner Center JSON and the simple list) already named the grant.
 */
const DAP_MERGE = ['principal', 'principalKind', 'target', 'targetKind', 'privilege', 'role', 'mode', 'via', 'tags'];

/** A legacy DAP grant: the MSP's Admin agents group is Global Administrator of the customer. */
function dapRecords(msp: string, tenant: string, location: ParsedRecord['location'], once: Once): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  const group = { id: adminAgentsKey(msp), tenant: msp, name: 'Admin agents (Partner Center DAP)', privileged: true, tags: ['partner-center', 'dap'] };
  if (once.first('group', group.id)) out.push({ kind: 'group', value: group, location, merge: [] });
  const ga = builtInRole('62e90394-69f5-4237-9190-012177145e10')!;
  const roleRec = directoryRoleRecord(tenant, ga);
  if (once.first('role', String(roleRec.id))) out.push({ kind: 'role', value: roleRec, location, merge: ROLE_MERGE });
  out.push({
    kind: 'grant',
    value: {
      id: `dap/${tenant}`,
      tenant,
      principal: group.id,
      principalKind: 'group',
      target: tenant,
      targetKind: 'organization',
      privilege: 'global-admin',
      role: roleRec.id,
      mode: 'standing',
      via: 'dap',
      tags: ['legacy-dap'],
    },
    location,
    merge: DAP_MERGE,
  });
  return out;
}

/**
 * Partner Center `GET /v1/customers/{id}` results (Customer resource: a
 * collection under `items`, or one customer per element) → a legacy `dap`
 * grant for every customer with `allowDelegatedAccess: true`. The customer key
 * is the slug of companyProfile.companyName. Partner Center returns
 * allowDelegatedAccess only when getting a customer by id, so a plain customer
 * list is reported as carrying no DAP information.
 */
export function parsePartnerCustomers(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const msp = requireTenant(ctx, file, 'MSP org id');
  if (!msp) return [];
  const { items } = readCollection(text, file, ctx, 'items');
  if (items.length && !items.some((i) => 'allowDelegatedAccess' in i.value)) {
    ctx.problem('HG_ERR_MISSING_COLUMN', 'no customer has "allowDelegatedAccess": Partner Center returns it only from GET /v1/customers/{id}', items[0]!.location);
    return [];
  }
  const once = new Once();
  return items.flatMap((item) => {
    if (item.value.allowDelegatedAccess !== true) return [];
    const name = str(obj(item.value, 'companyProfile'), 'companyName') ?? str(item.value, 'companyName');
    if (!name) {
      ctx.problem('HG_ERR_MISSING_COLUMN', 'customer has no companyProfile.companyName', item.location);
      return [];
    }
    return dapRecords(msp, customerKey(name), item.location, once);
  });
}

/**
 * A simple DAP list (`customer,dapEnabled`: the customer's org id and whether
 * the MSP still holds DAP there), for when the Partner Center JSON is not at
 * hand → a legacy `dap` grant for every `dapEnabled` customer.
 */
export function parseDapCsv(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const msp = requireTenant(ctx, file, 'MSP org id');
  if (!msp) return [];
  const t = readTable(text, file);
  const cust = t.col('customer');
  const dap = t.col('dapEnabled');
  let ok = true;
  for (const [c, name] of [[cust, 'customer'], [dap, 'dapEnabled']] as const) {
    if (c < 0) {
      ok = false;
      ctx.problem('HG_ERR_MISSING_COLUMN', `required column "${name}" is missing`, { file, line: t.headerLine, field: name });
    }
  }
  if (!ok) return [];
  const once = new Once();
  return t.rows.flatMap((row) => {
    const customer = t.cell(row, cust);
    const enabled = parseBool(t.cell(row, dap));
    if (!customer) return ctx.problem('HG_ERR_VALIDATION', 'customer is empty', t.at(row, cust, 'customer')), [];
    if (enabled === undefined) return ctx.problem('HG_ERR_VALIDATION', `expected true or false, got "${t.cell(row, dap)}"`, t.at(row, dap, 'dapEnabled')), [];
    return enabled ? dapRecords(msp, customer, t.at(row, cust), once) : [];
  });
}
