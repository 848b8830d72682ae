/**
 * Identity and access importers: Microsoft Graph / Entra ID exports, GDAP and
 * legacy DAP, Active Directory CSV exports, and RMM / remote-access /
 * password-vault / VPN account lists. See docs/identity-imports.md.
 */
export * from './importers.js';
export { parseGraphUsers, parseRegistrationDetails, mfaFromMethods } from './graph-users.js';
export { parseGraphGroups, parseGraphGroupMembers } from './graph-groups.js';
export { parseRoleDefinitions, parseRoleAssignments, parseRoleEligibility } from './graph-roles.js';
export { parseGdapRelationships, parseGdapAccessAssignments, parsePartnerCustomers, parseDapCsv, customerKey } from './gdap.js';
export { parseAdUsers, parseAdGroupMembers, fromFileTime } from './ad.js';
export { parseToolAccounts } from './tools.js';
export { builtInRole, BUILT_IN_ROLES } from './entra-roles.js';
export type { ParsedRecord, ParseContext } from './records.js';
