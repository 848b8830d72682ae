import type { Location, MfaMethod } from '../../core/index.js';
import { readCollection, type GraphItem } from './graph-json.js';
import { identityKind, latest, obj, requireTenant, str, toIso, type ParseContext, type ParsedRecord } from './records.js';

/** Where each identity field comes from in a Graph user, for located validation messages. */
const USER_FIELDS: Record<string, (string | number)[]> = {
  id: ['userPrincipalName'],
  username: ['userPrincipalName'],
  displayName: ['displayName'],
  enabled: ['accountEnabled'],
  lastSignIn: ['signInActivity'],
  departedAt: ['employeeLeaveDateTime'],
};

const fieldLocator = (item: GraphItem, fields: Record<string, (string | number)[]>) => (path: readonly (string | number)[]): Location =>
  item.locate(fields[String(path[0])] ?? []);

/**
 * Reports a required property that no entity of the export has — the sign of a
 * query without the right `$select` — once, at the file, and says how to fix it.
 */
function requireProperty(items: GraphItem[], prop: string, hint: string, file: string, ctx: ParseContext): boolean {
  if (items.length === 0 || items.some((i) => prop in i.value)) return true;
  ctx.problem('HG_ERR_MISSING_COLUMN', `no entity has "${prop}": ${hint}`, items[0]!.location ?? { file });
  return false;
}

/**
 * Identity fields the users export updates on an identity that already exists:
 * what it knows. `mfa` and `privileged` come from the registration details and
 * `kind` may have been corrected by hand, so a later users export keeps them.
 */
export const USER_MERGE = ['displayName', 'username', 'enabled', 'lastSignIn', 'lastInteractiveSignIn', 'departedAt', 'tags'] as const;

/**
 * Microsoft Graph `GET /users?$select=id,userPrincipalName,displayName,accountEnabled,userType,mail,signInActivity`
 * → identities of the `--customer` tenant (Graph user resource; signInActivity
 * resource for the sign-in times).
 *
 * - id: userPrincipalName in lower case (guests keep their `#EXT#` UPN);
 * - enabled: accountEnabled (required: the default `/users` projection omits it);
 * - lastSignIn: the latest of signInActivity.lastSignInDateTime (interactive),
 *   lastNonInteractiveSignInDateTime and lastSuccessfulSignInDateTime — any
 *   of them shows the account is in use (Entra's inactive-accounts guidance);
 * - departedAt: employeeLeaveDateTime, when the tenant sets it;
 * - kind: naming (see identityKind), and `shared` for a disabled account with a
 *   mailbox that never signed in: how Exchange creates shared mailboxes;
 * - tags: `entra`, the userType (`member`/`guest`), `external` for `#EXT#`
 *   accounts, `synced` for accounts synchronized from on-premises AD.
 *
 * Records merge USER_MERGE, so this export and the registration details can be
 * imported in either order, in one run or several, without undoing each other.
 */
export function parseGraphUsers(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  if (!requireProperty(items, 'accountEnabled', 'export /users with $select=id,userPrincipalName,displayName,accountEnabled,userType,mail,signInActivity', file, ctx)) return [];
  const out: ParsedRecord[] = [];
  for (const item of items) {
    const u = item.value;
    const upn = str(u, 'userPrincipalName');
    if (!upn) {
      ctx.problem('HG_ERR_VALIDATION', 'user has no userPrincipalName', { ...item.location, field: 'userPrincipalName' });
      continue;
    }
    if (typeof u.accountEnabled !== 'boolean') {
      ctx.problem('HG_ERR_VALIDATION', `accountEnabled must be true or false, got ${JSON.stringify(u.accountEnabled ?? null)}`, { ...item.locate(['accountEnabled']), field: 'accountEnabled' });
      continue;
    }
    const sia = obj(u, 'signInActivity');
    const lastSignIn = latest(
      toIso(sia?.lastSignInDateTime),
      toIso(sia?.lastNonInteractiveSignInDateTime),
      toIso(sia?.lastSuccessfulSignInDateTime),
    );
    // signInActivity.lastSignInDateTime counts interactive sign-ins only (Graph signInActivity resource).
    const interactive = toIso(sia?.lastSignInDateTime);
    const displayName = str(u, 'displayName') ?? upn;
    const userType = str(u, 'userType')?.toLowerCase();
    let kind = identityKind(upn, displayName);
    // Exchange creates a shared mailbox as a disabled user that never signs in.
    if (kind === 'human' && u.accountEnabled === false && !lastSignIn && 'signInActivity' in u && str(u, 'mail')) kind = 'shared';
    const tags = ['entra'];
    if (userType) tags.push(userType);
    if (/#ext#/i.test(upn)) tags.push('external');
    if (u.onPremisesSyncEnabled === true) tags.push('synced');
    const departedAt = toIso(u.employeeLeaveDateTime);
    out.push({
      kind: 'identity',
      value: {
        id: upn.toLowerCase(),
        tenant,
        kind,
        displayName,
        username: upn,
        enabled: u.accountEnabled,
        ...(lastSignIn ? { lastSignIn } : {}),
        ...(interactive ? { lastInteractiveSignIn: interactive } : {}),
        ...(departedAt ? { departedAt } : {}),
        tags,
      },
      location: item.location,
      locate: fieldLocator(item, USER_FIELDS),
      merge: USER_MERGE,
    });
  }
  return out;
}

/**
 * userRegistrationDetails.methodsRegistered → Hubguard MFA methods, following
 * the usageAuthMethod / authenticationMethodModes names of the Graph reference.
 * Passkeys (device-bound or synced) count as FIDO2: both are origin-bound
 * WebAuthn credentials. The macOS Secure Enclave key is a platform
 * authenticator like Windows Hello. A mobile phone is counted as SMS and the
 * office / alternate phones as voice: all weak (CISA's MFA guidance).
 * Temporary Access Pass, passwords, security questions, app passwords and
 * external methods are not second factors Hubguard can rate, so they are left
 * out; so are values Microsoft adds later (an evolvable enumeration).
 */
const METHODS: Record<string, MfaMethod> = {
  microsoftauthenticatorpush: 'authenticator-push',
  microsoftauthenticatorpasswordless: 'authenticator-push',
  push: 'authenticator-push',
  softwareonetimepasscode: 'totp',
  softwareoath: 'totp',
  hardwareonetimepasscode: 'hardware-otp',
  hardwareoath: 'hardware-otp',
  fido2: 'fido2',
  fido2securitykey: 'fido2',
  passkeydevicebound: 'fido2',
  passkeydeviceboundauthenticator: 'fido2',
  passkeydeviceboundwindowshello: 'windows-hello',
  passkeysynced: 'fido2',
  windowshelloforbusiness: 'windows-hello',
  macossecureenclavekey: 'windows-hello',
  x509certificatemultifactor: 'certificate',
  x509certificatesinglefactor: 'certificate',
  mobilephone: 'sms',
  sms: 'sms',
  alternatemobilephone: 'voice',
  officephone: 'voice',
  voice: 'voice',
  email: 'email',
};

/** Maps methodsRegistered values to MFA methods, strongest first, without repeats. */
export function mfaFromMethods(methods: readonly unknown[]): MfaMethod[] {
  const order: MfaMethod[] = ['fido2', 'windows-hello', 'certificate', 'authenticator-push', 'totp', 'hardware-otp', 'sms', 'voice', 'email'];
  const got = new Set<MfaMethod>();
  for (const m of methods) {
    if (typeof m !== 'string') continue;
    const mapped = METHODS[m.toLowerCase()];
    if (mapped) got.add(mapped);
  }
  return order.filter((m) => got.has(m));
}

/** Identity fields the registration-details export updates on an identity that already exists. */
export const MFA_MERGE = ['mfa', 'privileged'] as const;

/**
 * Microsoft Graph `GET /reports/authenticationMethods/userRegistrationDetails`
 * (userRegistrationDetails resource) → the MFA methods of identities of the
 * `--customer` tenant, keyed like the users export (userPrincipalName in lower
 * case). `isAdmin` (the user holds an admin role in the tenant) sets
 * `privileged`. The records are complete (display name from userDisplayName),
 * so they can be inserted alone, and are marked to merge only `mfa` and
 * `privileged` into identities the users export already made.
 */
export function parseRegistrationDetails(text: string, file: string, ctx: ParseContext): ParsedRecord[] {
  const tenant = requireTenant(ctx, file);
  if (!tenant) return [];
  const { items } = readCollection(text, file, ctx);
  if (!requireProperty(items, 'methodsRegistered', 'export /reports/authenticationMethods/userRegistrationDetails without a $select that drops it', file, ctx)) return [];
  const out: ParsedRecord[] = [];
  for (const item of items) {
    const r = item.value;
    const upn = str(r, 'userPrincipalName');
    if (!upn) {
      ctx.problem('HG_ERR_VALIDATION', 'registration details have no userPrincipalName', { ...item.location, field: 'userPrincipalName' });
      continue;
    }
    const methods = r.methodsRegistered;
    if (methods !== undefined && methods !== null && !Array.isArray(methods)) {
      ctx.problem('HG_ERR_VALIDATION', 'methodsRegistered must be a list', { ...item.locate(['methodsRegistered']), field: 'methodsRegistered' });
      continue;
    }
    const displayName = str(r, 'userDisplayName') ?? upn;
    const userType = str(r, 'userType')?.toLowerCase();
    out.push({
      kind: 'identity',
      value: {
        id: upn.toLowerCase(),
        tenant,
        kind: identityKind(upn, displayName),
        displayName,
        username: upn,
        mfa: mfaFromMethods(Array.isArray(methods) ? methods : []),
        privileged: r.isAdmin === true,
        tags: userType ? ['entra', userType] : ['entra'],
      },
      location: item.location,
      locate: fieldLocator(item, { id: ['userPrincipalName'], displayName: ['userDisplayName'], mfa: ['methodsRegistered'], privileged: ['isAdmin'] }),
      merge: MFA_MERGE,
    });
  }
  return out;
}
