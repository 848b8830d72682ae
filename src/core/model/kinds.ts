import type { z } from 'zod';
import { Organization } from './organization.js';
import { Group, Identity, Membership, Role } from './identity.js';
import { AccessGrant } from './access.js';
import { Asset, ExposedService } from './asset.js';
import { Agreement, BackupJob, Exercise, IrPlan, LogSource, Suppression } from './governance.js';

/** A reference from a field of one kind to the key of another. */
export interface Reference {
  field: string;
  /** The kind referenced, or a function choosing it from the record (for polymorphic fields). */
  to: RecordKindName | ((record: Record<string, unknown>) => RecordKindName | undefined);
}

/**
 * Everything needed to read, check and store one kind of workspace record: its
 * schema, its natural key, its references and the file it lives in. Importers,
 * the store and the demo writer are all driven by this one table.
 */
export interface RecordKind<S extends z.ZodType = z.ZodType> {
  name: RecordKindName;
  /** File base name in a workspace folder (`identities` → identities.csv|json|yaml). */
  file: string;
  schema: S;
  /** The natural key, unique across the workspace for this kind. */
  key: (record: z.output<S>) => string;
  refs: Reference[];
}

export type RecordKindName =
  | 'organization' | 'identity' | 'group' | 'membership' | 'role' | 'grant' | 'asset' | 'service'
  | 'backup' | 'logSource' | 'agreement' | 'irPlan' | 'exercise' | 'suppression';

const byId = (r: { id: string }) => r.id;

/** Record kinds in dependency order: a kind only references kinds listed before it. */
export const RECORD_KINDS: readonly RecordKind[] = [
  { name: 'organization', file: 'organizations', schema: Organization, key: byId, refs: [{ field: 'msp', to: 'organization' }] },
  { name: 'identity', file: 'identities', schema: Identity, key: byId, refs: [{ field: 'tenant', to: 'organization' }] },
  { name: 'group', file: 'groups', schema: Group, key: byId, refs: [{ field: 'tenant', to: 'organization' }] },
  {
    name: 'membership',
    file: 'memberships',
    schema: Membership,
    key: (r: Membership) => `${r.group}>${r.member}`,
    refs: [
      { field: 'tenant', to: 'organization' },
      { field: 'group', to: 'group' },
      { field: 'member', to: (r) => (r.memberKind === 'group' ? 'group' : 'identity') },
    ],
  },
  { name: 'role', file: 'roles', schema: Role, key: byId, refs: [{ field: 'tenant', to: 'organization' }] },
  {
    name: 'asset',
    file: 'assets',
    schema: Asset,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }],
  },
  {
    name: 'grant',
    file: 'grants',
    schema: AccessGrant,
    key: byId,
    refs: [
      { field: 'tenant', to: 'organization' },
      {
        field: 'principal',
        to: (r) => (r.principalKind === 'group' ? 'group' : r.principalKind === 'tool' ? 'asset' : 'identity'),
      },
      { field: 'target', to: (r) => (r.targetKind === 'asset' ? 'asset' : 'organization') },
      { field: 'role', to: 'role' },
      { field: 'tool', to: 'asset' },
    ],
  },
  {
    name: 'service',
    file: 'services',
    schema: ExposedService,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }, { field: 'asset', to: 'asset' }],
  },
  {
    name: 'backup',
    file: 'backups',
    schema: BackupJob,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }, { field: 'assets', to: 'asset' }],
  },
  {
    name: 'logSource',
    file: 'log-sources',
    schema: LogSource,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }, { field: 'asset', to: 'asset' }],
  },
  {
    name: 'agreement',
    file: 'agreements',
    schema: Agreement,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }, { field: 'msp', to: 'organization' }],
  },
  { name: 'irPlan', file: 'ir-plans', schema: IrPlan, key: byId, refs: [{ field: 'tenant', to: 'organization' }] },
  {
    name: 'exercise',
    file: 'exercises',
    schema: Exercise,
    key: byId,
    refs: [{ field: 'tenant', to: 'organization' }, { field: 'plan', to: 'irPlan' }],
  },
  { name: 'suppression', file: 'suppressions', schema: Suppression, key: byId, refs: [{ field: 'tenant', to: 'organization' }] },
] as RecordKind[];

/** Looks a kind up by name. */
export function recordKind(name: RecordKindName): RecordKind {
  const k = RECORD_KINDS.find((x) => x.name === name);
  if (!k) throw new Error(`unknown record kind ${name}`);
  return k;
}

/** The stored shape of each record kind. */
export interface RecordTypes {
  organization: Organization;
  identity: Identity;
  group: Group;
  membership: Membership;
  role: Role;
  grant: AccessGrant;
  asset: Asset;
  service: ExposedService;
  backup: BackupJob;
  logSource: LogSource;
  agreement: Agreement;
  irPlan: IrPlan;
  exercise: Exercise;
  suppression: Suppression;
}
