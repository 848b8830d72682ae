import { extname } from 'node:path';
import type { CandidateBatch, Importer, ImportContext, InputFile } from '../importer.js';
import { parseAdGroupMembers, parseAdUsers } from './ad.js';
import { normHeader, sniffHeader } from './csv-table.js';
import { parseDapCsv, parseGdapAccessAssignments, parseGdapRelationships, parsePartnerCustomers } from './gdap.js';
import { membersGroupId, parseGraphGroupMembers, parseGraphGroups } from './graph-groups.js';
import { sniffContext } from './graph-json.js';
import { parseRoleAssignments, parseRoleDefinitions, parseRoleEligibility } from './graph-roles.js';
import { parseGraphUsers, parseRegistrationDetails } from './graph-users.js';
import { readText, sniffText, toBatches, type ParseContext, type ParsedRecord } from './records.js';
import { TOOL_COLUMNS, parseToolAccounts } from './tools.js';

/** What recognition looks at: the start of the file as text, its `@odata.context`, or its CSV header. */
interface Sniff {
  file: InputFile;
  text: string;
  json: boolean;
  context?: string;
  csv?: { type?: string; header: string[] };
}

/** A pure parser of one export format. */
export type Parser = (text: string, file: string, ctx: ParseContext) => ParsedRecord[];

const BATCH = 5000;

/**
 * Makes an Importer of a parser: the file is read whole (strict UTF-8, or
 * UTF-16LE with a BOM), parsed, and its records handed to the run as batches by
 * kind and merge semantics.
 */
function importer(name: string, order: number, json: boolean, score: (s: Sniff) => number, parse: Parser): Importer {
  return {
    name,
    recognize(file) {
      const text = sniffText(file.head);
      const isJson = /^\s*[[{]/.test(text);
      const isCsv = extname(file.name).toLowerCase() === '.csv';
      if (json ? !isJson : !isCsv) return 0;
      const s: Sniff = { file, text, json: isJson };
      if (isJson) {
        const c = sniffContext(text);
        if (c) s.context = c;
      } else s.csv = sniffHeader(text);
      return score(s);
    },
    order: () => order,
    async *read(file: InputFile, ctx: ImportContext): AsyncIterable<CandidateBatch> {
      const text = await readText(file.path, json);
      for (const b of toBatches(parse(text, file.path, ctx))) {
        for (let i = 0; i < b.items.length; i += BATCH) yield { ...b, items: b.items.slice(i, i + BATCH) };
      }
      ctx.progress(file.size);
    },
  };
}

const has = (s: Sniff, ...keys: string[]) => keys.every((k) => s.text.includes(`"${k}"`));
const lacks = (s: Sniff, ...keys: string[]) => keys.every((k) => !s.text.includes(`"${k}"`));
/**
 * By `@odata.context` when the file has one (certain), else by the properties
 * its first entities carry (likely). A file whose context names another
 * endpoint is not claimed by key sniffing.
 */
const graph = (ctxRe: RegExp, keys: (s: Sniff) => boolean) => (s: Sniff): number => {
  if (s.context !== undefined) return ctxRe.test(s.context) ? 95 : 0;
  return keys(s) ? 75 : 0;
};

/**
 * Microsoft Graph /users with signInActivity. Ordered just after workspace
 * identity files (order 1): its records merge, so a hand-written identity of the
 * same key must be defined first.
 */
export const graphUsersImporter = importer('graph-users', 1.5, true, graph(/#users(\(|$)/, (s) =>
  has(s, 'userPrincipalName', 'accountEnabled') && lacks(s, 'methodsRegistered', 'roleDefinitionId', 'securityEnabled', 'groupTypes', 'principal', 'members')), parseGraphUsers);

/** Microsoft Graph /reports/authenticationMethods/userRegistrationDetails. */
export const graphMfaImporter = importer('graph-mfa', 20, true, graph(/#reports\/authenticationMethods\/userRegistrationDetails/, (s) =>
  has(s, 'methodsRegistered')), parseRegistrationDetails);

/** Microsoft Graph /groups (optionally with members). */
export const graphGroupsImporter = importer('graph-groups', 2, true, graph(/#groups(\(|$)/, (s) =>
  (has(s, 'securityEnabled') || has(s, 'groupTypes')) && lacks(s, 'roleDefinitionId')), parseGraphGroups);

/** Microsoft Graph /groups/{id}/members. */
export const graphMembersImporter = importer('graph-group-members', 3, true, (s) => {
  // A user's /memberOf is also a directoryObjects collection, but of groups, not members.
  if (/memberof/i.test(s.file.name)) return 0;
  if (s.context !== undefined) return /#directoryObjects|groups(\('|\/)[0-9a-f-]{36}'?\)?\/members/i.test(s.context) ? 90 : 0;
  const typed = /"@odata\.type"\s*:\s*"#microsoft\.graph\.(user|group)"/.test(s.text);
  return typed && membersGroupId(s.file.name, []) && lacks(s, 'securityEnabled', 'roleDefinitionId') ? 70 : 0;
}, parseGraphGroupMembers);

/** Microsoft Graph /roleManagement/directory/roleDefinitions. */
export const graphRoleDefinitionsImporter = importer('graph-role-definitions', 4, true, graph(/roleManagement\/directory\/roleDefinitions/, (s) =>
  has(s, 'rolePermissions', 'isBuiltIn')), parseRoleDefinitions);

/** Microsoft Graph /roleManagement/directory/roleAssignments (active). */
export const graphRoleAssignmentsImporter = importer('graph-role-assignments', 6, true, graph(/roleManagement\/directory\/roleAssignments(\(|$)/, (s) =>
  has(s, 'roleDefinitionId', 'principalId') && lacks(s, 'scheduleInfo', 'accessContainer')), parseRoleAssignments);

/** Microsoft Graph /roleManagement/directory/roleEligibilitySchedules (PIM eligible). */
export const graphRoleEligibilityImporter = importer('graph-role-eligibility', 6, true, graph(/roleManagement\/directory\/roleEligibilitySchedules(\(|$)/, (s) =>
  has(s, 'roleDefinitionId', 'principalId', 'scheduleInfo')), parseRoleEligibility);

/** Microsoft Graph /tenantRelationships/delegatedAdminRelationships with nested accessAssignments (GDAP). */
export const gdapImporter = importer('gdap-relationships', 6, true, (s) => {
  if (s.context !== undefined) return /delegatedAdminRelationships/.test(s.context) && !/accessAssignments/.test(s.context) ? 95 : 0;
  return has(s, 'customer', 'accessDetails') ? 80 : 0;
}, parseGdapRelationships);

/** A bare GDAP /accessAssignments response: recognized so that it is refused with the fix. */
export const gdapAssignmentsImporter = importer('gdap-access-assignments', 6, true, (s) => {
  if (s.context !== undefined) return /accessAssignments/.test(s.context) ? 90 : 0;
  return has(s, 'accessContainer') && lacks(s, 'customer') ? 75 : 0;
}, parseGdapAccessAssignments);

/** Partner Center customers (legacy DAP through allowDelegatedAccess). */
export const partnerCustomersImporter = importer('partner-center-customers', 6, true, (s) =>
  s.context === undefined && (has(s, 'allowDelegatedAccess') || has(s, 'relationshipToPartner') || has(s, 'companyProfile')) ? 85 : 0, parsePartnerCustomers);

const header = (s: Sniff) => s.csv?.header ?? [];
const hasCol = (s: Sniff, ...names: string[]) => names.some((n) => header(s).includes(normHeader(n)));
/** Workspace files name their tenant and key: never claim them. */
const workspaceLike = (s: Sniff) => hasCol(s, 'tenant', 'id', 'principal');

/** A simple DAP list: customer,dapEnabled. */
export const dapCsvImporter = importer('dap-csv', 6, false, (s) => (hasCol(s, 'dapEnabled') ? 90 : 0), parseDapCsv);

/** Get-ADUser | Export-Csv. */
export const adUsersImporter = importer('ad-users', 1, false, (s) => {
  if (/ADUser$/i.test(s.csv?.type ?? '')) return 95;
  const userColumns = hasCol(s, 'Enabled', 'UserPrincipalName', 'MemberOf', 'LastLogonTimestamp', 'LastLogonDate', 'AdminCount');
  return hasCol(s, 'SamAccountName') && userColumns && !workspaceLike(s) ? 85 : 0;
}, parseAdUsers);

/** Get-ADGroupMember | Export-Csv (ADPrincipal objects: no Enabled, no UPN). */
export const adGroupMembersImporter = importer('ad-group-members', 3, false, (s) => {
  if (/ADPrincipal$/i.test(s.csv?.type ?? '')) return 95;
  const principal = hasCol(s, 'objectClass') && hasCol(s, 'distinguishedName') && hasCol(s, 'SamAccountName');
  return principal && !hasCol(s, 'Enabled', 'UserPrincipalName') && !workspaceLike(s) ? 90 : 0;
}, parseAdGroupMembers);

/** RMM / remote-access / password-vault / VPN account lists: a user column and at least two account columns. */
export const toolAccountsImporter = importer('tool-accounts', 1, false, (s) => {
  if (workspaceLike(s) || hasCol(s, 'SamAccountName', 'dapEnabled', 'objectClass')) return 0;
  const user = hasCol(s, ...TOOL_COLUMNS.user) || hasCol(s, ...TOOL_COLUMNS.email);
  const account = [TOOL_COLUMNS.role, TOOL_COLUMNS.mfa, [...TOOL_COLUMNS.enabled, ...TOOL_COLUMNS.disabled], TOOL_COLUMNS.lastLogin]
    .filter((names) => hasCol(s, ...names)).length;
  return user && account >= 2 ? 70 : 0;
}, parseToolAccounts);

/** Every identity and access importer, for the registry. */
export const IDENTITY_IMPORTERS: readonly Importer[] = [
  graphUsersImporter, graphMfaImporter, graphGroupsImporter, graphMembersImporter, graphRoleDefinitionsImporter,
  graphRoleAssignmentsImporter, graphRoleEligibilityImporter, gdapImporter, gdapAssignmentsImporter, partnerCustomersImporter,
  dapCsvImporter, adUsersImporter, adGroupMembersImporter, toolAccountsImporter,
];
