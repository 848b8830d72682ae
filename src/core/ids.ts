import { z } from 'zod';

/**
 * Natural keys. Every record is addressed by a stable, human-readable key given
 * by the workspace (e.g. `acme-clinic`, `jane@msp.example`), so that importing
 * the same folder twice updates rather than duplicates. Keys are branded so an
 * identity key cannot be passed where an organization key is expected.
 */
const key = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[^\s\u0000-\u001f]+$/, 'must not contain spaces or control characters');

export const OrgId = key.brand<'OrgId'>();
export type OrgId = z.infer<typeof OrgId>;
export const IdentityId = key.brand<'IdentityId'>();
export type IdentityId = z.infer<typeof IdentityId>;
export const GroupId = key.brand<'GroupId'>();
export type GroupId = z.infer<typeof GroupId>;
export const RoleId = key.brand<'RoleId'>();
export type RoleId = z.infer<typeof RoleId>;
export const AssetId = key.brand<'AssetId'>();
export type AssetId = z.infer<typeof AssetId>;
export const GrantId = key.brand<'GrantId'>();
export type GrantId = z.infer<typeof GrantId>;
export const RecordId = key.brand<'RecordId'>();
export type RecordId = z.infer<typeof RecordId>;
/** A control id of the catalog, e.g. `hg.ctl.mfa.msp-accounts`. */
export const ControlId = z
  .string()
  .regex(/^hg\.ctl\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must look like hg.ctl.<area>.<name>')
  .brand<'ControlId'>();
export type ControlId = z.infer<typeof ControlId>;
