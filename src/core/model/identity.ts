import { z } from 'zod';
import { GroupId, IdentityId, OrgId, RoleId } from '../ids.js';
import { Privilege, Tags } from './common.js';
import { Timestamp } from '../time.js';

/**
 * MFA methods. Strength follows CISA's guidance: FIDO2 / Windows Hello / PIV
 * are phishing-resistant; app push with number matching and TOTP are strong;
 * SMS, voice and email codes are weak and not acceptable for privileged roles.
 */
export const MfaMethod = z.enum([
  'fido2', 'windows-hello', 'certificate', 'authenticator-push', 'totp', 'hardware-otp', 'sms', 'voice', 'email',
]);
export type MfaMethod = z.infer<typeof MfaMethod>;
export const MfaStrength = z.enum(['phishing-resistant', 'strong', 'weak']);
export type MfaStrength = z.infer<typeof MfaStrength>;

const STRENGTH: Record<MfaMethod, MfaStrength> = {
  fido2: 'phishing-resistant',
  'windows-hello': 'phishing-resistant',
  certificate: 'phishing-resistant',
  'authenticator-push': 'strong',
  totp: 'strong',
  'hardware-otp': 'strong',
  sms: 'weak',
  voice: 'weak',
  email: 'weak',
};
/** The strength of one MFA method. */
export const mfaStrength = (m: MfaMethod): MfaStrength => STRENGTH[m];

/** A person, service principal or shared account, at home in one organization (its tenant). */
export const Identity = z.strictObject({
  id: IdentityId,
  tenant: OrgId,
  kind: z.enum(['human', 'service', 'shared']).default('human'),
  displayName: z.string().min(1),
  /** Sign-in name: UPN, e-mail, `DOMAIN\\sam` or a tool login. */
  username: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  mfa: z.array(MfaMethod).default([]),
  lastSignIn: Timestamp.optional(),
  /**
   * Last interactive sign-in (someone at a prompt or a remote desktop), where the
   * source tells interactive from non-interactive sign-ins (Entra ID does).
   */
  lastInteractiveSignIn: Timestamp.optional(),
  /** Holds a privileged role somewhere (an admin of any kind). */
  privileged: z.boolean().default(false),
  /** Employment ended (a departed technician); set even when the account is still enabled. */
  departedAt: Timestamp.optional(),
  /** A hash or fingerprint of the credential, to find one credential reused across customers. */
  credentialRef: z.string().min(1).optional(),
  tags: Tags,
});
export type Identity = z.output<typeof Identity>;

/** A group of identities (and nested groups). */
export const Group = z.strictObject({
  id: GroupId,
  tenant: OrgId,
  name: z.string().min(1),
  /** Admin groups (Domain Admins, a customer's internal IT admins) are where MSP accounts must not sit. */
  privileged: z.boolean().default(false),
  tags: Tags,
});
export type Group = z.output<typeof Group>;

/** Membership of an identity or a nested group in a group. */
export const Membership = z.strictObject({
  tenant: OrgId,
  group: GroupId,
  member: z.string().min(1),
  memberKind: z.enum(['identity', 'group']).default('identity'),
});
export type Membership = z.output<typeof Membership>;

/** A role (directory role, RMM role, vault role) and the privilege it confers. */
export const Role = z.strictObject({
  id: RoleId,
  tenant: OrgId,
  name: z.string().min(1),
  privilege: Privilege,
  /** Where the role applies: `directory`, `domain`, `rmm`, `vault`, ... */
  system: z.string().min(1).default('directory'),
  /** Microsoft role template id, where there is one. */
  templateId: z.string().optional(),
  tags: Tags,
});
export type Role = z.output<typeof Role>;
