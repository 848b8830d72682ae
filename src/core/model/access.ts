import { z } from 'zod';
import { AssetId, GrantId, OrgId, RoleId } from '../ids.js';
import { Privilege, Tags } from './common.js';
import { Timestamp } from '../time.js';

/** The path an access grant goes through. */
export const AccessPath = z.enum([
  'gdap', 'dap', 'rmm', 'remote-access', 'vpn', 'local-admin', 'password-vault', 'directory', 'backup-console', 'psa', 'other',
]);
export type AccessPath = z.infer<typeof AccessPath>;

/**
 * Who can reach what: a principal (identity, group or MSP tool) reaches a target
 * (an organization, one of its assets, or a cloud tenant) with a privilege,
 * standing or just-in-time, through a path. The grant's tenant is the target's
 * organization, so a customer can see every access held into it.
 */
export const AccessGrant = z.strictObject({
  id: GrantId,
  tenant: OrgId,
  principal: z.string().min(1),
  principalKind: z.enum(['identity', 'group', 'tool']).default('identity'),
  /** Target organization (the whole tenant) or one asset of it. */
  target: z.string().min(1),
  targetKind: z.enum(['organization', 'asset']).default('organization'),
  privilege: Privilege,
  role: RoleId.optional(),
  mode: z.enum(['standing', 'jit']).default('standing'),
  via: AccessPath,
  /** The MSP tool (an asset of the MSP) the access runs through, if any. */
  tool: AssetId.optional(),
  grantedAt: Timestamp.optional(),
  expiresAt: Timestamp.optional(),
  /** GDAP relationships can auto-extend by 180 days. */
  autoExtend: z.boolean().default(false),
  lastUsed: Timestamp.optional(),
  tags: Tags,
});
export type AccessGrant = z.output<typeof AccessGrant>;
